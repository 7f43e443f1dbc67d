/**
 * Pod status predicates used by workload controllers: active (neither terminal nor being deleted),
 * Ready (the Ready condition), available (Ready for at least minReadySeconds), the time it
 * became ready, restart counts.
 */
import type { KObject } from '../../../core/registry/types';

type Json = Record<string, any>;

export function podPhase(pod: KObject): string {
  return ((pod.status as Json | undefined)?.phase as string | undefined) ?? '';
}

/** controller.IsPodActive: not Succeeded/Failed and not being deleted. */
export function isPodActive(pod: KObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function podCondition(pod: KObject, type: string): Json | undefined {
  const conds = (pod.status as Json | undefined)?.conditions;
  return Array.isArray(conds) ? conds.find((c: Json) => c && c.type === type) : undefined;
}

/** The Ready condition is True. */
export function isPodReady(pod: KObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** When the pod last became Ready (the condition's lastTransitionTime), or undefined. */
export function podReadyTime(pod: KObject): number | undefined {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True' || typeof c.lastTransitionTime !== 'string') return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * podutil.IsPodAvailable: Ready, and with minReadySeconds > 0, Ready since at least that long
 * (a Ready condition without a transition time counts as not yet available then).
 */
export function isPodAvailable(pod: KObject, minReadySeconds: number, now: number = Date.now()): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const t = podReadyTime(pod);
  return t !== undefined && t + minReadySeconds * 1000 <= now;
}

/** ms until a Ready pod becomes available (0 if it is, undefined if it is not Ready). */
export function msUntilAvailable(pod: KObject, minReadySeconds: number, now: number = Date.now()): number | undefined {
  if (!isPodReady(pod)) return undefined;
  if (!minReadySeconds) return 0;
  const t = podReadyTime(pod);
  if (t === undefined) return undefined;
  return Math.max(0, t + minReadySeconds * 1000 - now);
}

/** The highest restartCount of the pod's containers. */
export function maxContainerRestarts(pod: KObject): number {
  const statuses = (pod.status as Json | undefined)?.containerStatuses;
  let max = 0;
  if (Array.isArray(statuses)) for (const s of statuses) if (typeof s?.restartCount === 'number' && s.restartCount > max) max = s.restartCount;
  return max;
}

export function creationTime(obj: KObject): number {
  const t = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}
