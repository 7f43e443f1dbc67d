/**
 * The ReplicaSet side of one Deployment sync, shared by the strategies (rolling.ts, recreate.ts),
 * scaling (scale.ts) and status (status.ts): the SyncState a sync works on, writes that keep it
 * current (Deployment status and revision, ReplicaSet updates and scaling), finding the new and
 * old ReplicaSets, creating the new one (pod-template-hash, revision annotations, collision
 * count), and cleaning up old ones beyond revisionHistoryLimit.
 */
import type { KObject } from '../../../core/registry/types';
import type { Client, SharedInformer } from '../../../core/client';
import { getCondition, newCondition, setCondition } from '../shared/conditions';
import { getControllerOf, newControllerRef, objectKey } from '../shared/controller-ref';
import { DEPLOYMENTS, isAlreadyExists, isNotFound, REPLICASETS, writeStatus } from '../shared/pod-control';
import { computePodTemplateHash, POD_TEMPLATE_HASH_LABEL } from '../shared/pod-template-hash';
import * as u from './util';

type Json = Record<string, any>;

export const D_KIND = { apiVersion: 'apps/v1', kind: 'Deployment' };

/** What one sync works on: the Deployment as last written, its ReplicaSets as last written. */
export interface SyncState {
  d: KObject;
  rsList: KObject[];
}

export type SyncResult = { requeueAfterMs?: number };

export interface RolloutOpsDeps {
  client: Client;
  replicaSets: SharedInformer;
  pods: SharedInformer;
  now: () => number;
}

export class RolloutOps {
  constructor(readonly deps: RolloutOpsDeps) {}

  now(): number {
    return this.deps.now();
  }

  // --- writes -----------------------------------------------------------------------------------

  async writeDeploymentStatus(s: SyncState, status: Json): Promise<void> {
    s.d = await writeStatus(this.deps.client, DEPLOYMENTS, s.d, status);
  }

  /** Keep the Deployment's revision annotation equal to its new ReplicaSet's. */
  async setDeploymentRevision(s: SyncState, revision: string | undefined): Promise<void> {
    if (revision === undefined || s.d.metadata.annotations?.[u.REVISION_ANNOTATION] === revision) return;
    const patched = await this.deps.client.patch(DEPLOYMENTS, { namespace: s.d.metadata.namespace, name: s.d.metadata.name ?? '' }, 'merge', {
      metadata: { annotations: { [u.REVISION_ANNOTATION]: revision } },
    });
    // keep the status this sync may have changed locally; metadata/spec from the server
    s.d = { ...patched, status: s.d.status };
  }

  replace(s: SyncState, rs: KObject): KObject {
    s.rsList = s.rsList.map((x) => (x.metadata.uid === rs.metadata.uid ? rs : x));
    if (!s.rsList.some((x) => x.metadata.uid === rs.metadata.uid)) s.rsList.push(rs);
    return rs;
  }

  async updateReplicaSet(s: SyncState, rs: KObject): Promise<KObject> {
    return this.replace(s, await this.deps.client.update(REPLICASETS, rs));
  }

  /** Set a ReplicaSet's replicas (and desired/max annotations); returns whether it wrote. */
  async scaleReplicaSet(s: SyncState, rs: KObject, newScale: number): Promise<boolean> {
    const d = s.d;
    const sizeNeeds = u.replicas(rs) !== newScale;
    const annNeeds = u.replicasAnnotationsNeedUpdate(rs, u.replicas(d), u.replicas(d) + u.maxSurge(d));
    if (!sizeNeeds && !annNeeds) return false;
    const copy = structuredClone(rs);
    (copy.spec as Json).replicas = newScale;
    u.setReplicasAnnotations(copy, u.replicas(d), u.replicas(d) + u.maxSurge(d));
    await this.updateReplicaSet(s, copy);
    return sizeNeeds;
  }

  async scaleReplicaSetIfNeeded(s: SyncState, rs: KObject, newScale: number): Promise<boolean> {
    if (u.replicas(rs) === newScale) return false;
    return this.scaleReplicaSet(s, rs, newScale);
  }

  // --- new and old ReplicaSets ------------------------------------------------------------------

  split(s: SyncState): { newRS: KObject | undefined; oldRSs: KObject[] } {
    const newRS = u.findNewReplicaSet(s.d, s.rsList);
    return { newRS, oldRSs: s.rsList.filter((rs) => rs !== newRS) };
  }

  /** The ReplicaSet as last written in this sync. */
  current(s: SyncState, rs: KObject): KObject {
    return s.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
  }

  /**
   * The new ReplicaSet with its revision synced (max old revision + 1: a rollback to an old
   * template reuses that ReplicaSet and raises its revision), created when `create` and missing.
   */
  async getAllAndSyncRevision(s: SyncState, create: boolean): Promise<{ newRS: KObject | undefined; oldRSs: KObject[] }> {
    const { newRS: existing, oldRSs } = this.split(s);
    const newRevision = u.maxRevision(oldRSs) + 1;
    const d = s.d;
    if (existing) {
      const copy = structuredClone(existing);
      const annChanged = u.setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const mrs = u.minReadySeconds(d);
      const mrsChanged = (u.spec(copy).minReadySeconds ?? 0) !== mrs;
      if (annChanged || mrsChanged) {
        (copy.spec as Json).minReadySeconds = mrs;
        const updated = await this.updateReplicaSet(s, copy);
        return { newRS: updated, oldRSs };
      }
      await this.setDeploymentRevision(s, copy.metadata.annotations?.[u.REVISION_ANNOTATION]);
      if (u.hasProgressDeadline(s.d) && !getCondition(u.status(s.d).conditions, 'Progressing')) {
        const st = { ...u.status(s.d) };
        st.conditions = setCondition(st.conditions, newCondition('Progressing', 'True', u.FOUND_NEW_RS_REASON, `Found new replica set "${copy.metadata.name}"`, this.now()));
        await this.writeDeploymentStatus(s, st);
      }
      return { newRS: existing, oldRSs };
    }
    if (!create) return { newRS: undefined, oldRSs };
    return this.createNewReplicaSet(s, oldRSs, newRevision);
  }

  private async createNewReplicaSet(s: SyncState, oldRSs: KObject[], newRevision: number): Promise<{ newRS: KObject | undefined; oldRSs: KObject[] }> {
    const d = s.d;
    const collisionCount = u.status(d).collisionCount;
    const hash = computePodTemplateHash(u.spec(d).template, collisionCount);
    const template = structuredClone(u.spec(d).template ?? {});
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const selector = structuredClone(u.spec(d).selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const newRS: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        ownerReferences: [newControllerRef(d, D_KIND.apiVersion, D_KIND.kind)],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: u.minReadySeconds(d), selector, template },
    };
    (newRS.spec as Json).replicas = u.newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    u.setNewReplicaSetAnnotations(d, newRS, newRevision, false);
    let created: KObject;
    try {
      created = await this.deps.client.create(REPLICASETS, newRS);
    } catch (err) {
      if (isAlreadyExists(err)) {
        const other = this.deps.replicaSets.get(objectKey(newRS)) ?? (await this.deps.client.get(REPLICASETS, { namespace: d.metadata.namespace, name: newRS.metadata.name ?? '' }));
        if (getControllerOf(other)?.uid === d.metadata.uid && u.equalIgnoreHash(u.spec(other).template, u.spec(d).template)) {
          // our own, not yet in the cache
          return { newRS: this.replace(s, other), oldRSs };
        }
        // a hash collision: bump collisionCount so the next sync picks another name
        const st = { ...u.status(s.d), collisionCount: (collisionCount ?? 0) + 1 };
        await this.writeDeploymentStatus(s, st);
        throw err;
      }
      if (u.hasProgressDeadline(d)) {
        const st = { ...u.status(s.d) };
        st.conditions = setCondition(st.conditions, newCondition('Progressing', 'False', u.FAILED_RS_CREATE_REASON, `Failed to create new replica set "${newRS.metadata.name}": ${(err as Error).message}`, this.now()));
        await this.writeDeploymentStatus(s, st).catch(() => undefined);
      }
      throw err;
    }
    this.replace(s, created);
    await this.setDeploymentRevision(s, String(newRevision));
    if (u.hasProgressDeadline(s.d)) {
      const st = { ...u.status(s.d) };
      st.conditions = setCondition(st.conditions, newCondition('Progressing', 'True', u.NEW_RS_REASON, `Created new replica set "${created.metadata.name}"`, this.now()));
      await this.writeDeploymentStatus(s, st);
    }
    return { newRS: created, oldRSs };
  }

  /** Delete the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  async cleanup(s: SyncState, oldRSs: KObject[]): Promise<void> {
    const limit = u.spec(s.d).revisionHistoryLimit;
    if (typeof limit !== 'number') return;
    const alive = oldRSs.map((rs) => this.current(s, rs)).filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    alive.sort((a, b) => u.revisionOf(a) - u.revisionOf(b) || u.byCreation(a, b));
    for (let i = 0; i < diff; i++) {
      const rs = alive[i];
      const st = u.status(rs);
      if ((st.replicas ?? 0) !== 0 || u.replicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (st.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
      try {
        await this.deps.client.delete(REPLICASETS, { namespace: rs.metadata.namespace, name: rs.metadata.name ?? '' }, { preconditions: { uid: rs.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
