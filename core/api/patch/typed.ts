/**
 * Schema-aware walks over objects for server-side apply, after structured-merge-diff's `typed`
 * package: the field set of a value, the comparison of two values, the apply merge, and the removal
 * of fields. Lists are atomic, sets (`v:` items) or associative (`k:` items) per `ssaListKind`.
 */
import { statusError } from '../status';
import { FieldSet, formatPath, type FieldPath } from './fieldset';
import { childPath, fieldMeta, itemPath, ssaListKind, type PatchSchema, type SsaListKind } from './schema';
import { clone, deepEqual, get, has, isObject, isScalar, setKey, type JsonObject } from './util';

type MapKind = Extract<SsaListKind, { type: 'map' }>;

function invalidConfig(path: FieldPath, message: string): never {
  throw statusError('BadRequest', `failed to create typed patch object: ${formatPath(path) || '.'}: ${message}`);
}

/** `k:{…}` of an associative list item, or undefined (strict: 400) when a key field is missing. */
function mapItemKey(item: unknown, kind: MapKind, strict: boolean, path: FieldPath, index: number): string | undefined {
  if (!isObject(item)) {
    if (strict) invalidConfig(path, `element ${index}: associative list element is not an object`);
    return undefined;
  }
  const key: JsonObject = {};
  for (const name of [...kind.keys].sort()) {
    const v = has(item, name) ? item[name] : kind.defaults[name];
    if (v === undefined || v === null || !isScalar(v)) {
      if (strict) {
        invalidConfig(
          path,
          `element ${index}: associative list with keys has an element that omits key field "${name}" (and doesn't have default value)`,
        );
      }
      return undefined;
    }
    setKey(key, name, v);
  }
  return `k:${JSON.stringify(key)}`;
}

function setItemKey(v: unknown, strict: boolean, path: FieldPath, index: number): string | undefined {
  if (isScalar(v)) return `v:${JSON.stringify(v)}`;
  if (strict) invalidConfig(path, `element ${index}: set items must be scalars`);
  return undefined;
}

/** Path elements of the list's items; undefined for items without a usable (or with a duplicate) key. */
export function listItemKeys(
  list: unknown[],
  kind: SsaListKind,
  strict: boolean,
  path: FieldPath,
): Array<string | undefined> {
  if (kind.type === 'atomic') return list.map(() => undefined);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const k = kind.type === 'map' ? mapItemKey(item, kind, strict, path, i) : setItemKey(item, strict, path, i);
    if (k === undefined) return undefined;
    if (seen.has(k)) {
      if (strict) invalidConfig(path, `duplicate entries for key ${formatPath([k])}`);
      return undefined;
    }
    seen.add(k);
    return k;
  });
}

/** Every owned path of `value`: leaves, atomic values, empty objects/lists, list items. Nulls are absent. */
export function toFieldSet(value: unknown, schema: PatchSchema, strict: boolean): FieldSet {
  const out = new FieldSet();
  collect(value, '', [], schema, strict, out);
  return out;
}

/** `leafMaps`: objects of scalars are members too (what a comparison reports as added/removed). */
function collect(
  v: unknown,
  sp: string,
  pp: FieldPath,
  schema: PatchSchema,
  strict: boolean,
  out: FieldSet,
  leafMaps = false,
): void {
  if (v === null || v === undefined) return;
  const meta = fieldMeta(schema, sp);
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (meta?.atomic || (keys.length === 0 && pp.length > 1)) {
      out.add(pp);
      return;
    }
    if (leafMaps && pp.length > 1 && isLeafMap(v, meta?.atomic)) out.add(pp);
    for (const k of keys) collect(v[k], childPath(sp, k), [...pp, `f:${k}`], schema, strict, out, leafMaps);
    return;
  }
  if (Array.isArray(v)) {
    const kind = ssaListKind(meta);
    if (kind.type === 'atomic' || v.length === 0) {
      if (pp.length > 1 || kind.type === 'atomic') out.add(pp);
      return;
    }
    const keys = listItemKeys(v, kind, strict, pp);
    v.forEach((item, i) => {
      const key = keys[i];
      if (key === undefined) return;
      const ip = [...pp, key];
      out.add(ip);
      if (kind.type === 'map' && isObject(item)) {
        for (const f of Object.keys(item)) {
          collect(item[f], childPath(itemPath(sp), f), [...ip, `f:${f}`], schema, strict, out, leafMaps);
        }
      }
    });
    return;
  }
  out.add(pp);
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** An object of scalars (labels, annotations, limits): a member itself when it appears or disappears. */
function isLeafMap(v: unknown, atomic: boolean | undefined): boolean {
  if (!isObject(v) || atomic) return false;
  const values = Object.values(v);
  return values.length > 0 && values.every((x) => !isObject(x) && !Array.isArray(x));
}

/** What changed from `a` to `b`, path by path (structured-merge-diff's `Compare`). */
export function compare(a: unknown, b: unknown, schema: PatchSchema): Comparison {
  const r: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  diff(a, b, '', [], schema, r);
  const both = r.added.intersection(r.removed);
  return {
    added: r.added.difference(both),
    removed: r.removed.difference(both),
    modified: r.modified.union(both),
  };
}

function addAll(v: unknown, sp: string, pp: FieldPath, schema: PatchSchema, into: FieldSet): void {
  collect(v, sp, pp, schema, false, into, true);
}

function diff(a: unknown, b: unknown, sp: string, pp: FieldPath, schema: PatchSchema, r: Comparison): void {
  const aAbsent = a === null || a === undefined;
  const bAbsent = b === null || b === undefined;
  if (aAbsent && bAbsent) return;
  if (aAbsent || bAbsent) {
    addAll(aAbsent ? b : a, sp, pp, schema, aAbsent ? r.added : r.removed);
    return;
  }
  const meta = fieldMeta(schema, sp);
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (meta?.atomic || (ka.length === 0 && kb.length === 0)) {
      if (!deepEqual(a, b)) r.modified.add(pp);
      return;
    }
    for (const k of new Set([...ka, ...kb])) diff(get(a, k), get(b, k), childPath(sp, k), [...pp, `f:${k}`], schema, r);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const kind = ssaListKind(meta);
    const ka = listItemKeys(a, kind, false, pp);
    const kb = listItemKeys(b, kind, false, pp);
    if (kind.type === 'atomic' || ka.includes(undefined) || kb.includes(undefined)) {
      if (!deepEqual(a, b)) r.modified.add(pp);
      return;
    }
    const ia = new Map(ka.map((k, i) => [k as string, a[i]]));
    const ib = new Map(kb.map((k, i) => [k as string, b[i]]));
    for (const [k, bi] of ib) {
      const ip = [...pp, k];
      if (!ia.has(k)) {
        r.added.add(ip);
        if (kind.type === 'map') addItemFields(bi, sp, ip, schema, r.added);
      } else if (kind.type === 'map') {
        const ai = ia.get(k) as JsonObject;
        const bo = bi as JsonObject;
        for (const f of new Set([...Object.keys(ai), ...Object.keys(bo)])) {
          diff(get(ai, f), get(bo, f), childPath(itemPath(sp), f), [...ip, `f:${f}`], schema, r);
        }
      }
    }
    for (const [k, ai] of ia) {
      if (ib.has(k)) continue;
      r.removed.add([...pp, k]);
      if (kind.type === 'map') addItemFields(ai, sp, [...pp, k], schema, r.removed);
    }
    return;
  }
  if (isObject(a) || isObject(b) || Array.isArray(a) || Array.isArray(b)) {
    addAll(a, sp, pp, schema, r.removed);
    addAll(b, sp, pp, schema, r.added);
    return;
  }
  if (!deepEqual(a, b)) r.modified.add(pp);
}

function addItemFields(item: unknown, sp: string, ip: FieldPath, schema: PatchSchema, into: FieldSet): void {
  if (!isObject(item)) return;
  for (const f of Object.keys(item)) addAll(item[f], childPath(itemPath(sp), f), [...ip, `f:${f}`], schema, into);
}

/** A copy without null-valued keys (an applied null means "absent"). */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) if (v[k] !== null) setKey(out, k, stripNulls(v[k]));
  return out;
}

/** Merge an applied configuration into the live value (structured-merge-diff's `Merge`). */
export function mergeApplied(live: unknown, applied: unknown, schema: PatchSchema, sp = '', pp: FieldPath = []): unknown {
  const meta = fieldMeta(schema, sp);
  if (isObject(applied)) {
    if (!isObject(live) || meta?.atomic) return stripNulls(applied);
    const out = clone(live);
    for (const k of Object.keys(applied)) {
      if (applied[k] === null) delete out[k];
      else setKey(out, k, mergeApplied(get(live, k), applied[k], schema, childPath(sp, k), [...pp, `f:${k}`]));
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const kind = ssaListKind(meta);
    if (!Array.isArray(live) || kind.type === 'atomic') return stripNulls(applied);
    const lk = listItemKeys(live, kind, false, pp);
    const rk = listItemKeys(applied, kind, true, pp) as string[];
    return interleave(live, lk, applied, rk, (l, r) =>
      kind.type === 'set' ? r : l === undefined ? stripNulls(r) : mergeApplied(l, r, schema, itemPath(sp), pp),
    );
  }
  return applied;
}

/**
 * The order structured-merge-diff gives a merged list: applied items in applied order, live-only
 * items kept where they were relative to the items both lists share.
 */
function interleave(
  lhs: unknown[],
  lhsKeys: Array<string | undefined>,
  rhs: unknown[],
  rhsKeys: string[],
  merge: (l: unknown, r: unknown) => unknown,
): unknown[] {
  const rhsSet = new Set(rhsKeys);
  const lhsByKey = new Map<string, unknown>();
  lhsKeys.forEach((k, i) => k !== undefined && lhsByKey.set(k, lhs[i]));
  const shared = rhsKeys.filter((k) => lhsByKey.has(k));
  let next = 0;
  const emitted = new Set<string>();
  const out: unknown[] = [];
  const emit = (k: string, r: unknown) => {
    out.push(merge(lhsByKey.get(k), r));
    emitted.add(k);
    if (shared[next] === k) next++;
  };
  let li = 0;
  let ri = 0;
  while (li < lhs.length || ri < rhs.length) {
    const lk = lhsKeys[li];
    const isShared = lk !== undefined && rhsSet.has(lk);
    if (li < lhs.length && ri < rhs.length) {
      if (lk !== undefined && lk === rhsKeys[ri]) {
        emit(lk, rhs[ri]);
        li++;
        ri++;
        continue;
      }
      if (isShared && next < shared.length && shared[next] !== lk) {
        li++;
        continue;
      }
    }
    if (li < lhs.length && (!isShared || emitted.has(lk))) {
      if (!isShared) out.push(clone(lhs[li]));
      li++;
      continue;
    }
    if (ri < rhs.length) {
      emit(rhsKeys[ri], rhs[ri]);
      ri++;
    } else {
      li++;
    }
  }
  return out;
}

/**
 * Remove the field at `path` from `root` (mutated). Containers it leaves empty are removed too,
 * below the top level, unless `keep` owns them.
 */
export function removePath(root: JsonObject, path: FieldPath, schema: PatchSchema, keep: FieldSet): void {
  const step = (container: unknown, idx: number, sp: string): void => {
    const pe = path[idx];
    const last = idx === path.length - 1;
    let childSp: string;
    let child: unknown;
    let drop: () => void;
    if (pe.startsWith('f:')) {
      const name = pe.slice(2);
      if (!isObject(container) || !has(container, name)) return;
      childSp = childPath(sp, name);
      child = container[name];
      drop = () => delete container[name];
    } else {
      if (!Array.isArray(container)) return;
      const keys = listItemKeys(container, ssaListKind(fieldMeta(schema, sp)), false, path.slice(0, idx));
      const at = keys.indexOf(pe);
      if (at < 0) return;
      childSp = itemPath(sp);
      child = container[at];
      drop = () => container.splice(at, 1);
    }
    if (last) {
      drop();
      return;
    }
    step(child, idx + 1, childSp);
    const empty = isObject(child) ? Object.keys(child).length === 0 : Array.isArray(child) && child.length === 0;
    if (empty && idx >= 1 && !keep.has(path.slice(0, idx + 1))) drop();
  };
  step(root, 0, '');
}
