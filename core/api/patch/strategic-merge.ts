/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the semantics of apimachinery's
 * `strategicpatch.StrategicMergeMapPatch` driven by a PatchSchema instead of Go struct tags.
 *
 * - Objects merge key by key; `null` deletes a key.
 * - Lists whose field has `patchStrategy: merge` merge: lists of objects by `mergeKey` (matching items
 *   merge recursively, new ones are added), lists of scalars as sets. Other lists are replaced.
 * - Order of a merged list: the patch's items in patch order, interleaved with the live-only items in
 *   their live order (apimachinery's `normalizeElementOrder`); `$setElementOrder/<list>` overrides it.
 * - Directives: `$patch: replace|delete|merge` in a map, `{"<key>": …, "$patch": "delete"}` and
 *   `{"$patch": "replace"}` in a merged list, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`,
 *   `$retainKeys`. No directive ever reaches the result.
 *
 * Deviations: `$patch: delete` on a map removes the key (apimachinery leaves `{}`, which Go then drops
 * for maps); `$patch: merge` is accepted as a no-op (apimachinery rejects it); the directives are also
 * processed inside values that are new to the object (apimachinery copies those raw and relies on the
 * typed decoder to drop them).
 * Errors: malformed directives, missing merge keys and mixed lists → 400 BadRequest; lists of lists →
 * 422 Invalid, as `interpretStrategicMergePatchError` maps them.
 */
import { statusError } from '../status';
import { childPath, fieldMeta, hasStrategy, itemPath, type FieldPatchMeta, type PatchSchema } from './schema';
import { clone, deepEqual, get, has, isObject, isScalar, setKey, type JsonObject } from './util';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

const DELETE: unique symbol = Symbol('delete');
type Merged = JsonObject | typeof DELETE;

export function isDirectiveKey(key: string): boolean {
  return key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM);
}

function bad(message: string): never {
  throw statusError('BadRequest', message);
}

/** Apply a strategic merge patch to `doc`; returns a new object, the inputs are not mutated. */
export function applyStrategicMergePatch(doc: object, patch: unknown, schema: PatchSchema): object {
  if (!isObject(patch)) bad('invalid JSON document: a strategic merge patch must be a JSON object');
  const out = mergeMap(isObject(doc) ? clone(doc) : {}, patch, '', schema);
  return out === DELETE ? {} : out;
}

/** Merge `patch` into `original` (which is owned and mutated); `patch` is only read. */
function mergeMap(original: JsonObject, patch: JsonObject, path: string, schema: PatchSchema): Merged {
  if (has(patch, PATCH)) {
    const directive = patch[PATCH];
    if (directive === 'delete') return DELETE;
    if (directive === 'replace') {
      const rest: JsonObject = {};
      for (const k of Object.keys(patch)) if (k !== PATCH) setKey(rest, k, patch[k]);
      return mergeMap({}, rest, path, schema);
    }
    if (directive !== 'merge') bad(`Unknown patch type: ${JSON.stringify(directive)} in map`);
  }
  if (has(patch, RETAIN_KEYS)) applyRetainKeys(original, patch);

  const handled = new Set<string>();
  for (const key of Object.keys(patch)) {
    if (key.startsWith(SET_ORDER)) {
      const listKey = applySetElementOrder(original, patch, key, path, schema);
      if (listKey !== undefined) handled.add(listKey);
    }
  }

  const deletions: Array<[string, unknown[]]> = [];
  for (const key of Object.keys(patch)) {
    if (key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || handled.has(key)) continue;
    const value = patch[key];
    if (key.startsWith(DELETE_FROM)) {
      const listKey = key.slice(DELETE_FROM.length);
      if (listKey === '' || !Array.isArray(value)) bad('invalid patch format of primitive list');
      deletions.push([listKey, value]);
      continue;
    }
    if (value === null) {
      delete original[key];
      continue;
    }
    const current = get(original, key);
    const merged =
      current === undefined || current === null
        ? newValue(value, childPath(path, key), schema)
        : mergeValue(current, value, childPath(path, key), schema);
    if (merged === DELETE) delete original[key];
    else setKey(original, key, merged);
  }
  for (const [listKey, values] of deletions) {
    const list = get(original, listKey);
    if (Array.isArray(list)) setKey(original, listKey, list.filter((v) => !values.some((d) => deepEqual(d, v))));
  }
  return original;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  const keys = patch[RETAIN_KEYS];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) bad('invalid patch format of retainKeys');
  const keep = new Set(keys as string[]);
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || isDirectiveKey(k)) continue;
    if (!keep.has(k)) bad(`invalid patch format of retainKeys: ${JSON.stringify(k)} is not in the $retainKeys list`);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** Value of a key the original does not have: the patch value with its directives processed. */
function newValue(value: unknown, path: string, schema: PatchSchema): unknown {
  if (isObject(value)) return mergeMap({}, value, path, schema);
  if (Array.isArray(value)) return mergeListValue([], value, path, schema);
  return value;
}

function mergeValue(current: unknown, value: unknown, path: string, schema: PatchSchema): unknown {
  if (isObject(current) && isObject(value)) {
    if (hasStrategy(fieldMeta(schema, path), 'replace')) return newValue(value, path, schema);
    return mergeMap(current, value, path, schema);
  }
  if (Array.isArray(current) && Array.isArray(value)) return mergeListValue(current, value, path, schema);
  return newValue(value, path, schema);
}

function mergeListValue(current: unknown[], patch: unknown[], path: string, schema: PatchSchema): unknown[] {
  const meta = fieldMeta(schema, path);
  if (!hasStrategy(meta, 'merge')) return stripList(patch);
  if (current.length === 0 && patch.length === 0) return [];
  const all = [...current, ...patch];
  if (all.some(Array.isArray)) throw statusError('Invalid', 'lists of lists are not supported');
  if (!all.some(isObject)) return mergeScalarList(current, patch);
  if (!all.every(isObject)) bad(`list element types are not identical at ${path}`);
  if (!meta?.mergeKey) bad(`cannot merge lists without merge key for ${path}`);
  return mergeObjectList(current as JsonObject[], patch as JsonObject[], meta.mergeKey, itemPath(path), schema);
}

/** A replaced list: its items lose their directives, directive-only items are dropped. */
function stripList(list: unknown[]): unknown[] {
  return list.filter((v) => !(isObject(v) && has(v, PATCH))).map(strip);
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return stripList(value);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const k of Object.keys(value)) if (!isDirectiveKey(k)) setKey(out, k, strip(value[k]));
  return out;
}

function mergeScalarList(current: unknown[], patch: unknown[]): unknown[] {
  const merged: unknown[] = [];
  for (const v of [...current, ...patch]) if (!merged.some((m) => m === v)) merged.push(v);
  return normalizeOrder(merged, patch, current, (v) => v);
}

function sameKey(a: unknown, b: unknown): boolean {
  return isScalar(a) && a === b;
}

function mergeObjectList(
  current: JsonObject[],
  patch: JsonObject[],
  key: string,
  path: string,
  schema: PatchSchema,
): unknown[] {
  let base = current.slice();
  const items: JsonObject[] = [];
  let replace = false;
  for (const p of patch) {
    if (!has(p, PATCH)) {
      items.push(p);
      continue;
    }
    const directive = p[PATCH];
    if (directive === 'delete') {
      if (!has(p, key)) bad(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
      base = base.filter((o) => !(has(o, key) && sameKey(o[key], p[key])));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      const rest: JsonObject = {};
      for (const k of Object.keys(p)) if (k !== PATCH) setKey(rest, k, p[k]);
      if (Object.keys(rest).length > 0) items.push(rest);
    } else {
      bad(`Unknown patch type: ${JSON.stringify(directive)} in list`);
    }
  }
  if (replace) {
    return items.map((p) => mergeMap({}, p, path, schema)).filter((m): m is JsonObject => m !== DELETE);
  }
  for (const p of items) {
    if (!has(p, key)) bad(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
  }
  const serverOrder = base.map((o) => get(o, key));
  for (const p of items) {
    const idx = base.findIndex((o) => has(o, key) && sameKey(o[key], p[key]));
    const merged = mergeMap(idx >= 0 ? base[idx] : {}, p, path, schema);
    if (merged === DELETE) {
      if (idx >= 0) base.splice(idx, 1);
    } else if (idx >= 0) {
      base[idx] = merged;
    } else {
      base.push(merged);
    }
  }
  return normalizeOrder(base, items.map((p) => p[key]), serverOrder, (o) => get(o, key));
}

/**
 * apimachinery's `normalizeElementOrder`: items present in `patchOrder` take that order, the others
 * keep their `serverOrder` order, and both are interleaved by their live positions; an item the live
 * list does not have goes before the next live-only item.
 */
function normalizeOrder<T>(merged: T[], patchOrder: unknown[], serverOrder: unknown[], id: (x: T) => unknown): T[] {
  const indexIn = (ids: unknown[], x: T): number => {
    const v = id(x);
    return ids.findIndex((o) => o === v);
  };
  const rank = (ids: unknown[]) => (x: T) => {
    const i = indexIn(ids, x);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const byRank = (r: (x: T) => number) => (a: T, b: T) => r(a) - r(b);
  const inPatch = merged.filter((x) => indexIn(patchOrder, x) >= 0).sort(byRank(rank(patchOrder)));
  const serverOnly = merged.filter((x) => indexIn(patchOrder, x) < 0).sort(byRank(rank(serverOrder)));
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length && j < inPatch.length) {
    const li = indexIn(serverOrder, serverOnly[i]);
    const ri = indexIn(serverOrder, inPatch[j]);
    if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
    else out.push(inPatch[j++]);
  }
  return out.concat(serverOnly.slice(i), inPatch.slice(j));
}

/** `$setElementOrder/<list>`: merge the list (if the patch has it) and order it. Returns the list key. */
function applySetElementOrder(
  original: JsonObject,
  patch: JsonObject,
  directiveKey: string,
  path: string,
  schema: PatchSchema,
): string | undefined {
  const listKey = directiveKey.slice(SET_ORDER.length);
  const order = patch[directiveKey];
  if (listKey === '' || !Array.isArray(order)) bad('invalid patch format of setElementOrder list');
  const listPath = childPath(path, listKey);
  const meta = fieldMeta(schema, listPath);
  const current = get(original, listKey);
  const patchList = get(patch, listKey);
  if (current !== undefined && current !== null && !Array.isArray(current)) {
    bad(`invalid patch format of setElementOrder list: ${listPath} is not a list`);
  }
  if (patchList === null) return undefined;
  if (patchList !== undefined && !Array.isArray(patchList)) bad(`${listPath}: a list was expected`);
  validateOrder(patchList ?? [], order, meta);

  let merged: unknown[];
  if (Array.isArray(current) && patchList) merged = mergeListValue(current, patchList, listPath, schema);
  else if (Array.isArray(current)) merged = current;
  else if (patchList) merged = mergeListValue([], patchList, listPath, schema);
  else return undefined;

  if (hasStrategy(meta, 'merge')) merged = orderBy(merged, order, Array.isArray(current) ? current : [], meta);
  setKey(original, listKey, merged);
  return patchList ? listKey : undefined;
}

function orderId(item: unknown, mergeKey: string | undefined): unknown {
  if (!mergeKey) return item;
  if (!isObject(item) || !has(item, mergeKey)) {
    bad(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
  }
  return item[mergeKey];
}

function orderBy(merged: unknown[], order: unknown[], current: unknown[], meta: FieldPatchMeta | undefined): unknown[] {
  const objects = merged.some(isObject);
  const mergeKey = objects ? meta?.mergeKey : undefined;
  if (objects && !mergeKey) return merged;
  const orderIds = order.map((o) => orderId(o, mergeKey));
  const serverIds = current.filter((c) => !mergeKey || (isObject(c) && has(c, mergeKey))).map((c) => orderId(c, mergeKey));
  return normalizeOrder(merged, orderIds, serverIds, (x) => (mergeKey ? (isObject(x) ? get(x, mergeKey) : undefined) : x));
}

/** The patch list's items (deletions aside) must appear in the `$setElementOrder` list, in its order. */
function validateOrder(patchList: unknown[], order: unknown[], meta: FieldPatchMeta | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const mergeKey = patchList.some(isObject) ? meta?.mergeKey : undefined;
  const items = patchList.filter((p) => !(isObject(p) && has(p, PATCH)));
  let pi = 0;
  for (let oi = 0; pi < items.length && oi < order.length; oi++) {
    if (sameKey(orderId(items[pi], mergeKey), orderId(order[oi], mergeKey))) pi++;
  }
  if (pi < items.length) {
    bad(
      `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}`,
    );
  }
}
