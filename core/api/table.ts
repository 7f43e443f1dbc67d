/**
 * Server-side printing (kubectl-surface §9): meta.k8s.io Table with wide cells, PartialObjectMetadata
 * row objects, the default `Name` + `Created At` columns, and HumanDuration for AGE columns.
 */
import type { KObject, TableColumn, TablePrinter } from '../registry/types';

/** Kubernetes' HumanDuration: `119s`, `2m5s`, `179m`, `3h10m`, `47h`, `3d4h`, `2y30d`, `<invalid>`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** AGE of a timestamp (`<unknown>` when absent or unparsable). */
export function age(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

export const NAME_COLUMN: TableColumn = Object.freeze({
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
});

/** The printer for resources that declare none: Name + Created At (RFC 3339 cell). */
export const DEFAULT_PRINTER: TablePrinter = Object.freeze({
  columns: Object.freeze([
    NAME_COLUMN,
    Object.freeze({
      name: 'Created At',
      type: 'date',
      description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
      priority: 0,
    } as TableColumn),
  ]),
  row: (obj: KObject) => [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? ''],
});

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(v: string | null): IncludeObject {
  if (v === 'None' || v === 'Object' || v === 'Metadata') return v;
  return 'Metadata';
}

/** PartialObjectMetadata of an object (meta.k8s.io). */
export function partialObjectMetadata(obj: KObject, metaVersion = 'v1'): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${metaVersion}`, metadata: obj.metadata };
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export interface TableOptions {
  printer?: TablePrinter;
  includeObject: IncludeObject;
  now: Date;
  metaVersion?: string;
  /** false for watch events after the first: `columnDefinitions: []` */
  withColumns?: boolean;
  /** list metadata: resourceVersion, continue, remainingItemCount */
  listMeta?: Record<string, unknown>;
}

/** The cells of one row; a printer that throws gets `<unknown>` cells rather than failing the list. */
export function rowCells(printer: TablePrinter | undefined, obj: KObject, now: Date): unknown[] {
  const p = printer ?? DEFAULT_PRINTER;
  try {
    return p.row(obj, now);
  } catch {
    return [obj.metadata?.name ?? '', ...p.columns.slice(1).map(() => '<unknown>')];
  }
}

/** One row; `full` is the object in the request's version (used for includeObject=Object). */
export function tableRow(obj: KObject, full: KObject, opts: TableOptions): TableRow {
  const row: TableRow = { cells: rowCells(opts.printer, obj, opts.now) };
  if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata(full, opts.metaVersion);
  else if (opts.includeObject === 'Object') row.object = full;
  return row;
}

/** A Table of rows (`objects` pairs the hub object for the printer with the versioned one). */
export function buildTable(objects: ReadonlyArray<{ hub: KObject; versioned: KObject }>, opts: TableOptions): Record<string, unknown> {
  const printer = opts.printer ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.metaVersion ?? 'v1'}`,
    metadata: opts.listMeta ?? {},
    columnDefinitions: opts.withColumns === false ? [] : printer.columns,
    rows: objects.map((o) => tableRow(o.hub, o.versioned, opts)),
  };
}
