/**
 * Pure Deployment logic (no I/O): which ReplicaSet is new, revision bookkeeping and the annotations
 * the controller keeps on ReplicaSets, rolling-update math (maxSurge/maxUnavailable rounding),
 * proportional scaling, status and the Progressing/Available conditions.
 */
import type { KObject } from '../../../core/registry/types';
import { semanticEqual } from '../../resources/shared/object';
import { getCondition, newCondition, removeCondition, setCondition, type Condition } from '../shared/conditions';
import { scaledValueFromIntOrPercent } from '../shared/int-or-percent';
import { creationTime } from '../shared/pod-status';
import { POD_TEMPLATE_HASH_LABEL } from '../shared/pod-template-hash';

type Json = Record<string, any>;

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

// Progressing reasons
export const NEW_RS_REASON = 'NewReplicaSetCreated';
export const FOUND_NEW_RS_REASON = 'FoundNewReplicaSet';
export const RS_UPDATED_REASON = 'ReplicaSetUpdated';
export const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
export const PAUSED_REASON = 'DeploymentPaused';
export const RESUMED_REASON = 'DeploymentResumed';
export const FAILED_RS_CREATE_REASON = 'ReplicaSetCreateError';
// Available reasons
export const MIN_AVAILABLE_REASON = 'MinimumReplicasAvailable';
export const MIN_UNAVAILABLE_REASON = 'MinimumReplicasUnavailable';

const SKIP_COPY = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, ROLLBACK_TO_ANNOTATION]);

export const MAX_INT32 = 2147483647;

export function spec(o: KObject): Json {
  return (o.spec as Json | undefined) ?? {};
}
export function status(o: KObject): Json {
  return (o.status as Json | undefined) ?? {};
}
export function replicas(o: KObject | undefined): number {
  return o ? (spec(o).replicas ?? 0) : 0;
}
export function minReadySeconds(o: KObject): number {
  return spec(o).minReadySeconds ?? 0;
}

/** Template equality ignoring the pod-template-hash label (and unset vs empty). */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  const strip = (t: unknown): unknown => {
    const c = structuredClone((t ?? {}) as Json);
    if (c.metadata?.labels) delete c.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    return c;
  };
  return semanticEqual(strip(a), strip(b));
}

/** Oldest first, then by name (controller.ReplicaSetsByCreationTimestamp). */
export function byCreation(a: KObject, b: KObject): number {
  return creationTime(a) - creationTime(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** The oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(d: KObject, rsList: readonly KObject[]): KObject | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(spec(rs).template, spec(d).template));
}

export function revisionOf(o: KObject | undefined): number {
  const v = o?.metadata.annotations?.[REVISION_ANNOTATION];
  const n = v === undefined ? 0 : Number(v);
  return Number.isInteger(n) ? n : 0;
}

export function maxRevision(rsList: readonly KObject[]): number {
  return rsList.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

export function filterActive(rsList: readonly (KObject | undefined)[]): KObject[] {
  return rsList.filter((rs): rs is KObject => !!rs && replicas(rs) > 0);
}

/** Σ spec.replicas */
export function replicaCount(rsList: readonly (KObject | undefined)[]): number {
  return rsList.reduce((n, rs) => n + (rs ? replicas(rs) : 0), 0);
}
/** Σ status.replicas */
export function actualReplicaCount(rsList: readonly (KObject | undefined)[]): number {
  return rsList.reduce((n, rs) => n + (rs ? (status(rs).replicas ?? 0) : 0), 0);
}
export function readyReplicaCount(rsList: readonly (KObject | undefined)[]): number {
  return rsList.reduce((n, rs) => n + (rs ? (status(rs).readyReplicas ?? 0) : 0), 0);
}
export function availableReplicaCount(rsList: readonly (KObject | undefined)[]): number {
  return rsList.reduce((n, rs) => n + (rs ? (status(rs).availableReplicas ?? 0) : 0), 0);
}

export function isRollingUpdate(d: KObject): boolean {
  return (spec(d).strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** maxSurge rounded up, maxUnavailable rounded down; both 0 makes maxUnavailable 1. */
export function resolveFenceposts(maxSurge: unknown, maxUnavailable: unknown, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = scaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function fenceposts(d: KObject): { surge: number; unavailable: number } {
  const ru = spec(d).strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge ?? '25%', ru.maxUnavailable ?? '25%', replicas(d));
}

export function maxSurge(d: KObject): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: KObject): number {
  if (!isRollingUpdate(d) || replicas(d) === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas(d));
}

/** How many replicas the new ReplicaSet should have now. */
export function newRSNewReplicas(d: KObject, allRSs: readonly (KObject | undefined)[], newRS: KObject): number {
  if (!isRollingUpdate(d)) return replicas(d);
  const current = replicaCount(allRSs);
  const maxTotal = replicas(d) + maxSurge(d);
  if (current >= maxTotal) return replicas(newRS);
  const up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
  return replicas(newRS) + up;
}

function intAnnotation(o: KObject, key: string): number | undefined {
  const v = o.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}
export const desiredReplicasAnnotation = (rs: KObject) => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: KObject) => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

export function replicasAnnotationsNeedUpdate(rs: KObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

export function setReplicasAnnotations(rs: KObject, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) };
  return true;
}

/** Copy the Deployment's annotations (but not the controller's own) onto the ReplicaSet. */
export function copyDeploymentAnnotations(d: KObject, rs: KObject): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP_COPY.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * Annotate the new ReplicaSet: copied annotations, the revision (raised to `newRevision`, the old
 * value moving into revision-history when this is a rollback to it) and, for a ReplicaSet about
 * to be created, desired/max replicas. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: KObject, rs: KObject, newRevision: number, exists: boolean, historyLimitChars = 2000): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const ann = (rs.metadata.annotations ??= {});
  const had = ann[REVISION_ANNOTATION];
  const oldRev = had === undefined || had === '' ? 0 : Number(had);
  if (!Number.isInteger(oldRev)) return changed;
  if (oldRev < newRevision) {
    ann[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (had !== undefined && had !== '') {
      const hist = ann[REVISION_HISTORY_ANNOTATION];
      let next = hist ? `${hist},${had}` : had;
      while (next.length > historyLimitChars && next.includes(',')) next = next.slice(next.indexOf(',') + 1);
      ann[REVISION_HISTORY_ANNOTATION] = next;
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Saturated: the new ReplicaSet runs exactly the wanted replicas, all available. */
export function isSaturated(d: KObject, newRS: KObject | undefined): boolean {
  if (!newRS) return false;
  const desired = desiredReplicasAnnotation(newRS);
  return desired === replicas(d) && replicas(newRS) === replicas(d) && (status(newRS).availableReplicas ?? 0) === replicas(d);
}

/** The only active ReplicaSet, or the newest one when none is active; undefined when several are. */
export function findActiveOrLatest(newRS: KObject | undefined, oldRSs: readonly KObject[]): KObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sortedOld = [...oldRSs].sort(byCreation).reverse();
  const all = filterActive([...sortedOld, newRS]);
  if (all.length === 0) return newRS ?? sortedOld[0];
  if (all.length === 1) return all[0];
  return undefined;
}

/** Go's math.Round-to-int32 semantics: half away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function replicaSetFraction(rs: KObject, d: KObject): number {
  if (replicas(d) === 0) return -replicas(rs);
  const deploymentReplicas = replicas(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? (status(d).replicas ?? 0);
  if (!annotated) return 0;
  return roundHalfAway((replicas(rs) * deploymentReplicas) / annotated) - replicas(rs);
}

export function getProportion(rs: KObject | undefined, d: KObject, toAdd: number, added: number): number {
  if (!rs || replicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * Proportional scaling of several active ReplicaSets during a rollout when the Deployment's
 * replicas change: name → new size (largest share first, leftovers to the first).
 */
export function proportionalSizes(d: KObject, activeRSs: readonly KObject[]): { sizes: Map<string, number>; order: KObject[] } {
  const all = [...activeRSs];
  const total = replicaCount(all);
  const allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - total;
  if (toAdd > 0) all.sort((a, b) => replicas(b) - replicas(a) || -byCreation(a, b));
  else if (toAdd < 0) all.sort((a, b) => replicas(b) - replicas(a) || byCreation(a, b));
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = getProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name ?? '', replicas(rs) + p);
      added += p;
    } else sizes.set(rs.metadata.name ?? '', replicas(rs));
  }
  if (all.length && toAdd !== 0) {
    const first = all[0].metadata.name ?? '';
    sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
  }
  return { sizes, order: all };
}

export function hasProgressDeadline(d: KObject): boolean {
  const p = spec(d).progressDeadlineSeconds;
  return typeof p === 'number' && p !== MAX_INT32;
}

/** Every replica updated and available, nothing old left, and the spec observed. */
export function deploymentComplete(d: KObject, st: Json): boolean {
  return (st.updatedReplicas ?? 0) === replicas(d) && (st.replicas ?? 0) === replicas(d) && (st.availableReplicas ?? 0) === replicas(d) && (st.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Did the rollout move since the last status (more updated/ready/available, fewer old)? */
export function deploymentProgressing(d: KObject, st: Json): boolean {
  const old = status(d);
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

export function deploymentTimedOut(d: KObject, st: Json, now = Date.now()): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(st.conditions, 'Progressing');
  if (!cond || cond.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (cond.reason === TIMED_OUT_REASON) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + spec(d).progressDeadlineSeconds * 1000 < now;
}

/** The status computed from the ReplicaSets (counts, observedGeneration, Available condition). */
export function calculateStatus(allRSs: readonly (KObject | undefined)[], newRS: KObject | undefined, d: KObject, now = Date.now()): Json {
  const available = availableReplicaCount(allRSs);
  const total = actualReplicaCount(allRSs);
  const old = status(d);
  const st: Json = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: total,
    updatedReplicas: newRS ? (status(newRS).replicas ?? 0) : 0,
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicas(d) - available),
  };
  if (old.collisionCount !== undefined) st.collisionCount = old.collisionCount;
  let conditions: Condition[] = [...(old.conditions ?? [])];
  if (available >= replicas(d) - maxUnavailable(d)) conditions = setCondition(conditions, newCondition('Available', 'True', MIN_AVAILABLE_REASON, 'Deployment has minimum availability.', now));
  else conditions = setCondition(conditions, newCondition('Available', 'False', MIN_UNAVAILABLE_REASON, 'Deployment does not have minimum availability.', now));
  st.conditions = conditions;
  return st;
}

/**
 * syncRolloutStatus' condition logic: the status with the Progressing condition brought up to
 * date (complete → NewReplicaSetAvailable, moved → ReplicaSetUpdated with a fresh lastUpdateTime,
 * stuck past the deadline → ProgressDeadlineExceeded). ReplicaFailure mirrors the new RS.
 */
export function rolloutStatus(allRSs: readonly (KObject | undefined)[], newRS: KObject | undefined, d: KObject, now = Date.now()): Json {
  const st = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) st.conditions = removeCondition(st.conditions, 'Progressing');
  const cur = getCondition(st.conditions, 'Progressing');
  const isComplete = st.replicas === st.updatedReplicas && cur?.reason === NEW_RS_AVAILABLE_REASON;
  if (hasProgressDeadline(d) && !isComplete) {
    const name = newRS?.metadata.name ?? '';
    if (deploymentComplete(d, st)) {
      st.conditions = setCondition(st.conditions, newCondition('Progressing', 'True', NEW_RS_AVAILABLE_REASON, `ReplicaSet "${name}" has successfully progressed.`, now));
    } else if (deploymentProgressing(d, st)) {
      const c = newCondition('Progressing', 'True', RS_UPDATED_REASON, `ReplicaSet "${name}" is progressing.`, now);
      if (cur && cur.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
      st.conditions = [...removeCondition(st.conditions, 'Progressing'), c];
    } else if (deploymentTimedOut(d, st, now)) {
      st.conditions = setCondition(st.conditions, newCondition('Progressing', 'False', TIMED_OUT_REASON, `ReplicaSet "${name}" has timed out progressing.`, now));
    }
  }
  const failure = newRS ? getCondition(status(newRS).conditions, 'ReplicaFailure') : undefined;
  if (failure && failure.status === 'True') st.conditions = setCondition(st.conditions, { ...failure, lastUpdateTime: failure.lastTransitionTime });
  else st.conditions = removeCondition(st.conditions, 'ReplicaFailure');
  return st;
}

/** ms until the Progressing condition could time out (re-check then), or undefined. */
export function msUntilProgressCheck(d: KObject, st: Json, now = Date.now()): number | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const cond = getCondition(st.conditions, 'Progressing');
  if (!cond || deploymentComplete(d, st) || cond.reason === TIMED_OUT_REASON) return undefined;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return Math.max(0, from + spec(d).progressDeadlineSeconds * 1000 - now) + 1000;
}
