/**
 * The CRD controllers of the APIExtensionServer, in one loop over a long-lived informer on
 * customresourcedefinitions (kube-apiextensions' naming, establishing and finalizer controllers):
 * names are checked against every other resource of the group (NamesAccepted), accepted CRDs are
 * registered in the ResourceRegistry as data (Established) and their OpenAPI schemas added; a
 * deleted CRD is Terminating: its custom resources are deleted, then the
 * `customresourcecleanup.apiextensions.k8s.io` finalizer removed, and once it is gone it is unregistered.
 */
import { gvr, inProcessClient, isStatusReason, RateLimitingQueue, SharedInformer, type Client } from '../../../core/client';
import { rfc3339 } from '../../../core/api/meta';
import { getSchemaRegistry } from '../../../core/api/openapi/schemas';
import { getResourceRegistry, type RegisteredResource } from '../../../core/registry/registry';
import type { KObject, ResourceNames } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import type { CustomResourceDefinition } from '../schema';
import { definitionFor, servedVersions, versionSchemas, versionView } from './definition';

export const CRD_GVR = gvr('apiextensions.k8s.io/v1', 'customresourcedefinitions');
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/** One CRD being served. */
export interface ServedCrd {
  crd: CustomResourceDefinition;
  resource: RegisteredResource;
  /** uid + spec: re-register when it changes */
  fingerprint: string;
  schemaNames: string[];
  /** per-version views of the resource (see versionView) */
  views: Map<string, RegisteredResource>;
}

export interface CrdControllerOptions {
  /** how often to look again while custom resources of a deleted CRD remain (ms) */
  cleanupRecheckMs: number;
  /** called with every newly registered resource (the plugin taps its strategy hooks) */
  onRegister(served: ServedCrd): void;
  /** logger */
  log: { warn(obj: object, msg?: string): void };
}

function namesOf(crd: CustomResourceDefinition): ResourceNames {
  const n = crd.spec.names;
  return {
    plural: n.plural,
    singular: n.singular || n.kind.toLowerCase(),
    kind: n.kind,
    listKind: n.listKind || `${n.kind}List`,
    shortNames: n.shortNames ?? [],
    categories: n.categories ?? [],
  };
}

/** Why the names of `crd` cannot be accepted (reason, message), or undefined. */
export function nameConflict(names: ResourceNames, group: string, others: readonly RegisteredResource[]): [string, string] | undefined {
  const peers = others.filter((r) => r.definition.group === group);
  const taken = (r: RegisteredResource) => new Set([r.definition.names.plural, r.definition.names.singular, ...(r.definition.names.shortNames ?? [])]);
  for (const r of peers) if (r.definition.names.plural === names.plural) return ['PluralConflict', `"${names.plural}" is already in use`];
  for (const r of peers) if (taken(r).has(names.singular)) return ['SingularConflict', `"${names.singular}" is already in use`];
  for (const s of names.shortNames ?? []) for (const r of peers) if (taken(r).has(s)) return ['ShortNamesConflict', `"${s}" is already in use`];
  for (const r of peers) if (r.definition.names.kind === names.kind) return ['KindConflict', `"${names.kind}" is already in use`];
  const listKind = names.listKind ?? `${names.kind}List`;
  for (const r of peers) if ((r.definition.names.listKind ?? `${r.definition.names.kind}List`) === listKind) return ['ListKindConflict', `"${listKind}" is already in use`];
  return undefined;
}

function setCondition(conditions: Condition[], c: Condition, now: string): Condition[] {
  const old = conditions.find((x) => x.type === c.type);
  const next = { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime ?? now : now };
  return [...conditions.filter((x) => x.type !== c.type), next];
}

function sameConditions(a: readonly Condition[], b: readonly Condition[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => y.type === x.type && y.status === x.status && y.reason === x.reason && y.message === x.message));
}

export class CrdController {
  readonly client: Client;
  private informer?: SharedInformer<CustomResourceDefinition>;
  private readonly queue = new RateLimitingQueue<string>({ name: 'crd', baseDelayMs: 50, maxDelayMs: 5000 });
  private readonly served = new Map<string, ServedCrd>();
  private readonly byRegistered = new WeakMap<RegisteredResource, ServedCrd>();
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private runPromise?: Promise<void>;

  constructor(
    private readonly server: Server,
    private readonly opts: CrdControllerOptions,
  ) {
    this.client = inProcessClient(server);
  }

  /** The served CRD whose resource this is. */
  byResource(resource: RegisteredResource): ServedCrd | undefined {
    return this.byRegistered.get(resource);
  }

  /** The resource as `version` presents it (per-version printer columns and selectable fields), cached. */
  viewOf(resource: RegisteredResource, version: string): RegisteredResource {
    const served = this.byRegistered.get(resource);
    if (!served || served.resource !== resource) return resource;
    let view = served.views.get(version);
    if (!view) {
      view = versionView(resource, served.crd, version);
      served.views.set(version, view);
      if (view !== resource) this.byRegistered.set(view, served);
    }
    return view;
  }

  /** Is the CRD of a served resource being deleted (the informer's newest state)? */
  isTerminating(resource: RegisteredResource): boolean {
    const s = this.byResource(resource);
    const crd = s && this.informer?.get(s.crd.metadata.name ?? '');
    return !!crd?.metadata.deletionTimestamp;
  }

  /** Start the informer, reconcile every CRD once (so they are served when this resolves), then keep going. */
  async start(): Promise<void> {
    const informer = new SharedInformer<CustomResourceDefinition>(this.client, CRD_GVR, {}, { debug: () => undefined, warn: (o, m) => this.opts.log.warn(o, m), error: (o, m) => this.opts.log.warn(o, m) });
    this.informer = informer;
    // names are claimed per group: any change may free (or take) names another CRD of the group wants
    const enqueueGroup = (o: CustomResourceDefinition) => {
      this.queue.add(o.metadata.name ?? '');
      for (const other of informer.list()) if (other.spec?.group === o.spec?.group && other.metadata.name !== o.metadata.name) this.queue.add(other.metadata.name ?? '');
    };
    informer.addEventHandler({ add: enqueueGroup, update: (_, o) => enqueueGroup(o), delete: enqueueGroup });
    this.runPromise = informer.run(this.abort.signal);
    await informer.waitForSync(this.abort.signal);
    // accept names in creation order: the first CRD to claim a name keeps it
    const crds = informer.list().sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
    for (const crd of crds) await this.reconcile(crd.metadata.name ?? '').catch(() => this.queue.addRateLimited(crd.metadata.name ?? ''));
    this.loop = this.work();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.queue.shutdown();
    await Promise.allSettled([this.loop, this.runPromise]);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const again = await this.reconcile(key);
        this.queue.forget(key);
        if (again) this.queue.addAfter(key, again);
      } catch (err) {
        if (!this.abort.signal.aborted && !isStatusReason(err, 'Conflict')) this.opts.log.warn({ err, crd: key }, 'APIExtensionServer: reconcile failed');
        if (!this.abort.signal.aborted) this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  /** One pass over one CRD; returns a delay (ms) to look again, or undefined. */
  async reconcile(name: string): Promise<number | undefined> {
    const crd = this.informer?.get(name);
    if (!crd) {
      const group = this.served.get(name)?.resource.definition.group;
      this.unserve(name);
      // its names are free now: the CRDs of the group that wanted them look again
      if (group !== undefined) for (const other of this.informer?.list() ?? []) if (other.spec?.group === group) this.queue.add(other.metadata.name ?? '');
      return undefined;
    }
    const registry = getResourceRegistry(this.server);
    const current = this.served.get(name);
    const names = namesOf(crd);
    const others = registry.all().filter((r) => r !== current?.resource);
    const conflict = nameConflict(names, crd.spec.group, others);
    const storage = (crd.spec.versions ?? []).filter((v) => v.storage);
    const terminating = !!crd.metadata.deletionTimestamp;

    if (!conflict && storage.length === 1 && servedVersions(crd).length > 0) {
      const fingerprint = JSON.stringify([crd.metadata.uid, crd.spec]);
      if (!current || current.fingerprint !== fingerprint) this.serve(name, crd, names, fingerprint);
    } else if (!terminating) {
      this.unserve(name);
    }

    const status = await this.updateStatus(crd, names, conflict, terminating);
    if (!terminating) {
      if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) await this.patchFinalizers(status, [...(crd.metadata.finalizers ?? []), CLEANUP_FINALIZER]);
      return undefined;
    }
    return this.cleanup(name, status);
  }

  private serve(name: string, crd: CustomResourceDefinition, names: ResourceNames, fingerprint: string): void {
    const registry = getResourceRegistry(this.server);
    const schemas = getSchemaRegistry(this.server);
    const old = this.served.get(name);
    if (old) {
      this.byRegistered.delete(old.resource);
      registry.unregister(old.resource.definition.group, old.resource.definition.names.plural);
      for (const s of old.schemaNames) schemas.remove(s);
    }
    const def = definitionFor(crd, names);
    const schemaNames: string[] = [];
    for (const v of servedVersions(crd)) {
      for (const [n, s] of versionSchemas(crd, names, v.name)) {
        try {
          schemas.add(n, s);
          schemaNames.push(n);
        } catch (err) {
          this.opts.log.warn({ err, crd: name }, 'APIExtensionServer: OpenAPI schema not added');
        }
      }
    }
    let resource: RegisteredResource;
    try {
      resource = registry.register(def);
    } catch (err) {
      for (const n of schemaNames) schemas.remove(n);
      this.served.delete(name);
      throw err;
    }
    const served: ServedCrd = { crd, resource, fingerprint, schemaNames, views: new Map() };
    this.served.set(name, served);
    this.byRegistered.set(resource, served);
    this.opts.onRegister(served);
  }

  private unserve(name: string): void {
    const s = this.served.get(name);
    if (!s) return;
    this.served.delete(name);
    this.byRegistered.delete(s.resource);
    getResourceRegistry(this.server).unregister(s.resource.definition.group, s.resource.definition.names.plural);
    const schemas = getSchemaRegistry(this.server);
    for (const n of s.schemaNames) schemas.remove(n);
  }

  private async updateStatus(crd: CustomResourceDefinition, names: ResourceNames, conflict: [string, string] | undefined, terminating: boolean): Promise<CustomResourceDefinition> {
    const status = { ...(crd.status ?? {}) } as Record<string, unknown>;
    const before = (Array.isArray(status.conditions) ? status.conditions : []) as Condition[];
    const now = rfc3339();
    let conditions = before;
    if (conflict) {
      conditions = setCondition(conditions, { type: 'NamesAccepted', status: 'False', reason: conflict[0], message: conflict[1] }, now);
      conditions = setCondition(conditions, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
    } else {
      conditions = setCondition(conditions, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }, now);
      if (this.served.has(crd.metadata.name ?? '')) {
        conditions = setCondition(conditions, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
      }
    }
    if (terminating) {
      const remaining = before.find((c) => c.type === 'Terminating' && c.reason === 'InstanceDeletionCompleted');
      if (!remaining) conditions = setCondition(conditions, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, now);
    }
    const accepted = conflict ? status.acceptedNames : { ...names, shortNames: names.shortNames?.length ? names.shortNames : undefined, categories: names.categories?.length ? names.categories : undefined };
    const sameNames = JSON.stringify(accepted ?? null) === JSON.stringify(status.acceptedNames ?? null);
    if (sameConditions(before, conditions) && sameNames) return crd;
    const next = { ...crd, status: { ...status, conditions, ...(accepted ? { acceptedNames: JSON.parse(JSON.stringify(accepted)) } : {}) } } as CustomResourceDefinition;
    return this.client.updateStatus(CRD_GVR, next);
  }

  private async patchFinalizers(crd: CustomResourceDefinition, finalizers: string[]): Promise<void> {
    await this.client.patch(CRD_GVR, { name: crd.metadata.name ?? '' }, 'merge', { metadata: { resourceVersion: crd.metadata.resourceVersion, finalizers } });
  }

  /** A terminating CRD: delete its custom resources; when none remain, drop the finalizer. */
  private async cleanup(name: string, crd: CustomResourceDefinition): Promise<number | undefined> {
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) return undefined;
    const served = this.served.get(name);
    if (served) {
      const def = served.resource.definition;
      // the storage version when served: no conversion webhook in the way of the cleanup
      const version = served.resource.storageVersion.served ? served.resource.storageVersion.name : (def.versions.find((v) => v.served)?.name ?? served.resource.storageVersion.name);
      const target = gvr(`${def.group}/${version}`, def.names.plural);
      const list = await this.client.list(target);
      if (list.items.length > 0) {
        for (const item of list.items as KObject[]) {
          if (item.metadata.deletionTimestamp) continue;
          try {
            await this.client.delete(target, { namespace: item.metadata.namespace, name: item.metadata.name ?? '' }, { propagationPolicy: 'Background', preconditions: { uid: item.metadata.uid } });
          } catch (err) {
            if (!isStatusReason(err, 'NotFound') && !isStatusReason(err, 'Conflict')) throw err;
          }
        }
        return this.opts.cleanupRecheckMs;
      }
    }
    const conditions = setCondition(((crd.status?.conditions ?? []) as Condition[]), { type: 'Terminating', status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' }, rfc3339());
    let latest = crd;
    try {
      latest = await this.client.updateStatus(CRD_GVR, { ...crd, status: { ...(crd.status ?? {}), conditions } } as CustomResourceDefinition);
    } catch (err) {
      if (!isStatusReason(err, 'NotFound')) throw err;
      return undefined;
    }
    await this.patchFinalizers(latest, (latest.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER));
    return undefined;
  }
}
