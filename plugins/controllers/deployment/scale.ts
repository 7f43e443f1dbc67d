/**
 * Scaling a Deployment outside a rollout (a replicas change, or while paused): detect it from the
 * ReplicaSets' desired-replicas annotations, then scale the only active ReplicaSet, or scale old
 * ones to 0 when the new one is saturated, or scale proportionally (RollingUpdate).
 */
import type { KObject } from '../../../core/registry/types';
import type { RolloutOps, SyncResult, SyncState } from './rollout-ops';
import { syncDeploymentStatus } from './status';
import * as u from './util';

export async function isScalingEvent(ops: RolloutOps, s: SyncState): Promise<boolean> {
  const { newRS, oldRSs } = await ops.getAllAndSyncRevision(s, false);
  for (const rs of u.filterActive([...oldRSs, newRS].map((x) => (x ? ops.current(s, x) : x)))) {
    const desired = u.desiredReplicasAnnotation(rs);
    if (desired !== undefined && desired !== u.replicas(s.d)) return true;
  }
  return false;
}

export async function syncScale(ops: RolloutOps, s: SyncState): Promise<SyncResult> {
  const { newRS, oldRSs } = await ops.getAllAndSyncRevision(s, false);
  await scale(
    ops,
    s,
    newRS ? ops.current(s, newRS) : undefined,
    oldRSs.map((rs) => ops.current(s, rs)),
  );
  if (u.spec(s.d).paused) await ops.cleanup(s, ops.split(s).oldRSs);
  return syncDeploymentStatus(ops, s);
}

async function scale(ops: RolloutOps, s: SyncState, newRS: KObject | undefined, oldRSs: KObject[]): Promise<void> {
  const d = s.d;
  const only = u.findActiveOrLatest(newRS, oldRSs);
  if (only) {
    await ops.scaleReplicaSet(s, only, u.replicas(d));
    return;
  }
  if (u.isSaturated(d, newRS)) {
    for (const rs of u.filterActive(oldRSs)) await ops.scaleReplicaSetIfNeeded(s, rs, 0);
    return;
  }
  if (u.isRollingUpdate(d)) {
    const { sizes, order } = u.proportionalSizes(d, u.filterActive([...oldRSs, newRS]));
    for (const rs of order) await ops.scaleReplicaSet(s, rs, sizes.get(rs.metadata.name ?? '') ?? u.replicas(rs));
  }
}
