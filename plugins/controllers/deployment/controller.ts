/**
 * The Deployment controller's logic, independent of how it is hosted: informer handlers (which
 * Deployment to queue for a ReplicaSet or Pod event) and `sync(key)`: claim ReplicaSets, find or
 * create the new ReplicaSet (pod-template-hash, revision annotations, collision count), then
 * pause/scale/Recreate/RollingUpdate as Kubernetes does, clean up old ReplicaSets beyond
 * revisionHistoryLimit, and write status with the Progressing and Available conditions.
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, NAMESPACE_INDEX, type Client, type ClientLogger, type SharedInformer } from '../../../core/client';
import { deepEqual } from '../../resources/shared/object';
import { selectorMatches } from '../../resources/shared/selectors';
import { getCondition, newCondition, setCondition } from '../shared/conditions';
import { adoptPatch, claimDecision, getControllerOf, newControllerRef, objectKey, releasePatch } from '../shared/controller-ref';
import { DEPLOYMENTS, isAlreadyExists, isNotFound, REPLICASETS, writeStatus } from '../shared/pod-control';
import { computePodTemplateHash, POD_TEMPLATE_HASH_LABEL } from '../shared/pod-template-hash';
import { podPhase } from '../shared/pod-status';
import * as u from './util';

type Json = Record<string, any>;

export interface DeploymentControllerDeps {
  client: Client;
  deployments: SharedInformer;
  replicaSets: SharedInformer;
  pods: SharedInformer;
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
  logger?: ClientLogger;
  now?: () => number;
}

const D_KIND = { apiVersion: 'apps/v1', kind: 'Deployment' };

/** What one sync works on: the Deployment as last written, its ReplicaSets as last written. */
interface SyncState {
  d: KObject;
  rsList: KObject[];
}

export class DeploymentController {
  private readonly now: () => number;
  readonly stats = { syncs: 0 };

  constructor(private readonly deps: DeploymentControllerDeps) {
    this.now = deps.now ?? Date.now;
  }

  register(): void {
    const enqueue = (d: KObject) => this.deps.enqueue(objectKey(d));
    this.deps.deployments.addEventHandler({ add: enqueue, update: (_o, d) => enqueue(d), delete: enqueue });
    this.deps.replicaSets.addEventHandler({
      add: (rs) => this.onReplicaSet(rs),
      update: (old, rs) => {
        if (old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
        const oldRef = getControllerOf(old);
        const curRef = getControllerOf(rs);
        if (oldRef && (!curRef || curRef.uid !== oldRef.uid)) this.onReplicaSet(old);
        this.onReplicaSet(rs, !curRef && JSON.stringify(old.metadata.labels) !== JSON.stringify(rs.metadata.labels));
      },
      delete: (rs) => this.onReplicaSet(rs, false),
    });
    this.deps.pods.addEventHandler({
      delete: (pod) => {
        // Recreate waits for old pods to be gone
        const d = this.ownerDeploymentOfPod(pod);
        if (d && !u.isRollingUpdate(d)) this.deps.enqueue(objectKey(d));
      },
    });
  }

  private deploymentFor(obj: KObject): KObject | undefined {
    const ref = getControllerOf(obj);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deps.deployments.get(`${obj.metadata.namespace}/${ref.name}`);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private ownerDeploymentOfPod(pod: KObject): KObject | undefined {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.deps.replicaSets.get(`${pod.metadata.namespace}/${ref.name}`);
    return rs && rs.metadata.uid === ref.uid ? this.deploymentFor(rs) : undefined;
  }

  private onReplicaSet(rs: KObject, orphanCheck = true): void {
    if (getControllerOf(rs)) {
      const d = this.deploymentFor(rs);
      if (d) this.deps.enqueue(objectKey(d));
      return;
    }
    if (!orphanCheck) return;
    for (const d of this.deps.deployments.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '')) {
      if (selectorMatches(u.spec(d).selector, rs.metadata.labels ?? {})) this.deps.enqueue(objectKey(d));
    }
  }

  async sync(key: string): Promise<{ requeueAfterMs?: number }> {
    this.stats.syncs++;
    const cached = this.deps.deployments.get(key);
    if (!cached) return {};
    const s: SyncState = { d: structuredClone(cached), rsList: [] };
    const sel = u.spec(s.d).selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      // an empty selector would select everything: do nothing (as Kubernetes)
      return {};
    }
    s.rsList = await this.claimReplicaSets(s.d);
    if (s.d.metadata.deletionTimestamp) return this.syncStatusOnly(s);
    await this.checkPausedConditions(s);
    if (u.spec(s.d).paused) return this.syncScale(s);
    if (await this.isScalingEvent(s)) return this.syncScale(s);
    return u.isRollingUpdate(s.d) ? this.rolloutRolling(s) : this.rolloutRecreate(s);
  }

  // --- ReplicaSet ownership -------------------------------------------------------------------

  private async claimReplicaSets(d: KObject): Promise<KObject[]> {
    const ns = d.metadata.namespace ?? '';
    const candidates = new Map<string, KObject>();
    for (const rs of this.deps.replicaSets.byIndex(CONTROLLER_UID_INDEX, d.metadata.uid ?? '')) candidates.set(objectKey(rs), rs);
    for (const rs of this.deps.replicaSets.byIndex(NAMESPACE_INDEX, ns)) if (!getControllerOf(rs)) candidates.set(objectKey(rs), rs);
    const matches = (labels: Record<string, string>) => selectorMatches(u.spec(d).selector, labels);
    const claimed: KObject[] = [];
    let canAdopt: boolean | undefined;
    for (const rs of candidates.values()) {
      const decision = claimDecision(d, rs, matches);
      if (decision === 'keep') claimed.push(rs);
      else if (decision === 'adopt') {
        canAdopt ??= await this.recheck(d);
        if (!canAdopt) continue;
        try {
          claimed.push(await this.deps.client.patch(REPLICASETS, { namespace: ns, name: rs.metadata.name ?? '' }, 'strategic', adoptPatch(newControllerRef(d, D_KIND.apiVersion, D_KIND.kind), rs.metadata.uid)));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      } else if (decision === 'release') {
        try {
          await this.deps.client.patch(REPLICASETS, { namespace: ns, name: rs.metadata.name ?? '' }, 'strategic', releasePatch(d.metadata.uid ?? '', rs.metadata.uid));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    return claimed;
  }

  private async recheck(d: KObject): Promise<boolean> {
    try {
      const fresh = await this.deps.client.get(DEPLOYMENTS, { namespace: d.metadata.namespace, name: d.metadata.name ?? '' });
      return fresh.metadata.uid === d.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  // --- writes -----------------------------------------------------------------------------------

  private async writeDeploymentStatus(s: SyncState, status: Json): Promise<void> {
    s.d = await writeStatus(this.deps.client, DEPLOYMENTS, s.d, status);
  }

  /** Keep the Deployment's revision annotation equal to its new ReplicaSet's. */
  private async setDeploymentRevision(s: SyncState, revision: string | undefined): Promise<void> {
    if (revision === undefined || s.d.metadata.annotations?.[u.REVISION_ANNOTATION] === revision) return;
    const patched = await this.deps.client.patch(DEPLOYMENTS, { namespace: s.d.metadata.namespace, name: s.d.metadata.name ?? '' }, 'merge', {
      metadata: { annotations: { [u.REVISION_ANNOTATION]: revision } },
    });
    // keep the status this sync may have changed locally; metadata/spec from the server
    s.d = { ...patched, status: s.d.status };
  }

  private replace(s: SyncState, rs: KObject): KObject {
    s.rsList = s.rsList.map((x) => (x.metadata.uid === rs.metadata.uid ? rs : x));
    if (!s.rsList.some((x) => x.metadata.uid === rs.metadata.uid)) s.rsList.push(rs);
    return rs;
  }

  private async updateReplicaSet(s: SyncState, rs: KObject): Promise<KObject> {
    return this.replace(s, await this.deps.client.update(REPLICASETS, rs));
  }

  /** Set a ReplicaSet's replicas (and desired/max annotations); returns whether it wrote. */
  private async scaleReplicaSet(s: SyncState, rs: KObject, newScale: number): Promise<boolean> {
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

  private async scaleReplicaSetIfNeeded(s: SyncState, rs: KObject, newScale: number): Promise<boolean> {
    if (u.replicas(rs) === newScale) return false;
    return this.scaleReplicaSet(s, rs, newScale);
  }

  // --- new and old ReplicaSets ------------------------------------------------------------------

  private split(s: SyncState): { newRS: KObject | undefined; oldRSs: KObject[] } {
    const newRS = u.findNewReplicaSet(s.d, s.rsList);
    return { newRS, oldRSs: s.rsList.filter((rs) => rs !== newRS) };
  }

  /**
   * The new ReplicaSet with its revision synced (max old revision + 1: a rollback to an old
   * template reuses that ReplicaSet and raises its revision), created when `create` and missing.
   */
  private async getAllAndSyncRevision(s: SyncState, create: boolean): Promise<{ newRS: KObject | undefined; oldRSs: KObject[] }> {
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

  // --- strategies -------------------------------------------------------------------------------

  private async rolloutRolling(s: SyncState): Promise<{ requeueAfterMs?: number }> {
    let { newRS, oldRSs } = await this.getAllAndSyncRevision(s, true);
    const d = s.d;
    // reconcile the new ReplicaSet
    if (newRS) {
      const want = u.replicas(newRS) > u.replicas(d) ? u.replicas(d) : u.newRSNewReplicas(d, [...oldRSs, newRS], newRS);
      if (await this.scaleReplicaSetIfNeeded(s, newRS, want)) return this.syncRolloutStatus(s);
      newRS = this.current(s, newRS);
    }
    // reconcile the old ones
    if (await this.reconcileOldReplicaSets(s, oldRSs, newRS)) return this.syncRolloutStatus(s);
    if (u.deploymentComplete(s.d, u.status(s.d))) await this.cleanup(s, this.split(s).oldRSs);
    return this.syncRolloutStatus(s);
  }

  private current(s: SyncState, rs: KObject): KObject {
    return s.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
  }

  private async reconcileOldReplicaSets(s: SyncState, oldRSsIn: KObject[], newRS: KObject | undefined): Promise<boolean> {
    const d = s.d;
    let oldRSs = oldRSsIn.map((rs) => this.current(s, rs));
    if (u.replicaCount(oldRSs) === 0) return false;
    const allPods = u.replicaCount([...oldRSs, newRS]);
    const minAvailable = u.replicas(d) - u.maxUnavailable(d);
    const newUnavailable = newRS ? u.replicas(newRS) - (u.status(newRS).availableReplicas ?? 0) : 0;
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // first the old replicas that are not available anyway
    let cleaned = 0;
    for (const rs of [...u.filterActive(oldRSs)].sort(u.byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const avail = u.status(rs).availableReplicas ?? 0;
      if (u.replicas(rs) === avail) continue;
      const down = Math.min(maxScaledDown - cleaned, u.replicas(rs) - avail);
      await this.scaleReplicaSetIfNeeded(s, rs, u.replicas(rs) - down);
      cleaned += down;
    }
    oldRSs = oldRSs.map((rs) => this.current(s, rs));
    // then as far as availability allows
    const all = [...oldRSs, newRS ? this.current(s, newRS) : undefined];
    const available = u.availableReplicaCount(all);
    let scaledDown = 0;
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const rs of [...u.filterActive(oldRSs)].sort(u.byCreation)) {
        if (scaledDown >= total) break;
        const down = Math.min(u.replicas(rs), total - scaledDown);
        await this.scaleReplicaSetIfNeeded(s, rs, u.replicas(rs) - down);
        scaledDown += down;
      }
    }
    return cleaned + scaledDown > 0;
  }

  private async rolloutRecreate(s: SyncState): Promise<{ requeueAfterMs?: number }> {
    let { newRS, oldRSs } = await this.getAllAndSyncRevision(s, false);
    let scaledDown = false;
    for (const rs of u.filterActive(oldRSs)) if (await this.scaleReplicaSetIfNeeded(s, rs, 0)) scaledDown = true;
    if (scaledDown) return this.syncRolloutStatus(s);
    if (this.oldPodsRunning(s, newRS, oldRSs)) return this.syncRolloutStatus(s);
    if (!newRS) ({ newRS, oldRSs } = await this.getAllAndSyncRevision(s, true));
    if (newRS) await this.scaleReplicaSetIfNeeded(s, this.current(s, newRS), u.replicas(s.d));
    if (u.deploymentComplete(s.d, u.status(s.d))) await this.cleanup(s, oldRSs);
    return this.syncRolloutStatus(s);
  }

  /** Any pod of an old ReplicaSet still running (or its status still counting replicas)? */
  private oldPodsRunning(s: SyncState, newRS: KObject | undefined, oldRSs: KObject[]): boolean {
    if (u.actualReplicaCount(oldRSs.map((rs) => this.current(s, rs))) > 0) return true;
    for (const rs of oldRSs) {
      if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
      for (const pod of this.deps.pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '')) {
        const phase = podPhase(pod);
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  // --- paused, scaling, deleting ----------------------------------------------------------------

  private async isScalingEvent(s: SyncState): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllAndSyncRevision(s, false);
    for (const rs of u.filterActive([...oldRSs, newRS].map((x) => (x ? this.current(s, x) : x)))) {
      const desired = u.desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== u.replicas(s.d)) return true;
    }
    return false;
  }

  private async syncScale(s: SyncState): Promise<{ requeueAfterMs?: number }> {
    const { newRS, oldRSs } = await this.getAllAndSyncRevision(s, false);
    await this.scale(s, newRS ? this.current(s, newRS) : undefined, oldRSs.map((rs) => this.current(s, rs)));
    if (u.spec(s.d).paused) await this.cleanup(s, this.split(s).oldRSs);
    return this.syncDeploymentStatus(s);
  }

  private async scale(s: SyncState, newRS: KObject | undefined, oldRSs: KObject[]): Promise<void> {
    const d = s.d;
    const only = u.findActiveOrLatest(newRS, oldRSs);
    if (only) {
      await this.scaleReplicaSet(s, only, u.replicas(d));
      return;
    }
    if (u.isSaturated(d, newRS)) {
      for (const rs of u.filterActive(oldRSs)) await this.scaleReplicaSetIfNeeded(s, rs, 0);
      return;
    }
    if (u.isRollingUpdate(d)) {
      const { sizes, order } = u.proportionalSizes(d, u.filterActive([...oldRSs, newRS]));
      for (const rs of order) await this.scaleReplicaSet(s, rs, sizes.get(rs.metadata.name ?? '') ?? u.replicas(rs));
    }
  }

  private async checkPausedConditions(s: SyncState): Promise<void> {
    if (!u.hasProgressDeadline(s.d)) return;
    const cond = getCondition(u.status(s.d).conditions, 'Progressing');
    if (cond?.reason === u.TIMED_OUT_REASON) return;
    const pausedCond = cond?.reason === u.PAUSED_REASON;
    const paused = !!u.spec(s.d).paused;
    let next;
    if (paused && !pausedCond) next = newCondition('Progressing', 'Unknown', u.PAUSED_REASON, 'Deployment is paused', this.now());
    else if (!paused && pausedCond) next = newCondition('Progressing', 'Unknown', u.RESUMED_REASON, 'Deployment is resumed', this.now());
    if (!next) return;
    const st = { ...u.status(s.d) };
    st.conditions = setCondition(st.conditions, next);
    await this.writeDeploymentStatus(s, st);
  }

  private async syncStatusOnly(s: SyncState): Promise<{ requeueAfterMs?: number }> {
    await this.getAllAndSyncRevision(s, false);
    return this.syncDeploymentStatus(s);
  }

  /** Delete the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(s: SyncState, oldRSs: KObject[]): Promise<void> {
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

  // --- status -----------------------------------------------------------------------------------

  private async syncDeploymentStatus(s: SyncState): Promise<{ requeueAfterMs?: number }> {
    const { newRS } = this.split(s);
    const st = u.calculateStatus(s.rsList, newRS, s.d, this.now());
    if (!deepEqual(st, u.status(s.d))) await this.writeDeploymentStatus(s, st);
    return {};
  }

  private async syncRolloutStatus(s: SyncState): Promise<{ requeueAfterMs?: number }> {
    const { newRS } = this.split(s);
    const now = this.now();
    const st = u.rolloutStatus(s.rsList, newRS, s.d, now);
    if (!deepEqual(st, u.status(s.d))) await this.writeDeploymentStatus(s, st);
    const after = u.msUntilProgressCheck(s.d, u.status(s.d), now);
    return after === undefined ? {} : { requeueAfterMs: after };
  }
}
