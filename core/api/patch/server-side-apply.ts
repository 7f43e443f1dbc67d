/**
 * Server-side apply and field ownership (`metadata.managedFields`), after structured-merge-diff's
 * `merge.Updater` and the apiserver's field manager.
 *
 * applyServerSide: the applied configuration is merged into the live object (lists by their keys);
 * the applier then owns exactly the fields it applied; fields it owned before and no longer applies
 * are removed unless another manager owns them (or something below them); changing a field another
 * manager owns is a 409 Conflict unless `force`, which takes the field over.
 * recordUpdate: for every other write (create, update, patch) the writer ("Update" manager) gains the
 * fields it added or changed, and the other managers lose them; removed fields leave every set.
 *
 * Never tracked (the apiserver's strip set): apiVersion, kind, metadata.{name, namespace, uid,
 * resourceVersion, generation, creationTimestamp, selfLink, clusterName, managedFields}; nor the
 * top-level `resetFields` (default `status`, which the main resource ignores).
 *
 * The caller validates PatchOptions first: `validatePatchOptions` (index.ts) answers a missing
 * fieldManager for apply with the apiserver's 422. Both functions also refuse an empty manager.
 */
import { statusError, type StatusCause } from '../status';
import { GENERIC_PATCH_SCHEMA, builtinPatchSchema } from './builtin-schema';
import { FieldSet, formatPath, type FieldPath } from './fieldset';
import type { PatchSchema } from './schema';
import { compare, mergeApplied, removePath, toFieldSet } from './typed';
import { clone, deepEqual, get, has, isObject, type JsonObject } from './util';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

export interface ManagedResult {
  /** The object to store, with `metadata.managedFields` set (or removed when there are none). */
  object: JsonObject;
  managedFields: ManagedFieldsEntry[];
  /** Whether anything but managedFields differs from the live object. */
  changed: boolean;
}

export interface ServerSideApplyOptions {
  live: object | undefined;
  applied: unknown;
  manager: string;
  force?: boolean;
  apiVersion: string;
  schema: PatchSchema;
  /** RFC 3339, the time recorded on the entries this write touches. */
  now: string;
  subresource?: string;
  /** Top-level fields this endpoint ignores (default ['status']; ['spec'] for /status writes). */
  resetFields?: readonly string[];
}

export interface RecordUpdateOptions {
  old: object | undefined;
  updated: object;
  manager: string;
  operation?: 'Update';
  apiVersion: string;
  now: string;
  /** Default: the built-in schema of `updated.kind`, else the generic one. */
  schema?: PatchSchema;
  subresource?: string;
  resetFields?: readonly string[];
}

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

const UNTRACKED_META = [
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink',
  'clusterName', 'managedFields',
];
/** Never taken from an applied configuration: the server owns them. */
const SERVER_META = [
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink', 'managedFields',
  'deletionTimestamp', 'deletionGracePeriodSeconds',
];
const DEFAULT_RESET = ['status'];
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** The apiserver's answer to an apply without fieldManager (422 Invalid on PatchOptions). */
export function fieldManagerRequiredError(): Error {
  return statusError('Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
    group: 'meta.k8s.io',
    kind: 'PatchOptions',
    causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
  });
}

function requireManager(manager: string): void {
  if (typeof manager !== 'string' || manager === '') throw fieldManagerRequiredError();
}

/** The part of an object whose fields are owned: without the untracked and reset fields. */
function tracked(obj: unknown, resetFields: readonly string[]): JsonObject {
  if (!isObject(obj)) return {};
  const out: JsonObject = { ...obj };
  for (const k of ['apiVersion', 'kind', ...resetFields]) delete out[k];
  if (isObject(out.metadata)) {
    const meta: JsonObject = { ...out.metadata };
    for (const k of UNTRACKED_META) delete meta[k];
    if (Object.keys(meta).length > 0) out.metadata = meta;
    else delete out.metadata;
  }
  return out;
}

function identity(m: { manager: string; operation: string; subresource?: string }): string {
  return JSON.stringify([m.manager, m.operation, m.subresource ?? '']);
}

function decodeManagers(raw: unknown, strict: boolean): Manager[] {
  if (raw === undefined || raw === null) return [];
  const fail = (why: string): never => {
    throw statusError('BadRequest', `error decoding managedFields: ${why}`);
  };
  if (!Array.isArray(raw)) return strict ? fail('metadata.managedFields must be a list') : [];
  const out: Manager[] = [];
  for (const e of raw) {
    try {
      if (!isObject(e)) fail('an entry is not an object');
      const { manager, operation, apiVersion, time, fieldsType, subresource } = e;
      if (typeof manager !== 'string') fail('manager must be a string');
      if (operation !== 'Apply' && operation !== 'Update') fail(`operation must be Apply or Update, not ${JSON.stringify(operation)}`);
      if (fieldsType !== undefined && fieldsType !== 'FieldsV1') fail(`fieldsType must be FieldsV1, not ${JSON.stringify(fieldsType)}`);
      const set = has(e, 'fieldsV1') ? FieldSet.fromFieldsV1(e.fieldsV1) : new FieldSet();
      out.push({
        manager: manager as string,
        operation: operation as 'Apply' | 'Update',
        apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
        time: typeof time === 'string' ? time : undefined,
        subresource: typeof subresource === 'string' && subresource !== '' ? subresource : undefined,
        set,
      });
    } catch (err) {
      if (strict) throw err;
    }
  }
  return out;
}

function encodeManagers(managers: Manager[]): ManagedFieldsEntry[] {
  const seconds = (t?: string) => (t ? Date.parse(t) || 0 : 0);
  return managers
    .filter((m) => !m.set.isEmpty())
    .sort(
      (p, q) =>
        (p.operation < q.operation ? -1 : p.operation > q.operation ? 1 : 0) ||
        seconds(p.time) - seconds(q.time) ||
        (p.manager < q.manager ? -1 : p.manager > q.manager ? 1 : 0) ||
        (p.apiVersion < q.apiVersion ? -1 : p.apiVersion > q.apiVersion ? 1 : 0) ||
        ((p.subresource ?? '') < (q.subresource ?? '') ? -1 : 0),
    )
    .map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: 'FieldsV1' as const,
      fieldsV1: m.set.toFieldsV1(),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    }));
}

function finish(object: JsonObject, managers: Manager[], before: unknown): ManagedResult {
  const managedFields = encodeManagers(managers);
  if (isObject(object.metadata)) {
    if (managedFields.length > 0) object.metadata.managedFields = managedFields;
    else delete object.metadata.managedFields;
  } else if (managedFields.length > 0) {
    object.metadata = { managedFields };
  }
  const strip = (o: unknown) => {
    const t: JsonObject = isObject(o) ? { ...o } : {};
    if (isObject(t.metadata)) {
      t.metadata = { ...t.metadata };
      delete (t.metadata as JsonObject).managedFields;
      if (Object.keys(t.metadata as JsonObject).length === 0) delete t.metadata;
    }
    return t;
  };
  return { object, managedFields, changed: !deepEqual(strip(before), strip(object)) };
}

/** `"name"`, `"name" using apps/v1` (Update), `… with subresource "status"`, as the apiserver prints managers. */
export function printManager(m: { manager: string; operation: string; apiVersion: string; subresource?: string }): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${s} using ${m.apiVersion}` : s;
}

function conflictError(conflicts: Array<{ manager: Manager; path: FieldPath }>): Error {
  const rows = conflicts
    .map((c) => ({ who: printManager(c.manager), field: formatPath(c.path) }))
    .sort((a, b) => (a.who < b.who ? -1 : a.who > b.who ? 1 : a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  const causes: StatusCause[] = rows.map((r) => ({ reason: 'FieldManagerConflict', message: `conflict with ${r.who}`, field: r.field }));
  let message: string;
  if (rows.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${rows[0].who}: ${rows[0].field}`;
  } else {
    const lines: string[] = [];
    for (const r of rows) {
      if (lines.length === 0 || !lines.includes(`conflicts with ${r.who}:`)) lines.push(`conflicts with ${r.who}:`);
      lines.push(`- ${r.field}`);
    }
    message = `Apply failed with ${rows.length} conflicts: ${lines.join('\n')}`;
  }
  return statusError('Conflict', message, { causes });
}

/** Server-side apply of `applied` onto `live` (undefined: the object is being created). */
export function applyServerSide(opts: ServerSideApplyOptions): ManagedResult {
  requireManager(opts.manager);
  const { schema } = opts;
  const reset = opts.resetFields ?? DEFAULT_RESET;
  if (!isObject(opts.applied)) throw statusError('BadRequest', 'the applied configuration must be an object');
  if (isObject(opts.applied.metadata) && get(opts.applied.metadata, 'managedFields') != null) {
    throw statusError('BadRequest', 'metadata.managedFields must be nil');
  }
  const config = clone(opts.applied);
  for (const k of reset) delete config[k];
  if (isObject(config.metadata)) for (const k of SERVER_META) delete config.metadata[k];

  const liveObj: JsonObject = isObject(opts.live) ? clone(opts.live as JsonObject) : {};
  const managers = decodeManagers(isObject(liveObj.metadata) ? liveObj.metadata.managedFields : undefined, false);
  if (opts.live !== undefined && managers.length === 0) {
    const everything = toFieldSet(tracked(liveObj, reset), schema, false);
    if (!everything.isEmpty()) {
      managers.push({ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: opts.apiVersion, time: opts.now, set: everything });
    }
  }
  const me = { manager: opts.manager, operation: 'Apply' as const, subresource: opts.subresource };
  const myId = identity(me);
  const previous = managers.find((m) => identity(m) === myId);
  const others = managers.filter((m) => identity(m) !== myId);

  const newSet = toFieldSet(tracked(config, reset), schema, true);
  let merged = mergeApplied(liveObj, config, schema) as JsonObject;

  if (previous) {
    const keep = others.reduce((acc, m) => acc.union(m.set), newSet);
    for (const path of previous.set.paths()) {
      if (keep.has(path) || keep.hasDescendant(path) || isItemKeyField(path)) continue;
      removePath(merged, path, schema, keep);
    }
  }

  const diff = compare(tracked(liveObj, reset), tracked(merged, reset), schema);
  const touched = diff.modified.union(diff.added);
  const conflicts: Array<{ manager: Manager; path: FieldPath }> = [];
  for (const m of others) {
    for (const path of m.set.intersection(touched).paths()) conflicts.push({ manager: m, path });
  }
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts);
  for (const m of others) m.set = m.set.difference(touched).difference(diff.removed);

  const objectChanged = !diff.added.isEmpty() || !diff.modified.isEmpty() || !diff.removed.isEmpty();
  const mine: Manager = {
    ...me,
    apiVersion: opts.apiVersion,
    time: previous && previous.set.equals(newSet) && !objectChanged && previous.apiVersion === opts.apiVersion ? previous.time : opts.now,
    set: newSet,
  };
  return finish(merged, [...others, mine], opts.live);
}

/** A key field of an associative list item goes only with its item. */
function isItemKeyField(path: FieldPath): boolean {
  if (path.length < 2) return false;
  const parent = path[path.length - 2];
  const last = path[path.length - 1];
  if (!parent.startsWith('k:') || !last.startsWith('f:')) return false;
  return Object.prototype.hasOwnProperty.call(JSON.parse(parent.slice(2)), last.slice(2));
}

/** Whether a write replaced managedFields with `[{}]`, the documented way to reset them. */
function isReset(raw: unknown): boolean {
  return Array.isArray(raw) && raw.length > 0 && raw.every((e) => isObject(e) && Object.keys(e).length === 0);
}

/** Track a non-apply write (create/update/patch) by `manager` as an "Update" operation. */
export function recordUpdate(opts: RecordUpdateOptions): ManagedResult {
  requireManager(opts.manager);
  const updated = clone(opts.updated as JsonObject);
  const kind = typeof updated.kind === 'string' ? updated.kind : '';
  const schema = opts.schema ?? builtinPatchSchema(kind) ?? GENERIC_PATCH_SCHEMA;
  const reset = opts.resetFields ?? DEFAULT_RESET;
  const oldObj: JsonObject = isObject(opts.old) ? (opts.old as JsonObject) : {};
  const oldRaw = isObject(oldObj.metadata) ? oldObj.metadata.managedFields : undefined;
  const newRaw = isObject(updated.metadata) ? updated.metadata.managedFields : undefined;

  let managers: Manager[];
  if (isReset(newRaw)) {
    return finish(updated, [], opts.old);
  } else if (newRaw === undefined || newRaw === null || (Array.isArray(newRaw) && newRaw.length === 0) || deepEqual(newRaw, oldRaw)) {
    managers = decodeManagers(oldRaw, false);
  } else {
    managers = decodeManagers(newRaw, true);
  }

  const diff = compare(tracked(oldObj, reset), tracked(updated, reset), schema);
  const touched = diff.modified.union(diff.added);
  const me = { manager: opts.manager, operation: 'Update' as const, subresource: opts.subresource };
  const myId = identity(me);
  const previous = managers.find((m) => identity(m) === myId);
  const others = managers.filter((m) => identity(m) !== myId);
  for (const m of others) m.set = m.set.difference(touched).difference(diff.removed);
  const set = (previous?.set ?? new FieldSet()).union(touched).difference(diff.removed);
  const changed = !touched.isEmpty() || !diff.removed.isEmpty();
  const mine: Manager = {
    ...me,
    apiVersion: opts.apiVersion,
    time: previous && !changed && previous.apiVersion === opts.apiVersion ? previous.time : opts.now,
    set,
  };
  return finish(updated, [...others, mine], opts.old);
}
