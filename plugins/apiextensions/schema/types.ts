/**
 * Shared shapes and small helpers of the CRD schema library: a structural schema node (loosely
 * typed JSON as stored in the CRD), the lookups every walker needs (property, item and
 * additionalProperties schemas) and Kubernetes field-path joining (`spec.ports[0].name`).
 */

/** One node of an openAPIV3Schema (JSONSchemaProps as JSON). */
export type Schema = { [keyword: string]: unknown };

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asSchema(v: unknown): Schema | undefined {
  return isObj(v) ? (v as Schema) : undefined;
}

export function propertiesOf(s: Schema): Record<string, Schema> | undefined {
  return isObj(s.properties) ? (s.properties as Record<string, Schema>) : undefined;
}

/** The schema of field `key` of an object node: properties[key], else an additionalProperties schema. */
export function fieldSchema(s: Schema, key: string): Schema | undefined {
  const props = propertiesOf(s);
  if (props && isObj(props[key])) return props[key];
  return asSchema(s.additionalProperties);
}

export function itemsOf(s: Schema): Schema | undefined {
  return asSchema(s.items);
}

export const preservesUnknown = (s: Schema): boolean => s['x-kubernetes-preserve-unknown-fields'] === true;
export const isEmbedded = (s: Schema): boolean => s['x-kubernetes-embedded-resource'] === true;
export const isIntOrString = (s: Schema): boolean => s['x-kubernetes-int-or-string'] === true;

/** `spec` + `replicas` -> `spec.replicas` (the root is ''). */
export function joinField(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

export function joinIndex(base: string, i: number): string {
  return `${base}[${i}]`;
}

/** Fields every embedded object (x-kubernetes-embedded-resource) and the root keep without a schema. */
export const TYPE_META_FIELDS: readonly string[] = Object.freeze(['apiVersion', 'kind', 'metadata']);

/** ObjectMeta's JSON field names (what pruning keeps inside an embedded resource's metadata). */
export const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** The JSON type name Kubernetes shows for a value (`"object"`, `"string"`, `"integer"`...). */
export function jsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Does `pred` hold for this node or any node below it (properties, additionalProperties, items)? Memoized per node. */
export function anyBelow(s: Schema, pred: (s: Schema) => boolean, memo: WeakMap<Schema, boolean>): boolean {
  const known = memo.get(s);
  if (known !== undefined) return known;
  memo.set(s, false);
  let found = pred(s);
  const props = propertiesOf(s);
  if (!found && props) found = Object.values(props).some((p) => isObj(p) && anyBelow(p, pred, memo));
  const additional = asSchema(s.additionalProperties);
  if (!found && additional) found = anyBelow(additional, pred, memo);
  const items = asSchema(s.items);
  if (!found && items) found = anyBelow(items, pred, memo);
  memo.set(s, found);
  return found;
}
