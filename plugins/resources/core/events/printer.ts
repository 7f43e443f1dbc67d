/**
 * Event columns (printers.go printEvent), always the wide cells: LAST SEEN, TYPE, REASON, OBJECT,
 * *SUBOBJECT, *SOURCE, MESSAGE, *FIRST SEEN, *COUNT, *NAME.
 */
import type { KObject, TablePrinter } from '../../../../core/registry/types';
import { parseTime, since } from '../../shared/age';
import { isRecord, num, str, type Json } from '../../shared/object';
import { column, wide } from '../../shared/printer';

function when(ts: unknown, now: Date): string | undefined {
  return parseTime(ts) === undefined ? undefined : since(ts, now);
}

function source(ev: KObject): string {
  const src: Json = isRecord(ev.source) ? ev.source : {};
  const component = str(src.component) || str(ev.reportingComponent);
  const host = str(src.host) || str(ev.reportingInstance);
  return host ? `${component}, ${host}` : component;
}

export function eventCells(ev: KObject, now: Date): unknown[] {
  const first = when(ev.firstTimestamp, now) ?? since(ev.eventTime, now);
  let last = when(ev.lastTimestamp, now) ?? first;
  let count = num(ev.count) ?? 0;
  const series = isRecord(ev.series) ? ev.series : undefined;
  if (series) {
    last = since(series.lastObservedTime, now);
    count = num(series.count) ?? 0;
  } else if (count === 0) count = 1;
  const involved: Json = isRecord(ev.involvedObject) ? ev.involvedObject : {};
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  return [last, str(ev.type), str(ev.reason), target, str(involved.fieldPath), source(ev), str(ev.message).trim(), first, count, ev.metadata.name ?? ''];
}

export const eventPrinter: TablePrinter = {
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    column('Object', 'The object that this event is about.'),
    wide('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
    wide('Source', 'The component reporting this event. Should be a short machine understandable string.'),
    column('Message', 'A human-readable description of the status of this operation.'),
    wide('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    wide('Count', 'The number of times this event has occurred.'),
    { ...wide('Name', 'Name must be unique within a namespace.'), format: 'name' },
  ],
  row: eventCells,
};
