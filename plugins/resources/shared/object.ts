/**
 * Small accessors for untyped Kubernetes objects (plain JSON). Resource plugins work on the hub
 * object as the API machinery hands it over, so every read is defensive.
 */
import type { KObject } from '../../../core/registry/types';

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The record at `obj[key]`, or undefined. */
export function rec(v: unknown): Json | undefined {
  return isRecord(v) ? v : undefined;
}

/** The array at v, or []. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Records of an array (non-records skipped keep their index out of reach; use arr() for indices). */
export function recs(v: unknown): Json[] {
  return arr(v).filter(isRecord);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The value at a dotted path (`spec.template.spec`); undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** The record at `obj[key]`, created (as {}) when missing or not a record. */
export function ensure(obj: Json, key: string): Json {
  const v = obj[key];
  if (isRecord(v)) return v;
  const created: Json = {};
  obj[key] = created;
  return created;
}

/** Set `obj[key] = value` only when the key is absent (undefined or null): Kubernetes' `if x == nil`. */
export function setDefault(obj: Json, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** Set a string default when the field is missing or empty: Kubernetes' `if x == ""`. */
export function setDefaultString(obj: Json, key: string, value: string): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === '') obj[key] = value;
}

export function spec(obj: KObject): Json {
  return ensure(obj as Json, 'spec');
}

export function specOf(obj: KObject): Json | undefined {
  return rec((obj as Json).spec);
}

export function statusOf(obj: KObject): Json | undefined {
  return rec((obj as Json).status);
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Like deepEqual, but null/undefined/{}/[] count as equal ("unset"), as Go's zero values do. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return deepEqual(a, b);
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isRecord(v)) return Object.values(v).every(isEmpty);
  return false;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

/** `kind.group` the way Kubernetes' GroupKind.String() prints it (`Deployment.apps`, `Pod`). */
export function groupKind(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  return group ? `${kind}.${group}` : kind;
}
