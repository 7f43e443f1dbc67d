/**
 * The Deployment controller's logic, independent of how it is hosted: informer handlers (which
 * Deployment to queue for a ReplicaSet or Pod event) and `sync(key)`: claim ReplicaSets, then
 * pause/scale (scale.ts), Recreate (recreate.ts) or RollingUpdate (rolling.ts) as Kubernetes
 * does, with status and the Progressing/Available conditions written by status.ts. Finding or
 * creating the new ReplicaSet (pod-template-hash, revision annotations, collision count) and
 * cleaning up old ones beyond revisionHistoryLimit is in rollout-ops.ts.
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, NAMESPACE_INDEX, type Client, type ClientLogger, type SharedInformer } from '../../../core/client';
import { selectorMatches } from '../../resources/shared/selectors';
import { adoptPatch, claimDecision, getControllerOf, newControllerRef, objectKey, releasePatch } from '../shared/controller-ref';
import { DEPLOYMENTS, isNotFound, REPLICASETS } from '../shared/pod-control';
import { RolloutOps, D_KIND, type SyncResult, type SyncState } from './rollout-ops';
import { rolloutRecreate } from './recreate';
import { rolloutRolling } from './rolling';
import { isScalingEvent, syncScale } from './scale';
import { checkPausedConditions, syncStatusOnly } from './status';
import * as u from './util';

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

export class DeploymentController {
  readonly stats = { syncs: 0 };
  private readonly ops: RolloutOps;

  constructor(private readonly deps: DeploymentControllerDeps) {
    this.ops = new RolloutOps({ client: deps.client, replicaSets: deps.replicaSets, pods: deps.pods, now: deps.now ?? Date.now });
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

  async sync(key: string): Promise<SyncResult> {
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
    if (s.d.metadata.deletionTimestamp) return syncStatusOnly(this.ops, s);
    await checkPausedConditions(this.ops, s);
    if (u.spec(s.d).paused) return syncScale(this.ops, s);
    if (await isScalingEvent(this.ops, s)) return syncScale(this.ops, s);
    return u.isRollingUpdate(s.d) ? rolloutRolling(this.ops, s) : rolloutRecreate(this.ops, s);
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
}
