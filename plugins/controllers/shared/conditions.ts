/**
 * Status conditions of workload objects (Deployment, ReplicaSet, ...): find, set (keeping the
 * lastTransitionTime when the status does not change, and doing nothing when status and reason
 * are the same), remove.
 */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  [k: string]: unknown;
}

/** RFC 3339 with second precision, as Kubernetes' metav1.Time serializes. */
export function nowRfc3339(now: number = Date.now()): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now = Date.now(), withUpdateTime = true): Condition {
  const t = nowRfc3339(now);
  return withUpdateTime ? { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message } : { type, status, lastTransitionTime: t, reason, message };
}

export function getCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

/**
 * Set `cond` in the list (returns a new list): unchanged if a condition of that type has the same
 * status and reason; keeps the old lastTransitionTime when only the reason/message changed.
 */
export function setCondition(conditions: readonly Condition[] | undefined, cond: Condition): Condition[] {
  const list = [...(conditions ?? [])];
  const cur = getCondition(list, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return list;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  return [...list.filter((c) => c.type !== cond.type), next];
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
