/**
 * DELETE and deletecollection of the generic store: preconditions, graceful deletion, finalizers
 * (an object with finalizers gets deletionTimestamp and stays until the last one is removed), and
 * the garbage collector's `orphan` / `foregroundDeletion` finalizers for propagationPolicy.
 */
import { rfc3339 } from '../api/meta';
import type { DeleteOptions } from '../api/options';
import { isStorageError } from '../storage/types';
import { cloneObject } from './codec';
import { getApiHooks } from './registry';
import { conflictError, type ListRequest, type Store } from './store';
import { admissionAttributes, type WriteContext } from './store-write';
import type { KObject } from './types';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

const gcHosts = new WeakSet<object>();

/**
 * Called by the garbage collector plugin in apply(): from then on propagationPolicy Orphan and
 * Foreground record the `orphan` / `foregroundDeletion` finalizer for it to process, as
 * kube-apiserver does. Without a garbage collector nobody would ever remove them, so the store
 * deletes at once (as Background) instead of leaving the object terminating forever.
 */
export function enableGarbageCollectorFinalizers(host: object): void {
  gcHosts.add(host);
}

export function garbageCollectorFinalizersEnabled(host: object): boolean {
  return gcHosts.has(host);
}

const MAX_DELETE_ATTEMPTS = 16;

export interface DeleteResult {
  obj: KObject;
  /** false when the object stays (finalizers or a grace period) */
  deleted: boolean;
}

function checkPreconditions(store: Store, obj: KObject, opts: DeleteOptions): void {
  const p = opts.preconditions;
  if (!p) return;
  const meta = obj.metadata;
  if (p.uid !== undefined && p.uid !== meta.uid) {
    throw conflictError(store.resource, meta.name ?? '', `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${meta.uid ?? ''}`);
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== meta.resourceVersion) {
    throw conflictError(
      store.resource,
      meta.name ?? '',
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
    );
  }
}

/** The finalizers after applying the propagation policy (explicit policies only). */
function propagate(finalizers: readonly string[], policy: DeleteOptions['propagationPolicy']): string[] {
  const out = finalizers.filter((f) => !policy || (f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER));
  if (policy === 'Orphan') out.push(ORPHAN_FINALIZER);
  if (policy === 'Foreground') out.push(FOREGROUND_FINALIZER);
  return out;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Delete one object (or mark it for deletion). 404 when absent, 409 on a failed precondition. */
export async function deleteObject(store: Store, wc: WriteContext, namespace: string, name: string, opts: DeleteOptions): Promise<DeleteResult> {
  const hooks = store.resource.hooks;
  for (let attempt = 1; ; attempt++) {
    const cur = await store.getForUpdate(namespace, name);
    if (!cur) throw store.notFound(name);
    const old = cur.obj;
    checkPreconditions(store, old, opts);
    // as kube-apiserver: mutating admission sees the DELETE first, then validating with the old object
    const api = getApiHooks(store.host);
    await api.mutatingAdmission.promise(admissionAttributes(store, wc, 'DELETE', undefined, old));
    await api.validatingAdmission.promise(admissionAttributes(store, wc, 'DELETE', undefined, old));
    const oldMeta = old.metadata;
    const grace = hooks.gracefulDelete.call(old, { gracePeriodSeconds: opts.gracePeriodSeconds, ctx: wc.ctx });
    const before = Array.isArray(oldMeta.finalizers) ? oldMeta.finalizers : [];
    const finalizers = gcHosts.has(store.host) ? propagate(before, opts.propagationPolicy) : before;
    let obj: KObject | undefined;
    if (oldMeta.deletionTimestamp) {
      // already being deleted: the policy may change the GC finalizers, a shorter grace period applies
      const oldGrace = oldMeta.deletionGracePeriodSeconds ?? 0;
      const newGrace = grace === undefined ? oldGrace : Math.min(grace, oldGrace);
      if (finalizers.length === 0 && newGrace === 0) obj = undefined;
      else if (!sameList(before, finalizers) || newGrace !== oldGrace) {
        obj = cloneObject(old);
        obj.metadata.finalizers = finalizers;
        obj.metadata.deletionGracePeriodSeconds = newGrace;
        if (newGrace !== oldGrace) obj.metadata.deletionTimestamp = rfc3339(new Date(Date.now() + newGrace * 1000));
      } else {
        return { obj: old, deleted: false };
      }
    } else if (finalizers.length > 0 || (grace !== undefined && grace > 0)) {
      obj = cloneObject(old);
      const g = grace ?? 0;
      obj.metadata.deletionTimestamp = rfc3339(new Date(Date.now() + g * 1000));
      obj.metadata.deletionGracePeriodSeconds = g;
      if (finalizers.length > 0) obj.metadata.finalizers = finalizers;
      else delete obj.metadata.finalizers;
      if (finalizers.length > 0 && store.definition.generation !== 'none') obj.metadata.generation = (oldMeta.generation ?? 0) + 1;
    }
    if (wc.dryRun) return obj ? { obj, deleted: false } : { obj: old, deleted: true };
    try {
      if (obj) {
        const kv = await store.storage.update(cur.kv.key, store.codec.encode(obj), cur.kv.modRevision);
        obj.metadata.resourceVersion = String(kv.modRevision);
        hooks.afterWrite.call(obj, 'UPDATE');
        return { obj, deleted: false };
      }
      const kv = await store.storage.delete(cur.kv.key, cur.kv.modRevision);
      old.metadata.resourceVersion = String(kv.modRevision);
    } catch (err) {
      if ((isStorageError(err, 'Conflict') || isStorageError(err, 'NotFound')) && attempt < MAX_DELETE_ATTEMPTS) continue;
      throw store.mapError(err, name);
    }
    hooks.afterWrite.call(old, 'DELETE');
    return { obj: old, deleted: true };
  }
}

/** deletecollection: delete every object the selectors match; returns them (deleted or marked). */
export async function deleteCollection(store: Store, wc: WriteContext, list: ListRequest, opts: DeleteOptions): Promise<{ items: KObject[]; revision: number }> {
  const listed = await store.list({ ...list, limit: 0, continue: undefined });
  const items: KObject[] = [];
  for (const entry of listed.items) {
    const meta = entry.obj.metadata;
    try {
      const r = await deleteObject(store, wc, meta.namespace ?? '', meta.name ?? '', opts);
      items.push(r.obj);
    } catch (err) {
      if ((err as { reason?: string }).reason === 'NotFound' || isStorageError(err, 'NotFound')) continue;
      throw err;
    }
  }
  const revision = wc.dryRun ? listed.revision : Math.max(listed.revision, ...items.map((o) => Number(o.metadata.resourceVersion) || 0));
  return { items, revision };
}
