/**
 * Which pods a controller deletes first when scaling down (Kubernetes' ActivePodsWithRanks order).
 * A pod sorts earlier (deleted first) when, in this order of precedence, it is:
 *  1. unscheduled (no spec.nodeName) rather than scheduled;
 *  2. Pending < Unknown < Running;
 *  3. not Ready rather than Ready;
 *  4. of lower `controller.kubernetes.io/pod-deletion-cost`;
 *  5. of higher rank (more related pods on the same node: spread what is doubled up);
 *  6. when both are Ready: Ready for less time (log2 buckets of the time since it became Ready);
 *  7. of more container restarts;
 *  8. newer (no creation timestamp first).
 */
import type { KObject } from '../../../core/registry/types';
import { creationTime, isPodReady, maxContainerRestarts, podPhase, podReadyTime } from './pod-status';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: KObject): number {
  return PHASE_ORDER[podPhase(pod)] ?? 0;
}

function deletionCost(pod: KObject): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

function nodeName(pod: KObject): string {
  return ((pod.spec as Record<string, any> | undefined)?.nodeName as string | undefined) ?? '';
}

/** floor(log2(seconds since ready)), -1 when under a second; compared as buckets so close ages tie. */
function readyBucket(pod: KObject, now: number): number {
  const t = podReadyTime(pod);
  if (t === undefined) return Number.POSITIVE_INFINITY;
  const secs = Math.floor((now - t) / 1000);
  return secs <= 0 ? -1 : Math.floor(Math.log2(secs));
}

/** < 0 when `a` is deleted before `b`. `rankA`/`rankB` are the related-pods-on-node ranks. */
export function compareForDeletion(a: KObject, b: KObject, rankA = 0, rankB = 0, now = Date.now()): number {
  const na = nodeName(a) !== '';
  const nb = nodeName(b) !== '';
  if (na !== nb) return na ? 1 : -1;
  const pa = phaseOrdinal(a);
  const pb = phaseOrdinal(b);
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const ba = readyBucket(a, now);
    const bb = readyBucket(b, now);
    if (ba !== bb) return ba - bb;
  }
  const sa = maxContainerRestarts(a);
  const sb = maxContainerRestarts(b);
  if (sa !== sb) return sb - sa;
  const ta = creationTime(a);
  const tb = creationTime(b);
  if (ta !== tb) {
    if (!a.metadata.creationTimestamp) return -1;
    if (!b.metadata.creationTimestamp) return 1;
    return tb - ta;
  }
  return 0;
}

/**
 * Rank each pod by how many of `related` (e.g. the pods of every ReplicaSet of the same
 * Deployment, including these) run on its node; unscheduled pods rank 0.
 */
export function ranksByRelatedPodsOnNode(pods: readonly KObject[], related: readonly KObject[]): number[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    const n = nodeName(p);
    if (n) onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  return pods.map((p) => (nodeName(p) ? (onNode.get(nodeName(p)) ?? 0) : 0));
}

/** The `count` pods to delete first, ranked against `related` pods. */
export function podsToDelete(pods: readonly KObject[], count: number, related: readonly KObject[] = pods, now = Date.now()): KObject[] {
  if (count <= 0) return [];
  if (count >= pods.length) return [...pods];
  const ranks = ranksByRelatedPodsOnNode(pods, related);
  const idx = pods.map((_, i) => i);
  idx.sort((i, j) => compareForDeletion(pods[i], pods[j], ranks[i], ranks[j], now) || i - j);
  return idx.slice(0, count).map((i) => pods[i]);
}
