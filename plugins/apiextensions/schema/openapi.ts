/**
 * The OpenAPI v3 schema Kubernetes publishes for a custom resource version: the version's
 * openAPIV3Schema with apiVersion, kind and metadata (a reference to ObjectMeta) filled in at the
 * root and in every x-kubernetes-embedded-resource, and x-kubernetes-group-version-kind at the
 * root. The reference is `#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`:
 * the document that serves it holds ObjectMeta among its components.
 */
import { asSchema, isEmbedded, isObj, propertiesOf, type Schema } from './types';

export const OBJECT_META_REF = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const API_VERSION = {
  type: 'string',
  description:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
};
const KIND = {
  type: 'string',
  description:
    'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
};
const METADATA = {
  allOf: [{ $ref: OBJECT_META_REF }],
  description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
};

function withTypeMeta(s: Schema): void {
  const props = propertiesOf(s) ?? {};
  s.properties = { apiVersion: { ...API_VERSION }, kind: { ...KIND }, metadata: JSON.parse(JSON.stringify(METADATA)), ...Object.fromEntries(Object.entries(props).filter(([k]) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata')) };
}

function walk(s: Schema): void {
  if (isEmbedded(s)) withTypeMeta(s);
  const props = propertiesOf(s);
  if (props) for (const [k, v] of Object.entries(props)) if (isObj(v) && !(isEmbedded(s) && k === 'metadata')) walk(v);
  const additional = asSchema(s.additionalProperties);
  if (additional) walk(additional);
  const items = asSchema(s.items);
  if (items) walk(items);
}

/** A fresh copy of the published schema (callers may change it). */
export function publishedSchema(schema: Schema | undefined, group: string, version: string, kind: string): Schema {
  const out: Schema = schema ? (JSON.parse(JSON.stringify(schema)) as Schema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  walk(out);
  withTypeMeta(out);
  out.type = 'object';
  out['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  return out;
}
