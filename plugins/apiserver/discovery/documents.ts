/**
 * The discovery documents, built from the resource registry (pure functions: the plugin caches
 * their serialized bytes). Legacy: APIVersions (/api), APIGroupList (/apis), APIGroup (/apis/<g>),
 * APIResourceList (/api/v1, /apis/<g>/<v>). Aggregated: APIGroupDiscoveryList (apidiscovery.k8s.io
 * v2 and v2beta1, same shape) for /api and /apis.
 */
import { createHash } from 'node:crypto';
import type { RegisteredResource } from '../../../core/registry/registry';
import { ALL_VERBS, type ResourceDefinition } from '../../../core/registry/types';

/** One served version of a group and the resources served in it. */
export interface VersionModel {
  version: string;
  resources: RegisteredResource[];
}

export interface GroupModel {
  /** '' for the core group */
  name: string;
  /** in preference order: the first is the preferred version */
  versions: VersionModel[];
}

export interface DiscoveryModel {
  /** the core group (served under /api), if any resource is in it */
  core?: GroupModel;
  /** the named groups (served under /apis), in Kubernetes' priority order */
  groups: GroupModel[];
  /** groups served by other servers (the aggregator's APIServices), after the local ones */
  external?: ExternalGroup[];
}

/** A group-version served elsewhere, as its server's APIResourceList described it. */
export interface ExternalVersion {
  version: string;
  /** the `resources` of its APIResourceList (subresources as `<plural>/<sub>` entries) */
  resources: readonly Record<string, unknown>[];
  /** Stale when its server could not be asked lately (clients report the group-version as failed) */
  freshness: 'Current' | 'Stale';
}

/** A named group served elsewhere; versions in preference order. */
export interface ExternalGroup {
  name: string;
  versions: ExternalVersion[];
}

/** kube-apiserver's group order (its priority list); other groups follow alphabetically. */
const GROUP_ORDER = [
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'internal.apiserver.k8s.io',
  'storagemigration.k8s.io',
];

/**
 * Group the registry's resources by group and served version. Versions keep the order in which
 * definitions list them (the first served version is the preferred one), across definitions in
 * registration order.
 */
export function buildModel(resources: readonly RegisteredResource[]): DiscoveryModel {
  const groups = new Map<string, GroupModel>();
  for (const r of resources) {
    const def = r.definition;
    let group = groups.get(def.group);
    if (!group) groups.set(def.group, (group = { name: def.group, versions: [] }));
    for (const v of def.versions) {
      if (!v.served) continue;
      let version = group.versions.find((x) => x.version === v.name);
      if (!version) group.versions.push((version = { version: v.name, resources: [] }));
      version.resources.push(r);
    }
  }
  for (const g of groups.values()) {
    g.versions = g.versions.filter((v) => v.resources.length > 0);
    for (const v of g.versions) v.resources.sort((a, b) => cmp(a.definition.names.plural, b.definition.names.plural));
  }
  const named = [...groups.values()].filter((g) => g.name !== '' && g.versions.length > 0);
  named.sort((a, b) => rank(a.name) - rank(b.name) || cmp(a.name, b.name));
  const core = groups.get('');
  return { core: core && core.versions.length > 0 ? core : undefined, groups: named };
}

function rank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i < 0 ? GROUP_ORDER.length : i;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** `/api`: APIVersions. */
export function apiVersions(model: DiscoveryModel, serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: model.core?.versions.map((v) => v.version) ?? [],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** `/apis/<g>` (and the items of `/apis`): APIGroup. */
export function apiGroup(group: GroupModel, withTypeMeta = true) {
  const versions = group.versions.map((v) => ({ groupVersion: groupVersion(group.name, v.version), version: v.version }));
  return {
    ...(withTypeMeta ? { kind: 'APIGroup', apiVersion: 'v1' } : {}),
    name: group.name,
    versions,
    preferredVersion: versions[0],
  };
}

/** `/apis/<g>` of a group served elsewhere (and its item in `/apis`). */
export function externalApiGroup(group: ExternalGroup, withTypeMeta = true) {
  const versions = group.versions.map((v) => ({ groupVersion: groupVersion(group.name, v.version), version: v.version }));
  return { ...(withTypeMeta ? { kind: 'APIGroup', apiVersion: 'v1' } : {}), name: group.name, versions, preferredVersion: versions[0] };
}

/** External groups whose name no local group has (a local group wins its own name). */
function externalOnly(model: DiscoveryModel): ExternalGroup[] {
  return (model.external ?? []).filter((e) => e.versions.length > 0 && !model.groups.some((g) => g.name === e.name));
}

/** `/apis`: APIGroupList (local groups, then those served elsewhere). */
export function apiGroupList(model: DiscoveryModel) {
  const groups = [...model.groups.map((g) => apiGroup(g, false)), ...externalOnly(model).map((g) => externalApiGroup(g, false))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** A subresource as discovery lists it. */
interface SubresourceEntry {
  name: string;
  verbs: string[];
  /** set when the kind is not in the parent's group-version */
  group?: string;
  version?: string;
  kind: string;
}

function subresourcesOf(def: ResourceDefinition): SubresourceEntry[] {
  const out: SubresourceEntry[] = [];
  const sub = def.subresources;
  if (sub?.status) out.push({ name: 'status', verbs: ['get', 'patch', 'update'], kind: def.names.kind });
  if (sub?.scale) out.push({ name: 'scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1', kind: 'Scale' });
  for (const c of sub?.custom ?? []) {
    out.push({ name: c.name, verbs: [...c.verbs], kind: c.kind, group: c.group, version: c.version });
  }
  return out.sort((a, b) => cmp(a.name, b.name));
}

/** The group-version of a subresource's kind (the parent's unless the definition says otherwise). */
function subresourceGroupVersion(s: SubresourceEntry, group: string, version: string): { group: string; version: string } {
  return { group: s.group ?? group, version: s.version ?? version };
}

/** kube-apiserver's storageVersionHash: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>"). */
export function storageVersionHash(r: RegisteredResource): string {
  const { group, names } = r.definition;
  const digest = createHash('sha256').update(`${group}/${r.storageVersion.name}/${names.kind}`).digest();
  return digest.subarray(0, 8).toString('base64');
}

function verbsOf(def: ResourceDefinition): string[] {
  return [...(def.verbs ?? ALL_VERBS)];
}

/** `/api/v1`, `/apis/<g>/<v>`: APIResourceList. */
export function apiResourceList(group: string, version: VersionModel) {
  const resources: Record<string, unknown>[] = [];
  for (const r of version.resources) {
    const def = r.definition;
    const entry: Record<string, unknown> = {
      name: def.names.plural,
      singularName: def.names.singular,
      namespaced: def.namespaced,
      kind: def.names.kind,
      verbs: verbsOf(def),
    };
    if (def.names.shortNames?.length) entry.shortNames = [...def.names.shortNames];
    if (def.names.categories?.length) entry.categories = [...def.names.categories];
    entry.storageVersionHash = storageVersionHash(r);
    resources.push(entry);
    for (const s of subresourcesOf(def)) {
      const sub: Record<string, unknown> = { name: `${def.names.plural}/${s.name}`, singularName: '', namespaced: def.namespaced };
      const gv = subresourceGroupVersion(s, group, version.version);
      if (gv.group !== group || gv.version !== version.version) Object.assign(sub, gv);
      sub.kind = s.kind;
      sub.verbs = s.verbs;
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version.version), resources };
}

/** `/api` or `/apis` as APIGroupDiscoveryList (apidiscovery.k8s.io/<apiVersion>); `external` groups follow the local ones. */
export function aggregatedDiscovery(groups: readonly GroupModel[], apiVersion: 'v2' | 'v2beta1', external: readonly ExternalGroup[] = []) {
  const items = groups.map((g) => ({
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v.version,
      resources: v.resources.map((r) => aggregatedResource(g.name, v.version, r)),
      freshness: 'Current',
    })),
  }));
  for (const e of external) {
    const versions = e.versions.map((v) => ({ version: v.version, resources: aggregatedFromResourceList(e.name, v.version, v.resources), freshness: v.freshness }));
    const local = items.find((i) => i.metadata.name === e.name);
    if (local) local.versions.push(...versions.filter((v) => !local.versions.some((l) => l.version === v.version)));
    else if (versions.length > 0) items.push({ metadata: { name: e.name, creationTimestamp: null }, versions });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${apiVersion}`, metadata: {}, items };
}

/** An APIResourceList's `resources` as aggregated discovery resources (subresources under their parent). */
export function aggregatedFromResourceList(group: string, version: string, list: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const kindOf = (r: Record<string, unknown>) => ({ group: str(r.group) || group, version: str(r.version) || version, kind: str(r.kind) });
  const out: Record<string, unknown>[] = [];
  for (const r of list) {
    const name = str(r.name);
    if (!name || name.includes('/')) continue;
    const entry: Record<string, unknown> = {
      resource: name,
      responseKind: kindOf(r),
      scope: r.namespaced === true ? 'Namespaced' : 'Cluster',
      singularResource: str(r.singularName),
      verbs: Array.isArray(r.verbs) ? [...(r.verbs as unknown[])] : [],
    };
    if (Array.isArray(r.shortNames) && r.shortNames.length) entry.shortNames = [...(r.shortNames as unknown[])];
    if (Array.isArray(r.categories) && r.categories.length) entry.categories = [...(r.categories as unknown[])];
    const subs = list.filter((s) => str(s.name).startsWith(`${name}/`));
    if (subs.length) {
      entry.subresources = subs.map((s) => ({ subresource: str(s.name).slice(name.length + 1), responseKind: kindOf(s), verbs: Array.isArray(s.verbs) ? [...(s.verbs as unknown[])] : [] }));
    }
    out.push(entry);
  }
  return out;
}

function aggregatedResource(group: string, version: string, r: RegisteredResource) {
  const def = r.definition;
  const out: Record<string, unknown> = {
    resource: def.names.plural,
    responseKind: { group, version, kind: def.names.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.names.singular,
    verbs: verbsOf(def),
  };
  if (def.names.shortNames?.length) out.shortNames = [...def.names.shortNames];
  if (def.names.categories?.length) out.categories = [...def.names.categories];
  const subs = subresourcesOf(def);
  if (subs.length > 0) {
    out.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { ...subresourceGroupVersion(s, group, version), kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return out;
}
