/**
 * The DaemonSet controller's logic (after Kubernetes' daemon_controller.go and update.go, written
 * anew): one pod per eligible node (util.ts decides eligibility), pods pinned to their node by a
 * `matchFields metadata.name In [node]` affinity term (and bound with spec.nodeName while no
 * scheduler exists: option bindDirectly), surplus pods and pods on ineligible or vanished nodes
 * deleted, RollingUpdate (maxUnavailable / maxSurge) or OnDelete between ControllerRevisions
 * (`controller-revision-hash` label), status counts. Expectations guard against double creates.
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, type Client, type ClientLogger, type GVR, type SharedInformer } from '../../../core/client';
import { getControllerOf, newControllerRef, objectKey } from '../shared/controller-ref';
import { ControllerExpectations } from '../shared/expectations';
import { scaledValueFromIntOrPercent } from '../shared/int-or-percent';
import { isNamespaceTerminating, isNotFound, PODS, podFromTemplate, writeStatus } from '../shared/pod-control';
import { creationTime, isPodActive, isPodAvailable, isPodReady, msUntilAvailable, podPhase } from '../shared/pod-status';
import { CONTROLLER_REVISION_HASH_LABEL, ensureRevision, ownedRevisions, truncateHistory } from '../shared/sts-revisions';
import { daemonPodNode, nodeShouldRunDaemonPod, pinToNode, withDaemonTolerations } from './util';

type Json = Record<string, any>;

export const DAEMONSETS: GVR = Object.freeze({ group: 'apps', version: 'v1', resource: 'daemonsets' });
export const NODES: GVR = Object.freeze({ group: '', version: 'v1', resource: 'nodes' });

export interface DaemonSetControllerOptions {
  /** set spec.nodeName on the pods it creates (no scheduler binds them yet); default true */
  bindDirectly: boolean;
  /** most pods created or deleted in one sync */
  burstReplicas: number;
}

export interface DaemonSetControllerDeps {
  client: Client;
  daemonSets: SharedInformer;
  pods: SharedInformer;
  nodes: SharedInformer;
  revisions: SharedInformer;
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
  logger?: ClientLogger;
}

const hashOf = (p: KObject) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
const byAge = (a: KObject, b: KObject) => creationTime(a) - creationTime(b) || String(a.metadata.name).localeCompare(String(b.metadata.name));

export class DaemonSetController {
  readonly expectations = new ControllerExpectations();
  readonly stats = { creates: 0, deletes: 0, syncs: 0 };

  constructor(
    private readonly deps: DaemonSetControllerDeps,
    private readonly opts: DaemonSetControllerOptions = { bindDirectly: true, burstReplicas: 250 },
  ) {}

  register(): void {
    this.deps.daemonSets.addEventHandler({
      add: (ds) => this.deps.enqueue(objectKey(ds)),
      update: (_o, ds) => this.deps.enqueue(objectKey(ds)),
      delete: (ds) => {
        this.expectations.delete(objectKey(ds));
        this.deps.enqueue(objectKey(ds));
      },
    });
    this.deps.pods.addEventHandler({
      add: (p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        if (p.metadata.deletionTimestamp) this.expectations.deletionObserved(key, objectKey(p));
        else this.expectations.creationObserved(key);
        this.deps.enqueue(key);
      },
      update: (_o, p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        if (p.metadata.deletionTimestamp) this.expectations.deletionObserved(key, objectKey(p));
        this.deps.enqueue(key);
      },
      delete: (p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        this.expectations.deletionObserved(key, objectKey(p));
        this.deps.enqueue(key);
      },
    });
    const all = () => {
      for (const ds of this.deps.daemonSets.list()) this.deps.enqueue(objectKey(ds));
    };
    this.deps.nodes.addEventHandler({
      add: all,
      update: (o, n) => {
        if (JSON.stringify([o.metadata.labels, o.spec]) !== JSON.stringify([n.metadata.labels, n.spec])) all();
      },
      delete: all,
    });
  }

  private ownerKey(pod: KObject): string | undefined {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== 'DaemonSet' || !String(ref.apiVersion).startsWith('apps/')) return undefined;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    const ds = this.deps.daemonSets.get(key);
    return ds && ds.metadata.uid === ref.uid ? key : undefined;
  }

  async sync(key: string): Promise<{ requeueAfterMs?: number }> {
    this.stats.syncs++;
    const ds = this.deps.daemonSets.get(key);
    if (!ds) {
      this.expectations.delete(key);
      return {};
    }
    if (ds.metadata.deletionTimestamp) return {};
    const spec: Json = (ds.spec as Json | undefined) ?? {};
    const status: Json = (ds.status as Json | undefined) ?? {};

    const revisions = ownedRevisions(this.deps.revisions, ds);
    const { revision, collisionCount } = await ensureRevision(this.deps.client, ds, 'DaemonSet', revisions, status.collisionCount ?? 0);
    const hash = revision.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? (revision.metadata.name ?? '').slice((ds.metadata.name ?? '').length + 1);

    const nodes = this.deps.nodes.list();
    const nodeNames = new Set(nodes.map((n) => n.metadata.name ?? ''));
    const owned = this.deps.pods.byIndex(CONTROLLER_UID_INDEX, ds.metadata.uid ?? '');
    const byNode = new Map<string, KObject[]>();
    const stray: KObject[] = [];
    for (const p of owned) {
      if (!isPodActive(p) && podPhase(p) !== 'Failed') continue;
      if (p.metadata.deletionTimestamp) continue;
      const n = daemonPodNode(p);
      if (!n || !nodeNames.has(n)) stray.push(p);
      else byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    for (const list of byNode.values()) list.sort(byAge);

    const eligibility = new Map(nodes.map((n) => [n.metadata.name ?? '', nodeShouldRunDaemonPod(spec.template, n)]));
    const mrs: number = spec.minReadySeconds ?? 0;
    const now = Date.now();
    const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const desired = [...eligibility.values()].filter((e) => e.shouldRun).length;
    const maxSurge = rolling ? scaledValueFromIntOrPercent(spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0, desired, true) : 0;
    let maxUnavailable = rolling ? scaledValueFromIntOrPercent(spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true) : 0;
    if (rolling && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;

    let err: unknown;
    if (this.expectations.satisfied(key)) {
      try {
        const { create, remove } = this.plan(byNode, eligibility, stray, hash, maxSurge, maxUnavailable, rolling, mrs, now);
        await this.apply(key, ds, create, remove, hash);
      } catch (e) {
        err = e;
      }
    }

    // status
    let scheduled = 0,
      ready = 0,
      available = 0,
      updated = 0,
      misscheduled = 0,
      wait: number | undefined;
    for (const [name, e] of eligibility) {
      const pods = (byNode.get(name) ?? []).filter(isPodActive);
      if (!pods.length) continue;
      if (!e.shouldRun) {
        misscheduled++;
        continue;
      }
      scheduled++;
      if (pods.some(isPodReady)) ready++;
      if (pods.some((p) => isPodAvailable(p, mrs, now))) available++;
      else
        for (const p of pods) {
          const ms = msUntilAvailable(p, mrs, now);
          if (ms !== undefined && ms > 0 && (wait === undefined || ms < wait)) wait = ms;
        }
      if (pods.some((p) => hashOf(p) === hash)) updated++;
    }
    const st: Json = {
      ...status,
      currentNumberScheduled: scheduled,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      numberAvailable: available,
      numberUnavailable: desired - available,
      updatedNumberScheduled: updated,
      observedGeneration: ds.metadata.generation ?? 0,
    };
    if (collisionCount) st.collisionCount = collisionCount;
    if (!st.numberAvailable) delete st.numberAvailable;
    if (!st.numberUnavailable) delete st.numberUnavailable;
    if (!st.updatedNumberScheduled) delete st.updatedNumberScheduled;
    if (JSON.stringify(sortKeys(st)) !== JSON.stringify(sortKeys(status))) await writeStatus(this.deps.client, DAEMONSETS, ds, st);

    const live = new Set<string>([revision.metadata.name ?? '']);
    const hashes = new Set(owned.map(hashOf));
    for (const r of revisions) if (hashes.has(r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL])) live.add(r.metadata.name ?? '');
    await truncateHistory(this.deps.client, ownedRevisions(this.deps.revisions, ds), live, spec.revisionHistoryLimit ?? 10).catch(() => undefined);
    if (err) throw err;
    return wait !== undefined ? { requeueAfterMs: wait + 10 } : {};
  }

  /**
   * What to create (node names) and delete: the manage step (missing pods, ineligible nodes,
   * duplicates, failed pods, stray pods) and, when it has nothing to do on a node, the rolling
   * update step for that node.
   */
  private plan(
    byNode: Map<string, KObject[]>,
    eligibility: Map<string, { shouldRun: boolean; shouldContinueRunning: boolean }>,
    stray: KObject[],
    hash: string,
    maxSurge: number,
    maxUnavailable: number,
    rolling: boolean,
    mrs: number,
    now: number,
  ): { create: string[]; remove: KObject[] } {
    const create: string[] = [];
    const remove: KObject[] = [...stray];
    const settled: Array<{ node: string; pods: KObject[] }> = [];
    for (const [node, e] of eligibility) {
      const all = byNode.get(node) ?? [];
      const failed = all.filter((p) => podPhase(p) === 'Failed');
      remove.push(...failed);
      const pods = all.filter((p) => podPhase(p) !== 'Failed');
      if (!e.shouldContinueRunning || (!e.shouldRun && !pods.length)) {
        remove.push(...pods);
        continue;
      }
      if (!pods.length) {
        if (e.shouldRun) create.push(node);
        continue;
      }
      // duplicates: with surge an old and a new pod may share the node, else only the oldest stays
      const fresh = pods.filter((p) => hashOf(p) === hash);
      const old = pods.filter((p) => hashOf(p) !== hash);
      let keep: KObject[];
      if (maxSurge > 0 && fresh.length) keep = fresh.some((p) => isPodAvailable(p, mrs, now)) ? [fresh[0]] : [fresh[0], ...old.slice(0, 1)];
      else keep = pods.slice(0, 1);
      remove.push(...pods.filter((p) => !keep.includes(p)));
      if (e.shouldRun) settled.push({ node, pods: keep });
    }
    if (!rolling) return { create, remove };

    // rolling update over the nodes that keep their pods
    let unavailable = create.length;
    const candidates: KObject[] = [];
    if (maxSurge === 0) {
      for (const { pods } of settled) {
        const p = pods[0];
        if (hashOf(p) === hash) {
          if (!isPodAvailable(p, mrs, now)) unavailable++;
        } else if (!isPodAvailable(p, mrs, now)) {
          remove.push(p); // already unavailable: replacing it costs nothing
          unavailable++;
        } else candidates.push(p);
      }
      remove.push(...candidates.slice(0, Math.max(0, maxUnavailable - unavailable)));
    } else {
      let surging = 0;
      for (const { pods } of settled) if (pods.length > 1) surging++;
      for (const { node, pods } of settled) {
        if (pods.length > 1 || hashOf(pods[0]) === hash) continue;
        const p = pods[0];
        if (!isPodAvailable(p, mrs, now)) remove.push(p);
        else if (surging < maxSurge) {
          create.push(node);
          surging++;
        }
      }
    }
    return { create, remove };
  }

  private async apply(key: string, ds: KObject, create: string[], remove: KObject[], hash: string): Promise<void> {
    create = create.slice(0, this.opts.burstReplicas);
    remove = [...new Map(remove.map((p) => [objectKey(p), p])).values()].slice(0, this.opts.burstReplicas);
    if (!create.length && !remove.length) return;
    this.expectations.expect(key, create.length, remove.map(objectKey));
    const ns = ds.metadata.namespace ?? '';
    const spec: Json = (ds.spec as Json | undefined) ?? {};
    const ref = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    const results = await Promise.allSettled([
      ...create.map(async (node) => {
        const body = podFromTemplate(spec.template, ns, ds.metadata.name ?? '', ref);
        body.metadata.labels = { ...(body.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
        const podSpec = body.spec as Json;
        podSpec.tolerations = withDaemonTolerations(podSpec);
        pinToNode(podSpec, node);
        if (this.opts.bindDirectly) podSpec.nodeName = node;
        try {
          await this.deps.client.create(PODS, body);
          this.stats.creates++;
        } catch (err) {
          this.expectations.creationObserved(key);
          if (!isNamespaceTerminating(err)) throw err;
        }
      }),
      ...remove.map(async (p) => {
        try {
          await this.deps.client.delete(PODS, { namespace: ns, name: p.metadata.name ?? '' }, { preconditions: { uid: p.metadata.uid } });
          this.stats.deletes++;
        } catch (err) {
          this.expectations.deletionObserved(key, objectKey(p));
          if (!isNotFound(err) && (err as { code?: number }).code !== 409) throw err;
        }
      }),
    ]);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }
}

function sortKeys(o: Json): Json {
  const out: Json = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
