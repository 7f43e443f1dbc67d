/**
 * The StatefulSet controller's logic (after Kubernetes' stateful_set_control.go, written anew):
 * pods `<set>-<ordinal>` with stable identity (pod-name / pod-index labels, hostname, subdomain),
 * their PersistentVolumeClaims from volumeClaimTemplates, OrderedReady or Parallel pod management,
 * RollingUpdate with partition (reverse ordinal order, one pod at a time, each waiting for Ready)
 * and OnDelete, ControllerRevisions for currentRevision/updateRevision, and status.
 */
import type { KObject, OwnerReference } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, type Client, type ClientLogger, type GVR, type SharedInformer } from '../../../core/client';
import { getControllerOf, newControllerRef, objectKey } from '../shared/controller-ref';
import { isAlreadyExists, isNotFound, PODS, writeStatus } from '../shared/pod-control';
import { isPodAvailable, isPodReady, msUntilAvailable, podPhase } from '../shared/pod-status';
import { CONTROLLER_REVISION_HASH_LABEL, ensureRevision, ownedRevisions, truncateHistory } from '../shared/sts-revisions';

type Json = Record<string, any>;

export const STATEFULSETS: GVR = Object.freeze({ group: 'apps', version: 'v1', resource: 'statefulsets' });
export const PVCS: GVR = Object.freeze({ group: '', version: 'v1', resource: 'persistentvolumeclaims' });
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export interface StatefulSetControllerDeps {
  client: Client;
  sets: SharedInformer;
  pods: SharedInformer;
  revisions: SharedInformer;
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
  logger?: ClientLogger;
}

/** The ordinal of a pod named `<set>-<n>`, or undefined. */
export function ordinalOf(setName: string, pod: KObject): number | undefined {
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(`${setName}-`)) return undefined;
  const rest = name.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export const claimName = (template: Json, setName: string, ordinal: number) => `${template.metadata?.name ?? ''}-${setName}-${ordinal}`;

const isTerminating = (p: KObject) => !!p.metadata.deletionTimestamp;
const isFailed = (p: KObject) => podPhase(p) === 'Failed' || podPhase(p) === 'Succeeded';
const isRunningAndReady = (p: KObject) => podPhase(p) === 'Running' && isPodReady(p);
const revisionOf = (p: KObject) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';

export class StatefulSetController {
  /** pod creations and deletions in the order issued (tests record ordering from the API too) */
  readonly stats = { creates: 0, deletes: 0, syncs: 0 };

  constructor(private readonly deps: StatefulSetControllerDeps) {}

  register(): void {
    const enq = (o: KObject) => this.deps.enqueue(objectKey(o));
    this.deps.sets.addEventHandler({ add: enq, update: (_o, n) => enq(n), delete: enq });
    const podEvent = (p: KObject) => {
      const ref = getControllerOf(p);
      if (ref?.kind === 'StatefulSet' && String(ref.apiVersion).startsWith('apps/')) this.deps.enqueue(`${p.metadata.namespace}/${ref.name}`);
    };
    this.deps.pods.addEventHandler({ add: podEvent, update: (_o, n) => podEvent(n), delete: podEvent });
  }

  async sync(key: string): Promise<{ requeueAfterMs?: number }> {
    this.stats.syncs++;
    const set = this.deps.sets.get(key);
    if (!set || set.metadata.deletionTimestamp) return {};
    const spec: Json = (set.spec as Json | undefined) ?? {};
    const status: Json = (set.status as Json | undefined) ?? {};
    const name = set.metadata.name ?? '';

    // revisions
    const revisions = ownedRevisions(this.deps.revisions, set);
    const { revision: updateRev, collisionCount } = await ensureRevision(this.deps.client, set, 'StatefulSet', revisions, status.collisionCount ?? 0);
    const updateRevision = updateRev.metadata.name ?? '';
    const byName = new Map<string, KObject>(revisions.map((r) => [r.metadata.name ?? '', r]));
    byName.set(updateRevision, updateRev);
    let currentRevision: string = status.currentRevision && byName.has(status.currentRevision) ? status.currentRevision : updateRevision;

    // pods by ordinal
    const start: number = spec.ordinals?.start ?? 0;
    const replicaCount: number = spec.replicas ?? 1;
    const owned = this.deps.pods.byIndex(CONTROLLER_UID_INDEX, set.metadata.uid ?? '');
    const replicas = new Map<number, KObject>();
    const condemned: KObject[] = [];
    for (const p of owned) {
      const ord = ordinalOf(name, p);
      if (ord === undefined) continue;
      if (ord >= start && ord < start + replicaCount) replicas.set(ord, p);
      else condemned.push(p);
    }
    condemned.sort((a, b) => (ordinalOf(name, b) ?? 0) - (ordinalOf(name, a) ?? 0));

    let err: unknown;
    try {
      await this.update(set, spec, replicas, condemned, start, replicaCount, currentRevision, updateRevision, byName);
    } catch (e) {
      err = e;
    }

    // status from the cache as it stands (the writes above come back as events)
    const mrs: number = spec.minReadySeconds ?? 0;
    const now = Date.now();
    const st: Json = { ...status, observedGeneration: set.metadata.generation ?? 0, collisionCount, currentRevision, updateRevision };
    let count = 0,
      ready = 0,
      available = 0,
      current = 0,
      updated = 0,
      wait: number | undefined;
    for (const p of [...replicas.values(), ...condemned]) {
      if (isTerminating(p)) continue;
      count++;
      if (isRunningAndReady(p)) {
        ready++;
        if (isPodAvailable(p, mrs, now)) available++;
        else {
          const ms = msUntilAvailable(p, mrs, now);
          if (ms !== undefined && (wait === undefined || ms < wait)) wait = ms;
        }
      }
      if (revisionOf(p) === currentRevision) current++;
      if (revisionOf(p) === updateRevision) updated++;
    }
    // a finished rolling update makes the update revision current
    if (spec.updateStrategy?.type !== 'OnDelete' && updated === replicaCount && count === replicaCount && ready === replicaCount) {
      currentRevision = updateRevision;
      current = updated;
      st.currentRevision = currentRevision;
    }
    Object.assign(st, { replicas: count, readyReplicas: ready, availableReplicas: available, currentReplicas: current, updatedReplicas: updated });
    if (!st.collisionCount) delete st.collisionCount;
    if (JSON.stringify(sortKeys(st)) !== JSON.stringify(sortKeys(status))) await writeStatus(this.deps.client, STATEFULSETS, set, st);

    // history: keep revisionHistoryLimit revisions besides those in use
    const live = new Set<string>([currentRevision, updateRevision, ...owned.map(revisionOf).filter(Boolean).map((h) => h)]);
    await truncateHistory(this.deps.client, ownedRevisions(this.deps.revisions, set), live, spec.revisionHistoryLimit ?? 10).catch(() => undefined);
    if (err) throw err;
    return wait !== undefined ? { requeueAfterMs: wait + 10 } : {};
  }

  /** One pass of stateful_set_control: create/replace replicas, delete condemned, roll. */
  private async update(
    set: KObject,
    spec: Json,
    replicas: Map<number, KObject>,
    condemned: KObject[],
    start: number,
    replicaCount: number,
    currentRevision: string,
    updateRevision: string,
    byName: Map<string, KObject>,
  ): Promise<void> {
    const monotonic = spec.podManagementPolicy !== 'Parallel';
    const rolling = spec.updateStrategy?.type !== 'OnDelete';
    const partition: number = rolling ? (spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const templateFor = (ord: number): { template: Json; revision: string } => {
      // below the partition new pods keep the current revision
      const useCurrent = rolling && ord - start < partition && currentRevision !== updateRevision;
      const rev = useCurrent ? currentRevision : updateRevision;
      const data = (byName.get(rev) as Json | undefined)?.data;
      return { template: useCurrent && data?.spec?.template ? data.spec.template : spec.template ?? {}, revision: rev };
    };

    const creates: Promise<void>[] = [];
    for (let ord = start; ord < start + replicaCount; ord++) {
      const pod = replicas.get(ord);
      if (!pod) {
        const { template, revision } = templateFor(ord);
        const p = this.createPod(set, spec, template, revision, ord);
        if (monotonic) {
          await p;
          return; // wait for it to become Running and Ready
        }
        creates.push(p);
        continue;
      }
      if (isFailed(pod) && !isTerminating(pod)) {
        await this.deletePod(pod);
        if (monotonic) return;
        continue;
      }
      if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod))) return;
    }
    await Promise.all(creates);
    if (creates.length) return;

    // scale down: highest ordinal first; OrderedReady one at a time and only with every pod healthy
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && [...replicas.values()].some((p) => isTerminating(p) || !isRunningAndReady(p))) return;
      await this.deletePod(pod, (spec.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain') === 'Delete' ? spec : undefined);
      if (monotonic) return;
    }
    if (condemned.length) return;

    if (!rolling) return;
    // rolling update: from the highest ordinal down to the partition, one pod at a time
    for (let ord = start + replicaCount - 1; ord >= start + partition; ord--) {
      const pod = replicas.get(ord);
      if (!pod) return;
      if (revisionOf(pod) !== updateRevision) {
        if (!isTerminating(pod)) await this.deletePod(pod);
        return;
      }
      if (isTerminating(pod) || !isRunningAndReady(pod)) return;
    }
  }

  private async createPod(set: KObject, spec: Json, template: Json, revision: string, ord: number): Promise<void> {
    const ns = set.metadata.namespace ?? '';
    const setName = set.metadata.name ?? '';
    const podName = `${setName}-${ord}`;
    const t = structuredClone(template);
    const podSpec: Json = t.spec ?? {};
    const claims: Json[] = spec.volumeClaimTemplates ?? [];
    await this.ensureClaims(set, spec, claims, ord);
    const volumes: Json[] = (podSpec.volumes ?? []).filter((v: Json) => !claims.some((c) => c.metadata?.name === v.name));
    for (const c of claims) volumes.push({ name: c.metadata?.name, persistentVolumeClaim: { claimName: claimName(c, setName, ord) } });
    if (volumes.length) podSpec.volumes = volumes;
    podSpec.hostname = podName;
    if (spec.serviceName) podSpec.subdomain = spec.serviceName;
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        namespace: ns,
        labels: { ...(t.metadata?.labels ?? {}), [POD_NAME_LABEL]: podName, [POD_INDEX_LABEL]: String(ord), [CONTROLLER_REVISION_HASH_LABEL]: revision },
        ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
      },
      spec: podSpec,
    };
    if (t.metadata?.annotations && Object.keys(t.metadata.annotations).length) pod.metadata.annotations = t.metadata.annotations;
    try {
      await this.deps.client.create(PODS, pod);
      this.stats.creates++;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err; // the cache lags: the next event brings it
    }
  }

  /** PVCs `<claim>-<set>-<ordinal>`; with whenDeleted: Delete they are owned by the set. */
  private async ensureClaims(set: KObject, spec: Json, claims: Json[], ord: number): Promise<void> {
    const ns = set.metadata.namespace ?? '';
    const setName = set.metadata.name ?? '';
    const whenDeleted = spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
    for (const c of claims) {
      const labels = { ...(spec.selector?.matchLabels ?? {}), ...(c.metadata?.labels ?? {}) };
      const pvc: KObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claimName(c, setName, ord), namespace: ns, labels },
        spec: structuredClone(c.spec ?? {}),
      };
      if (c.metadata?.annotations) pvc.metadata.annotations = structuredClone(c.metadata.annotations);
      if (whenDeleted === 'Delete') pvc.metadata.ownerReferences = [newControllerRef(set, 'apps/v1', 'StatefulSet')];
      try {
        await this.deps.client.create(PVCS, pvc);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }

  /**
   * Delete a pod (uid precondition). With whenScaled: Delete (scale-down), the pod's claims first
   * get an ownerReference to the pod, so the garbage collector removes them with it.
   */
  private async deletePod(pod: KObject, scaledSpec?: Json): Promise<void> {
    const ns = pod.metadata.namespace ?? '';
    if (scaledSpec) {
      const setName = getControllerOf(pod)?.name ?? '';
      const ord = ordinalOf(setName, pod) ?? 0;
      const podRef: OwnerReference = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' } as OwnerReference;
      for (const c of (scaledSpec.volumeClaimTemplates ?? []) as Json[]) {
        try {
          const pvc = await this.deps.client.get(PVCS, { namespace: ns, name: claimName(c, setName, ord) });
          const refs = (pvc.metadata.ownerReferences ?? []).filter((r) => r.uid !== podRef.uid);
          await this.deps.client.update(PVCS, { ...pvc, metadata: { ...pvc.metadata, ownerReferences: [...refs, podRef] } });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    try {
      await this.deps.client.delete(PODS, { namespace: ns, name: pod.metadata.name ?? '' }, { preconditions: { uid: pod.metadata.uid } });
      this.stats.deletes++;
    } catch (err) {
      if (!isNotFound(err) && (err as { code?: number }).code !== 409) throw err;
    }
  }
}

function sortKeys(o: Json): Json {
  const out: Json = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
