/**
 * OpenAPI v3 documents per group-version, as kube-apiserver serves them at /openapi/v3/<api/v1 |
 * apis/G/V>: `paths` with one operation per verb of every resource (each carrying
 * `x-kubernetes-action` and `x-kubernetes-group-version-kind`; every PATCH declares the
 * `fieldValidation` query parameter kubectl's `--validate=strict` looks for), and
 * `components.schemas` with the schemas the paths reference, transitively (what `kubectl explain`
 * and client-side apply read). Strategic merge patch is offered only for resources whose schema is
 * a full built-in one (with patch merge keys) and whose definition has a `patchSchema` (the store
 * applies it); CRDs get json/merge/apply patches, as in Kubernetes.
 */
import { createHash } from 'node:crypto';
import type { RegisteredResource } from '../../registry/registry';
import { ALL_VERBS, type VersionDefinition } from '../../registry/types';
import type { SchemaRegistry } from './schemas';
import { type GroupVersionKind, type Schema } from './schema-types';

export interface GroupVersionResources {
  /** `api/v1` or `apis/<group>/<version>` (the key in the /openapi/v3 index) */
  key: string;
  group: string;
  version: string;
  resources: Array<{ resource: RegisteredResource; version: VersionDefinition }>;
}

/** Every served group-version and its resources, sorted by key. */
export function servedGroupVersions(resources: readonly RegisteredResource[]): GroupVersionResources[] {
  const byKey = new Map<string, GroupVersionResources>();
  for (const r of resources) {
    const group = r.definition.group;
    for (const v of r.definition.versions) {
      if (!v.served) continue;
      const key = group ? `apis/${group}/${v.name}` : `api/${v.name}`;
      let gv = byKey.get(key);
      if (!gv) byKey.set(key, (gv = { key, group, version: v.name, resources: [] }));
      gv.resources.push({ resource: r, version: v });
    }
  }
  for (const gv of byKey.values()) gv.resources.sort((a, b) => (a.resource.definition.names.plural < b.resource.definition.names.plural ? -1 : 1));
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface DocumentOptions {
  schemas: SchemaRegistry;
  /** info.version, e.g. v1.32.4 */
  kubernetesVersion: string;
}

/** The OpenAPI 3.0 document of one group-version. */
export function buildGroupVersionDocument(gv: GroupVersionResources, opts: DocumentOptions): Record<string, unknown> {
  const b = new PathBuilder(gv, opts.schemas);
  for (const entry of gv.resources) b.addResource(entry.resource, entry.version);
  const schemas: Record<string, Schema> = {};
  for (const name of opts.schemas.closure(b.roots)) schemas[name] = opts.schemas.get(name) as Schema;
  const paths: Record<string, unknown> = {};
  for (const p of [...b.paths.keys()].sort()) paths[p] = b.paths.get(p);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: opts.kubernetesVersion },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' } },
    },
    security: [{ BearerToken: [] }],
  };
}

/** kube-openapi's document hash: upper-case hex SHA-512 of the JSON bytes. */
export function documentHash(bytes: Buffer | string): string {
  return createHash('sha512').update(bytes).digest('hex').toUpperCase();
}

/** The /openapi/v3 index. */
export function openApiIndex(hashes: ReadonlyMap<string, string>): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, hash] of [...hashes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const STATUS = `${META}.Status`;
const DELETE_OPTIONS = `${META}.DeleteOptions`;
const PATCH = `${META}.Patch`;
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';

const JSON_PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];
const SMP = 'application/strategic-merge-patch+json';
const RESPONSE_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
const METHOD: Record<Action, string> = { get: 'get', list: 'get', post: 'post', put: 'put', patch: 'patch', delete: 'delete', deletecollection: 'delete' };
const OP_WORD: Record<Action, string> = { get: 'read', list: 'list', post: 'create', put: 'replace', patch: 'patch', delete: 'delete', deletecollection: 'deleteCollection' };
const VERB_ACTION: Record<string, Action> = { get: 'get', list: 'list', create: 'post', update: 'put', patch: 'patch', delete: 'delete', deletecollection: 'deletecollection' };

interface OpSpec {
  action: Action;
  gvk: GroupVersionKind;
  /** schema of the object read or written (undefined: not known) */
  schema?: string;
  /** schema of the list (list actions) */
  listSchema?: string;
  /** `Namespaced`, `ForAllNamespaces` or '' */
  scopeWord: string;
  /** kind of the resource the path belongs to (operation ids) */
  parentKind: string;
  /** `Status`, `Scale`... appended to the operation id */
  suffix: string;
  smp: boolean;
  what: string;
}

class PathBuilder {
  readonly paths = new Map<string, Record<string, unknown>>();
  readonly roots = new Set<string>([STATUS, DELETE_OPTIONS, PATCH]);
  private readonly tag: string;
  private readonly idPrefix: string;

  constructor(
    private readonly gv: GroupVersionResources,
    private readonly schemas: SchemaRegistry,
  ) {
    const groupWords = gv.group ? gv.group.replace(/\.k8s\.io$/, '').split(/[.-]/) : ['core'];
    this.tag = `${groupWords.join('')}_${gv.version}`;
    this.idPrefix = groupWords.map(capitalize).join('') + capitalize(gv.version);
  }

  addResource(r: RegisteredResource, v: VersionDefinition): void {
    const def = r.definition;
    const { group, version } = this.gv;
    const kind = def.names.kind;
    const gvk = { group, version, kind };
    const schema = this.known(v.schemaRef);
    const listSchema = this.known(schema ? `${schema}List` : undefined);
    // kubectl builds the strategic merge patch from these schemas: offer it only when they are the
    // full built-in ones (merge keys) and the store can apply it (a patchSchema; else it answers 415)
    const smp = schema !== undefined && this.schemas.isBuiltin(schema) && def.patchSchema !== undefined;
    const verbs = new Set<string>(def.verbs ?? ALL_VERBS);
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const scoped = def.namespaced ? `${base}/namespaces/{namespace}/${def.names.plural}` : `${base}/${def.names.plural}`;
    const item = `${scoped}/{name}`;
    const scopeWord = def.namespaced ? 'Namespaced' : '';
    const common = { gvk, schema, listSchema, smp, scopeWord, parentKind: kind, suffix: '', what: kind };

    if (verbs.has('list')) this.op(scoped, { ...common, action: 'list' });
    if (verbs.has('create')) this.op(scoped, { ...common, action: 'post' });
    if (verbs.has('deletecollection')) this.op(scoped, { ...common, action: 'deletecollection' });
    if (verbs.has('get')) this.op(item, { ...common, action: 'get' });
    if (verbs.has('update')) this.op(item, { ...common, action: 'put' });
    if (verbs.has('patch')) this.op(item, { ...common, action: 'patch' });
    if (verbs.has('delete')) this.op(item, { ...common, action: 'delete' });
    if (def.namespaced && verbs.has('list')) this.op(`${base}/${def.names.plural}`, { ...common, action: 'list', scopeWord: 'ForAllNamespaces' });

    const sub = def.subresources;
    if (sub?.status) {
      for (const action of ['get', 'put', 'patch'] as const) this.op(`${item}/status`, { ...common, action, suffix: 'Status', what: `status of the specified ${kind}` });
    }
    if (sub?.scale) {
      const scale = this.known(SCALE);
      const scaleGvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
      for (const action of ['get', 'put', 'patch'] as const) {
        this.op(`${item}/scale`, { ...common, gvk: scaleGvk, schema: scale, listSchema: undefined, action, suffix: 'Scale', what: `scale of the specified ${kind}`, smp: scale !== undefined });
      }
    }
    for (const c of sub?.custom ?? []) {
      const cgvk = { group: c.group ?? group, version: c.version ?? version, kind: c.kind };
      const cschema = this.known(this.schemas.findByKind(cgvk.group, cgvk.version, cgvk.kind, this.candidates(cgvk)));
      for (const verb of c.verbs) {
        const action = VERB_ACTION[verb];
        if (!action || action === 'list' || action === 'deletecollection') continue;
        this.op(`${item}/${c.name}`, {
          ...common,
          gvk: cgvk,
          schema: cschema,
          listSchema: undefined,
          action,
          suffix: capitalize(c.name),
          what: `${c.name} of the specified ${kind}`,
          smp: cschema !== undefined && this.schemas.isBuiltin(cschema) && def.patchSchema !== undefined,
        });
      }
    }
  }

  /** Where a subresource kind's schema may be: the Kubernetes package of its group-version. */
  private candidates(gvk: GroupVersionKind): string[] {
    const pkg = gvk.group === '' ? `io.k8s.api.core.${gvk.version}` : `io.k8s.api.${gvk.group.replace(/\.k8s\.io$/, '').split('.')[0]}.${gvk.version}`;
    return [`${pkg}.${gvk.kind}`, ...this.schemas.extraNames()];
  }

  private known(name: string | undefined): string | undefined {
    if (!name || !this.schemas.get(name)) return undefined;
    this.roots.add(name);
    return name;
  }

  private op(path: string, spec: OpSpec): void {
    let item = this.paths.get(path);
    if (!item) {
      item = { parameters: pathParameters(path) };
      this.paths.set(path, item);
    }
    const method = METHOD[spec.action];
    const allNamespaces = spec.scopeWord === 'ForAllNamespaces';
    const opId = `${OP_WORD[spec.action]}${this.idPrefix}${allNamespaces ? '' : spec.scopeWord}${spec.parentKind}${spec.suffix}${allNamespaces ? 'ForAllNamespaces' : ''}`;
    const operation: Record<string, unknown> = {
      tags: [this.tag],
      description: describe(spec),
      operationId: opId,
      parameters: queryParameters(spec.action),
    };
    const body = requestBody(spec);
    if (body) operation.requestBody = body;
    operation.responses = responses(spec);
    operation['x-kubernetes-action'] = spec.action;
    operation['x-kubernetes-group-version-kind'] = spec.gvk;
    item[method] = operation;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function schemaRef(name: string | undefined): Schema | undefined {
  return name ? { $ref: `#/components/schemas/${name}` } : undefined;
}

function content(types: readonly string[], schema?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of types) out[t] = schema ? { schema: schemaRef(schema) } : {};
  return out;
}

function describe(spec: OpSpec): string {
  const what = spec.what === spec.gvk.kind ? `the specified ${spec.gvk.kind}` : spec.what;
  switch (spec.action) {
    case 'get':
      return `read ${what}`;
    case 'list':
      return `list or watch objects of kind ${spec.gvk.kind}`;
    case 'post':
      return spec.what === spec.gvk.kind ? `create a ${spec.gvk.kind}` : `create ${spec.what}`;
    case 'put':
      return `replace ${what}`;
    case 'patch':
      return `partially update ${what}`;
    case 'delete':
      return `delete ${what}`;
    case 'deletecollection':
      return `delete collection of ${spec.gvk.kind}`;
  }
}

function requestBody(spec: OpSpec): Record<string, unknown> | undefined {
  if (spec.action === 'post' || spec.action === 'put') return { content: content(['*/*'], spec.schema), required: true };
  if (spec.action === 'patch') {
    const types = spec.smp ? [...JSON_PATCH_TYPES, SMP] : JSON_PATCH_TYPES;
    return { content: content(types, PATCH), required: true };
  }
  if (spec.action === 'delete' || spec.action === 'deletecollection') return { content: content(['*/*'], DELETE_OPTIONS) };
  return undefined;
}

function responses(spec: OpSpec): Record<string, unknown> {
  const ok = (description: string, schema?: string) => ({ description, content: content(RESPONSE_TYPES, schema) });
  const unauthorized = { description: 'Unauthorized' };
  switch (spec.action) {
    case 'get':
      return { '200': ok('OK', spec.schema), '401': unauthorized };
    case 'list':
      return { '200': ok('OK', spec.listSchema), '401': unauthorized };
    case 'post':
      return { '200': ok('OK', spec.schema), '201': ok('Created', spec.schema), '202': ok('Accepted', spec.schema), '401': unauthorized };
    case 'put':
    case 'patch':
      return { '200': ok('OK', spec.schema), '201': ok('Created', spec.schema), '401': unauthorized };
    case 'delete':
      return { '200': ok('OK', STATUS), '202': ok('Accepted', STATUS), '401': unauthorized };
    case 'deletecollection':
      return { '200': ok('OK', STATUS), '401': unauthorized };
  }
}

function param(name: string, where: 'query' | 'path', description: string, type = 'string'): Record<string, unknown> {
  const p: Record<string, unknown> = { name, in: where, description, schema: { type, uniqueItems: true } };
  if (where === 'path') p.required = true;
  return p;
}

function pathParameters(path: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (path.includes('{name}')) out.push(param('name', 'path', 'name of the object'));
  if (path.includes('{namespace}')) out.push(param('namespace', 'path', 'object name and auth scope, such as for teams and projects'));
  out.push(param('pretty', 'query', "If 'true', then the output is pretty printed."));
  return out;
}

const DRY_RUN = param('dryRun', 'query', 'When present, indicates that modifications should not be persisted. Valid values: All (all dry run stages are processed).');
const FIELD_MANAGER = param('fieldManager', 'query', 'fieldManager is a name associated with the actor or entity that is making these changes. Required for apply requests.');
const FIELD_VALIDATION = param(
  'fieldValidation',
  'query',
  'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn (the default; warnings in the response) or Strict (the request fails with a BadRequest error).',
);
const FORCE = param('force', 'query', 'Force is going to "force" Apply requests: re-acquire conflicting fields owned by other managers. Only for apply requests.', 'boolean');
const LIST_PARAMS = [
  param('allowWatchBookmarks', 'query', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  param('continue', 'query', 'The continue option should be set when retrieving more results from the server.'),
  param('fieldSelector', 'query', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  param('labelSelector', 'query', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  param('limit', 'query', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  param('resourceVersion', 'query', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  param('resourceVersionMatch', 'query', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  param('sendInitialEvents', 'query', 'sendInitialEvents=true may be set together with watch=true to begin the watch stream with synthetic events.', 'boolean'),
  param('timeoutSeconds', 'query', 'Timeout for the list/watch call.', 'integer'),
  param('watch', 'query', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];
const DELETE_PARAMS = [
  DRY_RUN,
  param('gracePeriodSeconds', 'query', 'The duration in seconds before the object should be deleted.', 'integer'),
  param('orphanDependents', 'query', 'Deprecated: please use the PropagationPolicy.', 'boolean'),
  param('propagationPolicy', 'query', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
];

function queryParameters(action: Action): Record<string, unknown>[] {
  switch (action) {
    case 'get':
      return [];
    case 'list':
      return LIST_PARAMS;
    case 'post':
    case 'put':
      return [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
    case 'patch':
      return [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE];
    case 'delete':
      return DELETE_PARAMS;
    case 'deletecollection':
      return [...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), ...DELETE_PARAMS];
  }
}
