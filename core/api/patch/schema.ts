/**
 * PatchSchema: what the patch engines need to know about a kind, by field path.
 *
 * Paths are the JSON field names joined by `.`, with `[]` standing for "any item of this list":
 *   `spec.template.spec.containers`        the containers list
 *   `spec.template.spec.containers[].ports` the ports list inside any container
 * The root is ''. Only paths that need something other than the default are listed.
 *
 * Defaults: objects merge key by key; lists are replaced as a whole (SMP) / atomic (SSA).
 *
 * Strategic merge patch reads `patchStrategy` and `mergeKey` (the `patchStrategy`/`patchMergeKey`
 * struct tags of k8s.io/api). Server-side apply reads `listType`/`listMapKeys`/`keyDefaults`/`atomic`
 * (the `+listType`, `+listMapKey`, `+structType`/`+mapType` markers); when those are absent a list
 * with a merge key is a map keyed by it, and a merged list of scalars is a set, as the apiserver
 * derives them from the OpenAPI extensions.
 */

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface FieldPatchMeta {
  /** SMP: `merge` merges lists (by `mergeKey`, or as a set of scalars); `retainKeys` honours `$retainKeys`. */
  readonly patchStrategy?: PatchStrategy;
  /** SMP: the key identifying the items of a merged list of objects. */
  readonly mergeKey?: string;
  /** SSA: how the list is owned. */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** SSA: the fields identifying an item of a `map` list (default: [mergeKey]). */
  readonly listMapKeys?: readonly string[];
  /** SSA: values of key fields an item may omit (e.g. `protocol: TCP` for ports). */
  readonly keyDefaults?: Readonly<Record<string, string | number | boolean>>;
  /** SSA: the object is one value (`+structType=atomic` / `+mapType=atomic`), replaced and owned whole. */
  readonly atomic?: boolean;
}

export interface PatchSchema {
  readonly fields: Readonly<Record<string, FieldPatchMeta>>;
}

export const EMPTY_PATCH_SCHEMA: PatchSchema = Object.freeze({ fields: Object.freeze({}) });

export function definePatchSchema(fields: Record<string, FieldPatchMeta>): PatchSchema {
  return Object.freeze({ fields: Object.freeze({ ...fields }) });
}

/** Later schemas win for the same path. */
export function mergePatchSchemas(...schemas: PatchSchema[]): PatchSchema {
  return definePatchSchema(Object.assign({}, ...schemas.map((s) => s.fields)));
}

export function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function itemPath(list: string): string {
  return `${list}[]`;
}

export function fieldMeta(schema: PatchSchema, path: string): FieldPatchMeta | undefined {
  return Object.prototype.hasOwnProperty.call(schema.fields, path) ? schema.fields[path] : undefined;
}

export function hasStrategy(meta: FieldPatchMeta | undefined, strategy: 'merge' | 'retainKeys' | 'replace'): boolean {
  return meta?.patchStrategy !== undefined && meta.patchStrategy.split(',').includes(strategy);
}

export type SsaListKind =
  | { readonly type: 'atomic' }
  | { readonly type: 'set' }
  | { readonly type: 'map'; readonly keys: readonly string[]; readonly defaults: Readonly<Record<string, unknown>> };

/** How server-side apply treats the list at a path. */
export function ssaListKind(meta: FieldPatchMeta | undefined): SsaListKind {
  const type = meta?.listType ?? (meta?.mergeKey ? 'map' : hasStrategy(meta, 'merge') ? 'set' : 'atomic');
  if (type === 'map') {
    const keys = meta?.listMapKeys ?? (meta?.mergeKey ? [meta.mergeKey] : []);
    if (keys.length > 0) return { type, keys, defaults: meta?.keyDefaults ?? {} };
    return { type: 'atomic' };
  }
  return { type };
}
