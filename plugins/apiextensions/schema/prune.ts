/**
 * Pruning and defaulting of custom resources, as apiextensions-apiserver's structural pruning and
 * defaulting do:
 * - prune: fields the schema does not specify are dropped (their paths returned, for
 *   fieldValidation Strict/Warn), except under x-kubernetes-preserve-unknown-fields (and
 *   `additionalProperties: true`); apiVersion/kind/metadata stay at the root and in every
 *   x-kubernetes-embedded-resource, whose metadata keeps only ObjectMeta fields.
 * - defaults: a `default` fills an absent field (or a null one that is not nullable), top-down, so
 *   defaults inside a defaulted object apply too; items of arrays and additionalProperties values
 *   are walked; a null in a non-nullable field without a default is removed (Kubernetes prunes
 *   those before validating).
 */
import { anyBelow, asSchema, fieldSchema, isEmbedded, isObj, itemsOf, joinField, joinIndex, OBJECT_META_FIELDS, preservesUnknown, propertiesOf, type Schema, TYPE_META_FIELDS } from './types';

function pruneMeta(meta: unknown, path: string, dropped: string[]): void {
  if (!isObj(meta)) return;
  for (const k of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(k)) {
      delete meta[k];
      dropped.push(joinField(path, k));
    }
  }
}

/** Drop unknown fields of `value` in place; `dropped` collects their dotted paths. */
export function pruneValue(value: unknown, s: Schema, path: string, dropped: string[], root = false): void {
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (items) value.forEach((v, i) => pruneValue(v, items, joinIndex(path, i), dropped));
    return;
  }
  if (!isObj(value)) return;
  const props = propertiesOf(s);
  const keepUnknown = preservesUnknown(s) || s.additionalProperties === true;
  const embedded = isEmbedded(s);
  for (const key of Object.keys(value)) {
    const at = joinField(path, key);
    if ((root || embedded) && TYPE_META_FIELDS.includes(key) && !props?.[key]) {
      if (embedded && key === 'metadata') pruneMeta(value[key], at, dropped);
      continue;
    }
    if (root && key === 'metadata') continue;
    const child = fieldSchema(s, key);
    if (child) pruneValue(value[key], child, at, dropped);
    else if (!keepUnknown) {
      delete value[key];
      dropped.push(at);
    }
  }
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** A missing or non-nullable null field: default it, or drop the null. Returns the new value. */
function defaultSlot(current: unknown, s: Schema): { set: boolean; value?: unknown } {
  if (current === undefined || (current === null && s.nullable !== true)) {
    if (s.default !== undefined) return { set: true, value: clone(s.default) };
    if (current === null) return { set: true, value: undefined };
  }
  return { set: false };
}

/** Apply schema defaults to `value` in place (root metadata, apiVersion and kind are not touched). */
const defaultsBelow = new WeakMap<Schema, boolean>();
const hasDefault = (s: Schema): boolean => s.default !== undefined;

/** Where no default lives below: only drop nulls of non-nullable fields (walking the value, not the schema). */
function dropNulls(value: unknown, s: Schema, root: boolean): void {
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (items) for (const v of value) dropNulls(v, items, false);
    return;
  }
  if (!isObj(value)) return;
  for (const key of Object.keys(value)) {
    if (root && TYPE_META_FIELDS.includes(key)) continue;
    const child = fieldSchema(s, key);
    if (!child) continue;
    const v = value[key];
    if (v === null) {
      if (child.nullable !== true) delete value[key];
    } else if (typeof v === 'object') dropNulls(v, child, false);
  }
}

export function defaultValue(value: unknown, s: Schema, root = false): void {
  if (value === null || typeof value !== 'object') return;
  if (!anyBelow(s, hasDefault, defaultsBelow)) return dropNulls(value, s, root);
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (!items) return;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null && items.nullable !== true && items.default !== undefined) value[i] = clone(items.default);
      defaultValue(value[i], items);
    }
    return;
  }
  if (!isObj(value)) return;
  const props = propertiesOf(s) ?? {};
  for (const [key, ps] of Object.entries(props)) {
    if (root && TYPE_META_FIELDS.includes(key)) continue;
    if (!isObj(ps)) continue;
    const slot = defaultSlot(value[key], ps);
    if (!slot.set) continue;
    if (slot.value === undefined) delete value[key];
    else value[key] = slot.value;
  }
  const additional = asSchema(s.additionalProperties);
  if (additional) {
    for (const key of Object.keys(value)) {
      if (props[key] || value[key] !== null || additional.nullable === true) continue;
      if (additional.default !== undefined) value[key] = clone(additional.default);
      else delete value[key];
    }
  }
  for (const key of Object.keys(value)) {
    if (root && TYPE_META_FIELDS.includes(key)) continue;
    const child = fieldSchema(s, key);
    if (child) defaultValue(value[key], child);
  }
}
