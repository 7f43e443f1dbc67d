/**
 * The ReplicaSet controller's logic, independent of how it is hosted: event handlers for the
 * ReplicaSet and Pod informers (expectation bookkeeping, which keys to queue) and `sync(key)`:
 * claim pods (adopt matching orphans, release owned pods that stopped matching), create or delete
 * pods to reach spec.replicas — creates in slow-start batches of at most `burstReplicas`, guarded
 * by expectations so a lagging cache never leads to double creates or deletes — and write status.
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, NAMESPACE_INDEX, type Client, type ClientLogger, type SharedInformer } from '../../../core/client';
import { selectorMatches } from '../../resources/shared/selectors';
import { adoptPatch, claimDecision, getControllerOf, newControllerRef, objectKey, releasePatch } from '../shared/controller-ref';
import { ControllerExpectations } from '../shared/expectations';
import { getCondition, newCondition, removeCondition, setCondition, type Condition } from '../shared/conditions';
import { isNamespaceTerminating, isNotFound, PODS, podFromTemplate, REPLICASETS, writeStatus } from '../shared/pod-control';
import { podsToDelete } from '../shared/pod-deletion-ranking';
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from '../shared/pod-status';
import { slowStartBatch } from '../shared/slow-start';

type Json = Record<string, any>;

export interface ReplicaSetControllerOptions {
  /** most pods created or deleted in one sync (Kubernetes: 500) */
  burstReplicas: number;
  /** first slow-start batch size (Kubernetes: 1) */
  slowStartInitialBatchSize: number;
}

export const DEFAULT_RS_OPTIONS: ReplicaSetControllerOptions = { burstReplicas: 500, slowStartInitialBatchSize: 1 };

export interface ReplicaSetControllerDeps {
  client: Client;
  replicaSets: SharedInformer;
  pods: SharedInformer;
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
  logger?: ClientLogger;
  now?: () => number;
}

const RS_KIND = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };

export class ReplicaSetController {
  readonly expectations = new ControllerExpectations();
  private readonly now: () => number;
  /** pods created / deleted by this controller (for benchmarks and tests) */
  readonly stats = { creates: 0, deletes: 0, syncs: 0 };

  constructor(
    private readonly deps: ReplicaSetControllerDeps,
    private readonly opts: ReplicaSetControllerOptions = DEFAULT_RS_OPTIONS,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Wire the informer handlers. */
  register(): void {
    this.deps.replicaSets.addEventHandler({
      add: (rs) => this.deps.enqueue(objectKey(rs)),
      update: (_old, rs) => this.deps.enqueue(objectKey(rs)),
      delete: (rs) => {
        this.expectations.delete(objectKey(rs));
        this.deps.enqueue(objectKey(rs));
      },
    });
    this.deps.pods.addEventHandler({
      add: (pod) => this.onPodAdd(pod),
      update: (old, cur) => this.onPodUpdate(old, cur),
      delete: (pod) => this.onPodDelete(pod),
    });
  }

  /** The ReplicaSet key for a pod's controller reference, when it is one of ours in the cache. */
  private ownerKey(pod: KObject): string | undefined {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet' || !String(ref.apiVersion).startsWith('apps/')) return undefined;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    const rs = this.deps.replicaSets.get(key);
    return rs && rs.metadata.uid === ref.uid ? key : undefined;
  }

  /** ReplicaSets of the pod's namespace whose selector matches it (for orphans). */
  private matchingReplicaSets(pod: KObject): KObject[] {
    return this.deps.replicaSets
      .byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')
      .filter((rs) => selectorMatches((rs.spec as Json | undefined)?.selector, pod.metadata.labels ?? {}));
  }

  private onPodAdd(pod: KObject): void {
    if (pod.metadata.deletionTimestamp) return this.onPodDelete(pod);
    const ref = getControllerOf(pod);
    if (ref) {
      const key = this.ownerKey(pod);
      if (!key) return;
      this.expectations.creationObserved(key);
      this.deps.enqueue(key);
      return;
    }
    for (const rs of this.matchingReplicaSets(pod)) this.deps.enqueue(objectKey(rs));
  }

  private onPodUpdate(old: KObject, cur: KObject): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      this.onPodDelete(cur);
      if (labelsChanged) this.onPodDelete(old);
      return;
    }
    const oldRef = getControllerOf(old);
    const curRef = getControllerOf(cur);
    if (oldRef && (!curRef || oldRef.uid !== curRef.uid)) {
      const key = this.ownerKey(old);
      if (key) this.deps.enqueue(key);
    }
    if (curRef) {
      const key = this.ownerKey(cur);
      if (!key) return;
      this.deps.enqueue(key);
      const rs = this.deps.replicaSets.get(key);
      const mrs = ((rs?.spec as Json | undefined)?.minReadySeconds as number | undefined) ?? 0;
      if (mrs > 0 && !isPodReady(old) && isPodReady(cur)) this.deps.enqueueAfter(key, mrs * 1000 + 10);
      return;
    }
    if (labelsChanged || oldRef) for (const rs of this.matchingReplicaSets(cur)) this.deps.enqueue(objectKey(rs));
  }

  private onPodDelete(pod: KObject): void {
    const key = this.ownerKey(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, objectKey(pod));
    this.deps.enqueue(key);
  }

  /** Reconcile one ReplicaSet; resolves with a delay when it wants to be looked at again. */
  async sync(key: string): Promise<{ requeueAfterMs?: number }> {
    this.stats.syncs++;
    const rs = this.deps.replicaSets.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return {};
    }
    const spec: Json = (rs.spec as Json | undefined) ?? {};
    const selector = spec.selector;
    const needsSync = this.expectations.satisfied(key) && !rs.metadata.deletionTimestamp;
    const pods = await this.claimPods(rs, selector);

    let manageError: unknown;
    if (needsSync) {
      try {
        await this.manageReplicas(key, rs, pods);
      } catch (err) {
        manageError = err;
      }
    }
    const now = this.now();
    const st = this.calculateStatus(rs, pods, manageError, now);
    if (!statusEqual((rs.status as Json | undefined) ?? {}, st)) await writeStatus(this.deps.client, REPLICASETS, rs, st);
    if (manageError) throw manageError;
    // pods ready but not yet available for minReadySeconds: look again when the first one is
    const mrs: number = spec.minReadySeconds ?? 0;
    if (mrs > 0) {
      let wait: number | undefined;
      for (const p of pods) {
        const ms = msUntilAvailable(p, mrs, now);
        if (ms !== undefined && ms > 0 && (wait === undefined || ms < wait)) wait = ms;
      }
      if (wait !== undefined) return { requeueAfterMs: wait + 10 };
    }
    return {};
  }

  /**
   * Active pods this ReplicaSet owns after adopting matching orphans and releasing owned pods that
   * no longer match (ControllerRefManager). Adoption first re-reads the ReplicaSet from the server
   * so a deleted-and-recreated ReplicaSet of the same name never adopts.
   */
  private async claimPods(rs: KObject, selector: unknown): Promise<KObject[]> {
    const namespace = rs.metadata.namespace ?? '';
    const uid = rs.metadata.uid ?? '';
    const candidates = new Map<string, KObject>();
    for (const p of this.deps.pods.byIndex(CONTROLLER_UID_INDEX, uid)) candidates.set(objectKey(p), p);
    for (const p of this.deps.pods.byIndex(NAMESPACE_INDEX, namespace)) if (!getControllerOf(p)) candidates.set(objectKey(p), p);
    const matches = (labels: Record<string, string>) => selectorMatches(selector, labels);
    const claimed: KObject[] = [];
    let canAdopt: boolean | undefined;
    const ref = newControllerRef(rs, RS_KIND.apiVersion, RS_KIND.kind);
    const writes: Promise<void>[] = [];
    for (const pod of candidates.values()) {
      if (!isPodActive(pod)) {
        // terminal or terminating pods still count as owned for release purposes, not for replicas
        continue;
      }
      const decision = claimDecision(rs, pod, matches);
      if (decision === 'keep') claimed.push(pod);
      else if (decision === 'adopt') {
        if (canAdopt === undefined) canAdopt = await this.recheck(rs);
        if (!canAdopt) continue;
        writes.push(
          this.deps.client
            .patch(PODS, { namespace, name: pod.metadata.name ?? '' }, 'strategic', adoptPatch(ref, pod.metadata.uid))
            .then((p) => void claimed.push(p))
            .catch((err) => {
              if (!isNotFound(err)) this.deps.logger?.warn({ err, pod: objectKey(pod) }, 'adopting pod failed');
            }),
        );
      } else if (decision === 'release') {
        writes.push(
          this.deps.client
            .patch(PODS, { namespace, name: pod.metadata.name ?? '' }, 'strategic', releasePatch(uid, pod.metadata.uid))
            .then(() => undefined)
            .catch((err) => {
              if (!isNotFound(err)) this.deps.logger?.warn({ err, pod: objectKey(pod) }, 'releasing pod failed');
            }),
        );
      }
    }
    await Promise.all(writes);
    return claimed;
  }

  private async recheck(rs: KObject): Promise<boolean> {
    try {
      const fresh = await this.deps.client.get(REPLICASETS, { namespace: rs.metadata.namespace, name: rs.metadata.name ?? '' });
      return fresh.metadata.uid === rs.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async manageReplicas(key: string, rs: KObject, pods: KObject[]): Promise<void> {
    const spec: Json = (rs.spec as Json | undefined) ?? {};
    const want: number = spec.replicas ?? 1;
    const diff = pods.length - want;
    const namespace = rs.metadata.namespace ?? '';
    if (diff < 0) {
      const n = Math.min(-diff, this.opts.burstReplicas);
      this.expectations.expectCreations(key, n);
      const ref = newControllerRef(rs, RS_KIND.apiVersion, RS_KIND.kind);
      const body = podFromTemplate(spec.template, namespace, rs.metadata.name ?? '', ref);
      let nsGone = false;
      const { successes, error } = await slowStartBatch(n, this.opts.slowStartInitialBatchSize, async () => {
        try {
          // the client serialises the body per request and never changes it: one body for every create
          await this.deps.client.create(PODS, body);
          this.stats.creates++;
        } catch (err) {
          // a create that failed will never be observed
          this.expectations.creationObserved(key);
          if (isNamespaceTerminating(err)) {
            nsGone = true;
            return;
          }
          throw err;
        }
      });
      // creations never attempted (a batch failed) will not be observed either
      const attempted = this.attemptedCount(n, this.opts.slowStartInitialBatchSize, error !== undefined, successes);
      if (n - attempted > 0) this.expectations.lower(key, n - attempted);
      if (error !== undefined && !nsGone) throw error;
    } else if (diff > 0) {
      const n = Math.min(diff, this.opts.burstReplicas);
      const related = this.relatedPods(rs);
      const victims = podsToDelete(pods, n, related, this.now());
      this.expectations.expectDeletions(
        key,
        victims.map((p) => objectKey(p)),
      );
      const results = await Promise.allSettled(
        victims.map(async (p) => {
          try {
            await this.deps.client.delete(PODS, { namespace, name: p.metadata.name ?? '' }, { preconditions: { uid: p.metadata.uid } });
            this.stats.deletes++;
          } catch (err) {
            this.expectations.deletionObserved(key, objectKey(p));
            if (!isNotFound(err) && (err as { code?: number }).code !== 409) throw err;
          }
        }),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    }
  }

  /** How many creates slowStartBatch started: batches 1,2,4.. until the failing one (inclusive). */
  private attemptedCount(n: number, initial: number, failed: boolean, successes: number): number {
    if (!failed) return n;
    let attempted = 0;
    for (let batch = Math.min(n, initial); batch > 0; batch = Math.min(2 * batch, n - attempted)) {
      attempted += batch;
      if (attempted > successes) return attempted;
    }
    return attempted;
  }

  /** Pods of every ReplicaSet controlled by the same owner (a Deployment), for node ranks. */
  private relatedPods(rs: KObject): KObject[] {
    const owner = getControllerOf(rs);
    if (!owner) return this.deps.pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '').filter(isPodActive);
    const siblings = this.deps.replicaSets.byIndex(CONTROLLER_UID_INDEX, owner.uid);
    return siblings.flatMap((s) => this.deps.pods.byIndex(CONTROLLER_UID_INDEX, s.metadata.uid ?? '')).filter(isPodActive);
  }

  calculateStatus(rs: KObject, pods: readonly KObject[], manageError: unknown, now: number): Json {
    const spec: Json = (rs.spec as Json | undefined) ?? {};
    const templateLabels: Record<string, string> = spec.template?.metadata?.labels ?? {};
    const mrs: number = spec.minReadySeconds ?? 0;
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const p of pods) {
      const labels = p.metadata.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, mrs, now)) available++;
      }
    }
    const old: Json = (rs.status as Json | undefined) ?? {};
    let conditions: Condition[] = [...(old.conditions ?? [])];
    const want: number = spec.replicas ?? 1;
    if (manageError && !getCondition(conditions, 'ReplicaFailure')) {
      const reason = pods.length - want < 0 ? 'FailedCreate' : 'FailedDelete';
      conditions = setCondition(conditions, newCondition('ReplicaFailure', 'True', reason, String((manageError as Error)?.message ?? manageError), now, false));
    } else if (!manageError && getCondition(conditions, 'ReplicaFailure')) {
      conditions = removeCondition(conditions, 'ReplicaFailure');
    }
    const st: Json = {
      replicas: pods.length,
      fullyLabeledReplicas: fullyLabeled,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation ?? 0,
    };
    if (conditions.length) st.conditions = conditions;
    return st;
  }
}

function statusEqual(a: Json, b: Json): boolean {
  for (const k of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return JSON.stringify(a.conditions ?? []) === JSON.stringify(b.conditions ?? []);
}
