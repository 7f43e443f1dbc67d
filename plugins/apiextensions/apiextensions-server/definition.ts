/**
 * A CustomResourceDefinition as data for the API machinery: the ResourceDefinition the registry
 * serves (names, scope, versions in Kubernetes' priority order, subresources, printer columns,
 * selectable fields) and the OpenAPI v3 schemas of each served version.
 */
import { age, NAME_COLUMN } from '../../../core/api/table';
import type { Schema } from '../../../core/api/openapi/schemas';
import type { RegisteredResource } from '../../../core/registry/registry';
import type { KObject, ResourceDefinition, ResourceNames, TableColumn, TablePrinter, VersionDefinition } from '../../../core/registry/types';
import { schemaFor, type CustomResourceDefinition } from '../schema';
import { evalJsonPath } from './jsonpath';

/** `definition.servedBy` of every custom resource: the BUILTIN handler leaves them alone. */
export const SERVED_BY = 'APIExtensionServer';

export type CrdVersion = CustomResourceDefinition['spec']['versions'][number];

/** Kubernetes' version priority: GA > beta > alpha, higher numbers first, then the rest by name. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    return [m[2] === 'beta' ? 1 : m[2] === 'alpha' ? 2 : 0, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  return ra[3] < rb[3] ? -1 : ra[3] > rb[3] ? 1 : 0;
}

/** The served versions, preferred first. */
export function servedVersions(crd: CustomResourceDefinition): CrdVersion[] {
  return (crd.spec.versions ?? []).filter((v) => v.served).sort((a, b) => compareVersions(a.name, b.name));
}

/** The OpenAPI definition name of a kind: `com.example.stable.v1.CronTab` for group stable.example.com. */
export function schemaName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** The OpenAPI v3 schemas of one version: the kind and its list, with x-kubernetes-group-version-kind. */
export function versionSchemas(crd: CustomResourceDefinition, names: ResourceNames, version: string): Array<[string, Schema]> {
  const group = crd.spec.group;
  const name = schemaName(group, version, names.kind);
  const base = schemaFor(crd, version).openAPISchema() as Schema & { properties?: Record<string, Schema> };
  const properties: Record<string, Schema> = {
    apiVersion: {
      type: 'string',
      description:
        'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
    },
    kind: {
      type: 'string',
      description:
        'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
    },
    ...(base.properties ?? {}),
    metadata: { description: 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', allOf: [{ $ref: `#/components/schemas/${META}.ObjectMeta` }] },
  };
  const kindSchema: Schema = { ...base, type: 'object', properties, 'x-kubernetes-group-version-kind': [{ group, version, kind: names.kind }] } as Schema;
  const listKind = names.listKind ?? `${names.kind}List`;
  const listSchema = {
    description: `${listKind} is a list of ${names.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: properties.apiVersion,
      items: { description: `List of ${names.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, type: 'array', items: { $ref: `#/components/schemas/${name}` } },
      kind: properties.kind,
      metadata: { description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds', allOf: [{ $ref: `#/components/schemas/${META}.ListMeta` }] },
    },
    'x-kubernetes-group-version-kind': [{ group, version, kind: listKind }],
  } as Schema;
  return [
    [name, kindSchema],
    [`${name}List`, listSchema],
  ];
}

type Column = NonNullable<CrdVersion['additionalPrinterColumns']>[number];

/** The cell of one printer column, as kube-apiserver's table convertor makes it (first match only). */
export function cellFor(column: Column, obj: KObject, now: Date): unknown {
  let found: unknown[];
  try {
    found = evalJsonPath(obj, column.jsonPath);
  } catch {
    return null;
  }
  if (found.length === 0) return null;
  const v = found[0];
  switch (column.type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string' ? (Number.isNaN(Date.parse(v)) ? '<invalid>' : age(v, now)) : null;
    default:
      return typeof v === 'string' ? v : v === null ? null : JSON.stringify(v);
  }
}

const AGE: Column = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };

/** The Table printer of a version: Name, then its additionalPrinterColumns (Age when it has none). */
export function printerFor(version: CrdVersion): TablePrinter {
  const cols = version.additionalPrinterColumns?.length ? version.additionalPrinterColumns : [AGE];
  const columns: TableColumn[] = [
    NAME_COLUMN,
    ...cols.map((c) => {
      const col: TableColumn = { name: c.name, type: (['integer', 'number', 'boolean', 'date'].includes(c.type) ? c.type : 'string') as TableColumn['type'], format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 };
      return col;
    }),
  ];
  return Object.freeze({ columns: Object.freeze(columns), row: (obj: KObject, now: Date) => [obj.metadata?.name ?? '', ...cols.map((c) => cellFor(c, obj, now))] });
}

/** Field selectors from selectableFields: `spec.color=red` (strings, integers and booleans as text). */
export function fieldSelectorsFor(version: CrdVersion): Record<string, (obj: KObject) => string | undefined> {
  const out: Record<string, (obj: KObject) => string | undefined> = {};
  for (const f of version.selectableFields ?? []) {
    const key = f.jsonPath.replace(/^\./, '');
    out[key] = (obj) => {
      const found = evalJsonPath(obj, f.jsonPath);
      const v = found[0];
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined ? '' : undefined;
    };
  }
  return out;
}

/**
 * The ResourceDefinition of a CRD with accepted names. Subresources, printer columns and
 * selectable fields are a version's in Kubernetes; here the preferred served version's apply to all.
 */
export function definitionFor(crd: CustomResourceDefinition, names: ResourceNames): ResourceDefinition {
  const served = servedVersions(crd);
  const preferred = served[0] ?? crd.spec.versions[0];
  const order = new Map(served.map((v, i) => [v.name, i]));
  const versions: VersionDefinition[] = [...crd.spec.versions]
    .sort((a, b) => (order.get(a.name) ?? 1e6) - (order.get(b.name) ?? 1e6) || compareVersions(a.name, b.name))
    .map((v) => ({ name: v.name, served: v.served, storage: v.storage, schemaRef: v.served ? schemaName(crd.spec.group, v.name, names.kind) : undefined }));
  const sub = preferred?.subresources;
  return {
    group: crd.spec.group,
    versions,
    names,
    namespaced: crd.spec.scope !== 'Cluster',
    generation: 'nonMetadata',
    subresources: { status: !!sub?.status, scale: sub?.scale ? { ...sub.scale } : undefined },
    printer: preferred ? printerFor(preferred) : undefined,
    fieldSelectors: preferred ? fieldSelectorsFor(preferred) : undefined,
    description: `custom resource ${names.plural}.${crd.spec.group} (CustomResourceDefinition ${crd.metadata.name ?? ''})`,
    servedBy: SERVED_BY,
  };
}

/**
 * The resource as `version` presents it when its printer columns or selectable fields differ from
 * the preferred version's (Kubernetes keeps them per version): a view sharing everything else.
 */
export function versionView(resource: RegisteredResource, crd: CustomResourceDefinition, version: string): RegisteredResource {
  const served = servedVersions(crd);
  const v = served.find((x) => x.name === version);
  const preferred = served[0];
  if (!v || !preferred || v === preferred) return resource;
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  if (same(v.additionalPrinterColumns, preferred.additionalPrinterColumns) && same(v.selectableFields, preferred.selectableFields)) return resource;
  const definition: ResourceDefinition = { ...resource.definition, printer: printerFor(v), fieldSelectors: fieldSelectorsFor(v) };
  return Object.create(resource, { definition: { value: definition, enumerable: true } }) as RegisteredResource;
}
