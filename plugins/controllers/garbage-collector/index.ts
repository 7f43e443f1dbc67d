/**
 * GarbageCollector: an ownerReferences graph built from informers over every resource that can be
 * listed, watched and deleted (found by discovery, refreshed when resources are registered —
 * CRDs too), and the three propagation policies:
 * - Background: an owner is gone -> its dependents without another live owner are deleted;
 * - Foreground: an owner with deletionTimestamp + `foregroundDeletion` -> its dependents are
 *   deleted, the owner waits for those with blockOwnerDeletion, then its finalizer is removed;
 * - Orphan: an owner with deletionTimestamp + `orphan` -> dependents lose their ownerReferences
 *   to it, then its finalizer is removed.
 * Dangling references (no object with that uid) are confirmed with a live GET before anything is
 * deleted. A dependent that has dependents itself and waits on a foreground owner drops its
 * blockOwnerDeletion first, so cycles do not wedge the collector.
 */
import { getApiHooks } from '../../../core/registry/registry';
import { enableGarbageCollectorFinalizers, FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../../core/registry/store-delete';
import type { KObject, OwnerReference } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { defineController, discoverResources, groupOf, isStatusReason, type DiscoveredResource, type GVR } from '../../../core/client';
import { isDeletingDependents, isOrphaning, OwnerGraph, type GraphNode, type Transitions } from './graph';

export const PLUGIN_NAME = 'GarbageCollector';

export interface GarbageCollectorOptions {
  /** resources never collected nor watched (`resource.group`, `resource` for core) */
  ignoredResources?: string[];
  /** rediscover resources this often (remote managers; in-process also on every registration) */
  rediscoverySeconds?: number;
  workers?: number;
}

const DEFAULT_IGNORED = ['events', 'events.events.k8s.io'];
const changeListeners = new WeakMap<Server, () => void>();

function qualified(gvr: GVR): string {
  return gvr.group ? `${gvr.resource}.${gvr.group}` : gvr.resource;
}

type OwnerState = 'solid' | 'dangling' | 'waiting';

export default defineController<GarbageCollectorOptions>({
  name: PLUGIN_NAME,
  description: 'ownerReferences garbage collection: Background, Foreground and Orphan propagation, dangling owners',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ignoredResources: { type: 'array', items: { type: 'string', minLength: 1 }, default: DEFAULT_IGNORED },
      rediscoverySeconds: { type: 'number', minimum: 1, default: 30 },
      workers: { type: 'integer', minimum: 1, default: 4 },
    },
  },
  apply(server) {
    enableGarbageCollectorFinalizers(server);
    getApiHooks(server).resourcesChanged.tap(PLUGIN_NAME, () => changeListeners.get(server)?.());
  },
  async setup(ctx, options) {
    const ignored = new Set(options.ignoredResources ?? DEFAULT_IGNORED);
    const graph = new OwnerGraph();
    const watched = new Map<string, DiscoveredResource>();
    let byKind = new Map<string, DiscoveredResource>();
    const log = ctx.logger;

    const enqueue = (t: Transitions) => {
      for (const uid of t.attemptToDelete) ctx.enqueue(`delete:${uid}`);
      for (const uid of t.attemptToOrphan) ctx.enqueue(`orphan:${uid}`);
    };

    async function refresh(): Promise<void> {
      const { resources } = await discoverResources(ctx.client);
      const kinds = new Map<string, DiscoveredResource>();
      for (const r of resources) kinds.set(`${r.gvr.group}/${r.kind}`, r);
      byKind = kinds;
      for (const r of resources) {
        const id = qualified(r.gvr);
        if (watched.has(id) || ignored.has(id)) continue;
        if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) continue;
        watched.set(id, r);
        const inf = ctx.informers.informerFor(r.gvr);
        const gvr = r.gvr;
        inf.addEventHandler({
          add: (o) => enqueue(graph.upsert(gvr, o)),
          update: (_, o) => enqueue(graph.upsert(gvr, o)),
          delete: (o) => enqueue(graph.remove(o)),
        });
      }
      const served = new Set(resources.map((r) => qualified(r.gvr)));
      for (const [id, r] of [...watched]) {
        if (served.has(id)) continue;
        watched.delete(id);
        enqueue(graph.dropResource(r.gvr));
      }
    }

    let pending: NodeJS.Timeout | undefined;
    const scheduleRefresh = (delayMs: number) => {
      if (pending || ctx.signal.aborted) return;
      pending = setTimeout(() => {
        pending = undefined;
        refresh()
          .then(() => ctx.informers.start(ctx.signal))
          .catch((err) => {
            log.warn({ err }, 'garbage collector: rediscovery failed');
            scheduleRefresh(1000);
          });
      }, delayMs);
    };
    await refresh();
    changeListeners.set(ctx.server, () => scheduleRefresh(100));
    const periodic = setInterval(() => scheduleRefresh(0), (options.rediscoverySeconds ?? 30) * 1000);
    periodic.unref?.();

    /** Is the owner there (solid), gone (dangling), or deleting its dependents (waiting)? */
    async function ownerState(ref: OwnerReference, dependentNamespace: string): Promise<OwnerState> {
      const node = graph.nodes.get(ref.uid);
      if (node) return node.deletingDependents ? 'waiting' : 'solid';
      const res = byKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
      if (!res) throw new Error(`garbage collector: cannot resolve owner kind ${ref.apiVersion}/${ref.kind}`);
      try {
        const owner = await ctx.client.get(res.gvr, { namespace: res.namespaced ? dependentNamespace : undefined, name: ref.name });
        if (owner.metadata.uid !== ref.uid) return 'dangling';
        return isDeletingDependents(owner) ? 'waiting' : 'solid';
      } catch (err) {
        if (isStatusReason(err, 'NotFound')) return 'dangling';
        throw err;
      }
    }

    async function getLatest(node: GraphNode): Promise<KObject | undefined> {
      try {
        const obj = await ctx.client.get(node.gvr, { namespace: node.namespace || undefined, name: node.name });
        return obj.metadata.uid === node.uid ? obj : undefined;
      } catch (err) {
        if (isStatusReason(err, 'NotFound')) return undefined;
        throw err;
      }
    }

    async function patchMeta(node: GraphNode, obj: KObject, metadata: Record<string, unknown>): Promise<void> {
      try {
        await ctx.client.patch(node.gvr, { namespace: node.namespace || undefined, name: node.name }, 'merge', {
          metadata: { ...metadata, resourceVersion: obj.metadata.resourceVersion, uid: obj.metadata.uid },
        });
      } catch (err) {
        if (isStatusReason(err, 'NotFound')) return;
        throw err;
      }
    }

    async function removeFinalizer(node: GraphNode, obj: KObject, finalizer: string): Promise<void> {
      const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      await patchMeta(node, obj, { finalizers: rest.length ? rest : null });
    }

    async function deleteObject(node: GraphNode, obj: KObject, policy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
      try {
        await ctx.client.delete(node.gvr, { namespace: node.namespace || undefined, name: node.name }, { propagationPolicy: policy, preconditions: { uid: node.uid } });
        log.debug({ uid: node.uid, name: node.name, resource: qualified(node.gvr), policy }, 'garbage collector deleted an object');
      } catch (err) {
        if (isStatusReason(err, 'NotFound') || isStatusReason(err, 'Conflict')) return;
        throw err;
      }
      void obj;
    }

    async function processDeletingDependents(node: GraphNode, obj: KObject): Promise<void> {
      const blocking = graph.blockingDependents(node.uid);
      if (blocking.length === 0) {
        await removeFinalizer(node, obj, FOREGROUND_FINALIZER);
        return;
      }
      for (const dep of blocking) if (!dep.deletingDependents) ctx.enqueue(`delete:${dep.uid}`);
    }

    async function attemptToDelete(uid: string): Promise<void> {
      const node = graph.nodes.get(uid);
      if (!node) return;
      if (node.beingDeleted && !node.deletingDependents) return;
      const obj = await getLatest(node);
      if (!obj) return;
      if (isDeletingDependents(obj)) return processDeletingDependents(node, obj);
      if (obj.metadata.deletionTimestamp) return;
      const owners = obj.metadata.ownerReferences ?? [];
      if (owners.length === 0) return;
      const states = new Map<string, OwnerState>();
      for (const ref of owners) states.set(ref.uid, await ownerState(ref, node.namespace));
      const solid = owners.filter((r) => states.get(r.uid) === 'solid');
      const dangling = owners.filter((r) => states.get(r.uid) === 'dangling');
      const waiting = owners.filter((r) => states.get(r.uid) === 'waiting');
      if (solid.length > 0) {
        if (dangling.length + waiting.length === 0) return;
        // keep the object (it has a live owner), drop references to owners that are gone or going
        const keep = owners.filter((r) => states.get(r.uid) === 'solid');
        await patchMeta(node, obj, { ownerReferences: keep });
        return;
      }
      if (waiting.length > 0 && graph.dependents(uid).length > 0) {
        // we may be in a cycle with the waiting owner: stop blocking it, then delete in the foreground
        if (waiting.some((r) => r.blockOwnerDeletion)) {
          const unblocked = owners.map((r) => (states.get(r.uid) === 'waiting' ? { ...r, blockOwnerDeletion: false } : r));
          await patchMeta(node, obj, { ownerReferences: unblocked });
        }
        await deleteObject(node, obj, 'Foreground');
        return;
      }
      const finalizers = obj.metadata.finalizers ?? [];
      const policy = finalizers.includes(ORPHAN_FINALIZER) ? 'Orphan' : finalizers.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
      await deleteObject(node, obj, policy);
    }

    async function attemptToOrphan(uid: string): Promise<void> {
      const node = graph.nodes.get(uid);
      if (!node) return;
      const owner = await getLatest(node);
      if (!owner || !isOrphaning(owner)) return;
      for (const dep of graph.dependents(uid)) {
        const obj = await getLatest(dep);
        if (!obj) continue;
        const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (refs.length === (obj.metadata.ownerReferences ?? []).length) continue;
        await patchMeta(dep, obj, { ownerReferences: refs.length ? refs : null });
      }
      await removeFinalizer(node, owner, ORPHAN_FINALIZER);
    }

    return {
      async reconcile(key) {
        const i = key.indexOf(':');
        const kind = key.slice(0, i);
        const uid = key.slice(i + 1);
        if (kind === 'orphan') await attemptToOrphan(uid);
        else await attemptToDelete(uid);
      },
      stop() {
        clearInterval(periodic);
        if (pending) clearTimeout(pending);
        changeListeners.delete(ctx.server);
      },
    };
  },
});
