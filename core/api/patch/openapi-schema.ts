/**
 * A PatchSchema from a structural OpenAPI v3 schema (a CRD version's `openAPIV3Schema`), for
 * server-side apply on custom resources. Reads the Kubernetes extensions the apiserver reads:
 * `x-kubernetes-list-type` (atomic|set|map), `x-kubernetes-list-map-keys` (with the key fields'
 * `default`s), `x-kubernetes-map-type: atomic`, and `x-kubernetes-patch-strategy` /
 * `x-kubernetes-patch-merge-key`. The ObjectMeta and `status.conditions` entries of
 * GENERIC_PATCH_SCHEMA come first; the CRD's own declarations win.
 *
 * Not covered: `additionalProperties` (its keys are arbitrary, and schema paths have no wildcard for
 * map keys), `allOf`/`anyOf`/`oneOf` branches.
 */
import { GENERIC_PATCH_SCHEMA } from './builtin-schema';
import { childPath, definePatchSchema, itemPath, mergePatchSchemas, type FieldPatchMeta, type PatchSchema, type PatchStrategy } from './schema';
import { isObject, isScalar, type JsonObject } from './util';

const LIST_TYPES = new Set(['atomic', 'set', 'map']);
const STRATEGIES = new Set(['merge', 'replace', 'retainKeys', 'merge,retainKeys']);

function metaOf(node: JsonObject): FieldPatchMeta | undefined {
  const meta: { -readonly [K in keyof FieldPatchMeta]: FieldPatchMeta[K] } = {};
  const listType = node['x-kubernetes-list-type'];
  if (typeof listType === 'string' && LIST_TYPES.has(listType)) meta.listType = listType as FieldPatchMeta['listType'];
  const keys = node['x-kubernetes-list-map-keys'];
  if (Array.isArray(keys) && keys.every((k) => typeof k === 'string') && keys.length > 0) {
    meta.listMapKeys = keys as string[];
    const props = isObject(node.items) && isObject(node.items.properties) ? node.items.properties : {};
    const defaults: Record<string, string | number | boolean> = {};
    for (const k of keys as string[]) {
      const d = isObject(props[k]) ? (props[k] as JsonObject).default : undefined;
      if (isScalar(d) && d !== null) defaults[k] = d;
    }
    if (Object.keys(defaults).length > 0) meta.keyDefaults = defaults;
  }
  if (node['x-kubernetes-map-type'] === 'atomic') meta.atomic = true;
  const strategy = node['x-kubernetes-patch-strategy'];
  if (typeof strategy === 'string' && STRATEGIES.has(strategy)) meta.patchStrategy = strategy as PatchStrategy;
  const mergeKey = node['x-kubernetes-patch-merge-key'];
  if (typeof mergeKey === 'string' && mergeKey !== '') meta.mergeKey = mergeKey;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

export function patchSchemaFromOpenAPI(openAPIV3Schema: unknown): PatchSchema {
  const fields: Record<string, FieldPatchMeta> = {};
  const walk = (node: unknown, path: string): void => {
    if (!isObject(node)) return;
    const meta = metaOf(node);
    if (meta && path !== '') fields[path] = meta;
    if (isObject(node.properties)) {
      for (const [k, child] of Object.entries(node.properties)) walk(child, childPath(path, k));
    }
    if (node.items !== undefined) walk(node.items, itemPath(path));
  };
  walk(openAPIV3Schema, '');
  return mergePatchSchemas(GENERIC_PATCH_SCHEMA, definePatchSchema(fields));
}
