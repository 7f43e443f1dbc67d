/**
 * Validation ratcheting (Kubernetes 1.30+, CRDValidationRatcheting on by default): on update, a
 * schema error in a part of the object that did not change is dropped, so objects created under an
 * older, looser schema can still be updated elsewhere. The changed-or-not test follows the error's
 * path through correlatable places only (object fields, items of x-kubernetes-list-type=map lists
 * by key); at any other list the whole list must be unchanged. Required and Duplicate errors are
 * not ratcheted (a missing field or a repeated key has no old value to compare with). CEL rules
 * ratchet in rules.ts (a non-transition rule is skipped where `self` equals its old value).
 */
import type { FieldError } from '../../../core/registry/types';
import { fieldSchema, isObj, itemsOf, type Schema } from './types';

const RATCHETED = new Set(['FieldValueInvalid', 'FieldValueTypeInvalid', 'FieldValueNotSupported', 'FieldValueTooLong', 'FieldValueTooMany']);
const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** Deep equality of JSON or CEL values (bigint, Date included). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

function mapKeyOf(item: unknown, keys: string[]): string | undefined {
  return isObj(item) ? JSON.stringify(keys.map((k) => item[k] ?? null)) : undefined;
}

/** Is the value at `field` unchanged between `obj` and `old` (walking correlatable places only)? */
function unchangedAt(field: string, obj: unknown, old: unknown, root: Schema): boolean {
  let cur = obj;
  let prev = old;
  let s: Schema | undefined = root;
  for (const m of field.matchAll(SEGMENT)) {
    if (m[2] !== undefined) {
      if (!Array.isArray(cur) || !Array.isArray(prev)) return false;
      const keys = s?.['x-kubernetes-list-type'] === 'map' && Array.isArray(s['x-kubernetes-list-map-keys']) ? (s['x-kubernetes-list-map-keys'] as string[]) : undefined;
      if (!keys) return sameValue(cur, prev);
      const item: unknown = cur[Number(m[2])];
      const key = mapKeyOf(item, keys);
      const match = prev.find((o) => key !== undefined && mapKeyOf(o, keys) === key);
      if (match === undefined) return false;
      cur = item;
      prev = match;
      s = s ? itemsOf(s) : undefined;
      continue;
    }
    if (!isObj(cur) || !isObj(prev)) return false;
    cur = cur[m[1]];
    prev = prev[m[1]];
    s = s ? fieldSchema(s, m[1]) : undefined;
    if (cur === undefined || prev === undefined) return false;
  }
  return sameValue(cur, prev);
}

/** The errors that stay on update: those in changed parts, and every Required/Duplicate error. */
export function ratchet(errors: FieldError[], obj: unknown, old: unknown, root: Schema): FieldError[] {
  return errors.filter((e) => !RATCHETED.has(e.type) || !e.field || !unchangedAt(e.field, obj, old, root));
}
