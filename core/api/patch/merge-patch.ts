/**
 * JSON Merge Patch, RFC 7386 (`application/merge-patch+json`).
 *
 * - An object patch merges key by key into the target (a non-object target is first replaced by {}).
 * - `null` removes the key; it never appears in the result, also inside newly added objects.
 * - Arrays and scalars replace the target value wholesale.
 * - A non-object patch replaces the whole document.
 *
 * Neither input is mutated.
 */
import { clone, get, isObject, setKey, type JsonObject } from './util';

export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(doc) ? clone(doc) : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete out[key];
    } else {
      setKey(out, key, applyMergePatch(get(out, key), value));
    }
  }
  return out;
}
