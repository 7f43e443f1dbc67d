/**
 * Mutations: a JSON Patch (RFC 6902 list of `{op, path, value, from}` maps returned by CEL or by a
 * script) applied to a copy of the object, or an ApplyConfiguration-style merge of a returned map
 * (maps merge key by key, lists of maps with `name` merge by name, anything else replaces; null
 * removes a key). The result must still be an object with the same apiVersion and kind.
 */
import * as jsonpatch from 'fast-json-patch';
import type { Json } from './types';

const isRec = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function checkOps(ops: unknown): jsonpatch.Operation[] {
  if (!Array.isArray(ops)) throw new Error('a JSONPatch mutation must return a list of patch operations');
  for (const [i, op] of ops.entries()) {
    if (!isRec(op) || !OPS.has(op.op) || typeof op.path !== 'string') throw new Error(`patch operation ${i} must have op (add, remove, replace, move, copy, test) and path`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') throw new Error(`patch operation ${i} (${op.op}) needs from`);
  }
  return ops as jsonpatch.Operation[];
}

export function mergeApply(target: unknown, patch: unknown): unknown {
  if (!isRec(patch)) return structuredClone(patch);
  const out: Json = isRec(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(out[k]) && v.every((x) => isRec(x) && typeof x.name === 'string')) {
      const merged = [...(out[k] as unknown[])];
      for (const item of v as Json[]) {
        const at = merged.findIndex((x) => isRec(x) && x.name === item.name);
        if (at >= 0) merged[at] = mergeApply(merged[at], item);
        else merged.push(structuredClone(item));
      }
      out[k] = merged;
    } else out[k] = mergeApply(out[k], v);
  }
  return out;
}

/** The object after one mutation; throws when the result is unusable. */
export function applyMutation(object: Json, patchType: 'JSONPatch' | 'ApplyConfiguration', result: unknown): Json {
  let next: unknown;
  // the patch is applied in place to our own copy (mutateDocument true: fast-json-patch would clone it again)
  if (patchType === 'JSONPatch') next = jsonpatch.applyPatch(structuredClone(object), checkOps(result), true, true).newDocument;
  else {
    if (!isRec(result)) throw new Error('an ApplyConfiguration mutation must return a map');
    next = mergeApply(object, result);
  }
  if (!isRec(next)) throw new Error('the mutated object is not an object');
  if (next.apiVersion !== object.apiVersion || next.kind !== object.kind) throw new Error('a mutation may not change apiVersion or kind');
  return next;
}
