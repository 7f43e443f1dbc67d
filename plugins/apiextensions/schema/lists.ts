/**
 * x-kubernetes-list-type uniqueness: items of a `set` list are unique; items of a `map` list are
 * unique by their x-kubernetes-list-map-keys. A repeated item is a FieldValueDuplicate at its index
 * (`spec.ports[1]: Duplicate value: {"name":"http"}`), as Kubernetes reports it.
 */
import type { FieldError } from '../../../core/registry/types';
import { anyBelow, fieldSchema, isObj, itemsOf, joinField, joinIndex, type Schema } from './types';

const listsBelow = new WeakMap<Schema, boolean>();
const keyedList = (s: Schema): boolean => s['x-kubernetes-list-type'] === 'set' || s['x-kubernetes-list-type'] === 'map';

/** Stable text of a JSON value (object keys sorted), for equality of set items and map keys. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function duplicate(field: string, shown: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${JSON.stringify(shown)}` };
}

export function validateLists(value: unknown, s: Schema, path: string, errors: FieldError[]): void {
  if (value === null || typeof value !== 'object' || !anyBelow(s, keyedList, listsBelow)) return;
  if (Array.isArray(value)) {
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set' || listType === 'map') {
      const keys = listType === 'map' && Array.isArray(s['x-kubernetes-list-map-keys']) ? (s['x-kubernetes-list-map-keys'] as string[]) : undefined;
      const seen = new Set<string>();
      value.forEach((item, i) => {
        let shown: unknown = item;
        if (keys) {
          if (!isObj(item)) return;
          shown = Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));
        }
        const key = canonical(shown);
        if (seen.has(key)) errors.push(duplicate(joinIndex(path, i), shown));
        seen.add(key);
      });
    }
    const items = itemsOf(s);
    if (items) value.forEach((v, i) => validateLists(v, items, joinIndex(path, i), errors));
    return;
  }
  if (!isObj(value)) return;
  for (const key of Object.keys(value)) {
    const child = fieldSchema(s, key);
    if (child) validateLists(value[key], child, joinField(path, key), errors);
  }
}
