/**
 * Deployment status: the Progressing condition while paused/resumed, status-only syncs (a
 * Deployment being deleted), and writing status after scaling (calculateStatus) or a rollout step
 * (rolloutStatus, with the progress-deadline requeue).
 */
import { deepEqual } from '../../resources/shared/object';
import { getCondition, newCondition, setCondition } from '../shared/conditions';
import type { RolloutOps, SyncResult, SyncState } from './rollout-ops';
import * as u from './util';

export async function checkPausedConditions(ops: RolloutOps, s: SyncState): Promise<void> {
  if (!u.hasProgressDeadline(s.d)) return;
  const cond = getCondition(u.status(s.d).conditions, 'Progressing');
  if (cond?.reason === u.TIMED_OUT_REASON) return;
  const pausedCond = cond?.reason === u.PAUSED_REASON;
  const paused = !!u.spec(s.d).paused;
  let next;
  if (paused && !pausedCond) next = newCondition('Progressing', 'Unknown', u.PAUSED_REASON, 'Deployment is paused', ops.now());
  else if (!paused && pausedCond) next = newCondition('Progressing', 'Unknown', u.RESUMED_REASON, 'Deployment is resumed', ops.now());
  if (!next) return;
  const st = { ...u.status(s.d) };
  st.conditions = setCondition(st.conditions, next);
  await ops.writeDeploymentStatus(s, st);
}

export async function syncStatusOnly(ops: RolloutOps, s: SyncState): Promise<SyncResult> {
  await ops.getAllAndSyncRevision(s, false);
  return syncDeploymentStatus(ops, s);
}

export async function syncDeploymentStatus(ops: RolloutOps, s: SyncState): Promise<SyncResult> {
  const { newRS } = ops.split(s);
  const st = u.calculateStatus(s.rsList, newRS, s.d, ops.now());
  if (!deepEqual(st, u.status(s.d))) await ops.writeDeploymentStatus(s, st);
  return {};
}

export async function syncRolloutStatus(ops: RolloutOps, s: SyncState): Promise<SyncResult> {
  const { newRS } = ops.split(s);
  const now = ops.now();
  const st = u.rolloutStatus(s.rsList, newRS, s.d, now);
  if (!deepEqual(st, u.status(s.d))) await ops.writeDeploymentStatus(s, st);
  const after = u.msUntilProgressCheck(s.d, u.status(s.d), now);
  return after === undefined ? {} : { requeueAfterMs: after };
}
