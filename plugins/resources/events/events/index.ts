/**
 * Event.events.k8s.io (events.k8s.io/v1 events): the new-style event API. Kubernetes serves it and
 * core/v1 events from one key space (/registry/events) through the internal Event; the registry
 * here keys resources by group, so this is a separate resource (/registry/events.k8s.io/events)
 * with the core mapping in convert.ts. Validation runs on the core shape and reports Kubernetes'
 * own (core) field paths; the printer is the core Event printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { eventCells, eventPrinter } from '../../core/events/printer';
import { invalid, required, type FieldError } from '../../shared/field-errors';
import { isQualifiedName } from '../../shared/names';
import { deepEqual, isRecord, str, type Json } from '../../shared/object';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { toCoreEvent } from './convert';

export const GROUP = 'events.k8s.io';
const EVENT_TYPES = ['Normal', 'Warning'];
const REPORTING_INSTANCE_MAX = 128;
const ACTION_MAX = 128;
const REASON_MAX = 128;
const NOTE_MAX = 1024;

/** objects being created (prepareForCreate runs before validate on the same object) */
const creating = new WeakSet<KObject>();

function rec(v: unknown): Json {
  return isRecord(v) ? v : {};
}

/** set = present and not the Go zero value */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0) return false;
  if (isRecord(v)) return Object.values(v).some(isSet);
  return true;
}

/** events.k8s.io field selectors (field label conversion to the core names). */
export const eventsV1FieldSelectors = {
  reason: (o: KObject) => str(o.reason),
  'regarding.kind': (o: KObject) => str(rec(o.regarding).kind),
  'regarding.namespace': (o: KObject) => str(rec(o.regarding).namespace),
  'regarding.name': (o: KObject) => str(rec(o.regarding).name),
  'regarding.uid': (o: KObject) => str(rec(o.regarding).uid),
  'regarding.apiVersion': (o: KObject) => str(rec(o.regarding).apiVersion),
  'regarding.resourceVersion': (o: KObject) => str(rec(o.regarding).resourceVersion),
  'regarding.fieldPath': (o: KObject) => str(rec(o.regarding).fieldPath),
  reportingController: (o: KObject) => str(o.reportingController),
  type: (o: KObject) => str(o.type),
};

function validateSeries(ev: KObject, errors: FieldError[]): void {
  if (!isRecord(ev.series)) return;
  const count = ev.series.count;
  if (typeof count !== 'number' || count < 2) errors.push(invalid('series.count', '', 'should be at least 2'));
  if (!str(ev.series.lastObservedTime)) errors.push(required('series.lastObservedTime', ''));
}

/** legacyValidateEvent: what every event write (create and update) must pass. */
export function validateEventLegacy(input: KObject, errors: FieldError[]): void {
  const ev = toCoreEvent(input);
  const ns = ev.metadata.namespace ?? '';
  const involvedNs = str(rec(ev.involvedObject).namespace);
  if (!str(ev.eventTime)) {
    if (involvedNs === '' ? ns !== '' && ns !== 'default' : ns !== involvedNs) {
      errors.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
    return;
  }
  if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') errors.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  const controller = str(ev.reportingComponent);
  if (!controller) errors.push(required('reportingController', ''));
  for (const msg of isQualifiedName(controller)) errors.push(invalid('reportingController', controller, msg));
  const instance = str(ev.reportingInstance);
  if (!instance) errors.push(required('reportingInstance', ''));
  if (instance.length > REPORTING_INSTANCE_MAX) errors.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_MAX} characters`));
  const action = str(ev.action);
  if (!action) errors.push(required('action', ''));
  if (action.length > ACTION_MAX) errors.push(invalid('action', '', `can have at most ${ACTION_MAX} characters`));
  const reason = str(ev.reason);
  if (!reason) errors.push(required('reason', ''));
  if (reason.length > REASON_MAX) errors.push(invalid('reason', '', `can have at most ${REASON_MAX} characters`));
  if (str(ev.message).length > NOTE_MAX) errors.push(invalid('message', '', `can have at most ${NOTE_MAX} characters`));
}

/** The strict checks of an events.k8s.io/v1 create (ValidateEventCreate beyond the legacy ones). */
export function validateEventV1Create(input: KObject, errors: FieldError[]): void {
  const ev = toCoreEvent(input);
  validateSeries(ev, errors);
  if (!str(ev.eventTime)) errors.push(required('eventTime', ''));
  if (!EVENT_TYPES.includes(str(ev.type))) errors.push(invalid('type', '', `has invalid value: ${str(ev.type)}`));
  if (isSet(ev.firstTimestamp)) errors.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (isSet(ev.lastTimestamp)) errors.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (isSet(ev.count)) errors.push(invalid('count', '', 'needs to be unset'));
  if (isSet(ev.source)) errors.push(invalid('source', '', 'needs to be unset'));
}

/** The fields an events.k8s.io/v1 update may not change (core paths), series revalidated when changed. */
const IMMUTABLE = ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'action', 'related', 'reportingComponent', 'reportingInstance'];
const PATH_OF: Record<string, string> = { reportingComponent: 'reportingController' };

export function validateEventV1Update(input: KObject, oldInput: KObject, errors: FieldError[]): void {
  const ev = toCoreEvent(input) as Json;
  const old = toCoreEvent(oldInput) as Json;
  for (const f of IMMUTABLE) {
    const a = isSet(ev[f]) ? ev[f] : undefined;
    const b = isSet(old[f]) ? old[f] : undefined;
    if (!deepEqual(a, b)) errors.push(invalid(PATH_OF[f] ?? f, a ?? null, 'field is immutable'));
  }
}

export default defineResourcePlugin({
  name: 'Event.events.k8s.io',
  description: 'events.k8s.io/v1 events: strict new-style event validation, immutable fields, the Event printer, regarding.* field selectors',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'Event'),
    names: { plural: 'events', singular: 'event', kind: 'Event', listKind: 'EventList', shortNames: ['ev'] },
    namespaced: true,
    generation: 'none',
    printer: { columns: eventPrinter.columns, row: (obj: KObject, now: Date) => eventCells(toCoreEvent(obj), now) },
    fieldSelectors: eventsV1FieldSelectors,
  },
  prepareForCreate(ev) {
    creating.add(ev);
  },
  validate(ev, errors) {
    validateEventLegacy(ev, errors);
    if (creating.has(ev)) validateEventV1Create(ev, errors);
  },
  validateUpdate(ev, old, errors) {
    const a = toCoreEvent(ev);
    const b = toCoreEvent(old);
    if (!deepEqual(a.series, b.series)) validateSeries(a, errors);
    validateEventV1Update(ev, old, errors);
  },
});
