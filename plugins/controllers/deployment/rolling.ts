/**
 * The RollingUpdate strategy: scale the new ReplicaSet up within maxSurge, scale old ones down
 * (unavailable replicas first, then as far as `replicas - maxUnavailable` available pods allow),
 * clean up old ReplicaSets once the rollout is complete.
 */
import type { KObject } from '../../../core/registry/types';
import type { RolloutOps, SyncResult, SyncState } from './rollout-ops';
import { syncRolloutStatus } from './status';
import * as u from './util';

export async function rolloutRolling(ops: RolloutOps, s: SyncState): Promise<SyncResult> {
  let { newRS, oldRSs } = await ops.getAllAndSyncRevision(s, true);
  const d = s.d;
  // reconcile the new ReplicaSet
  if (newRS) {
    const want = u.replicas(newRS) > u.replicas(d) ? u.replicas(d) : u.newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    if (await ops.scaleReplicaSetIfNeeded(s, newRS, want)) return syncRolloutStatus(ops, s);
    newRS = ops.current(s, newRS);
  }
  // reconcile the old ones
  if (await reconcileOldReplicaSets(ops, s, oldRSs, newRS)) return syncRolloutStatus(ops, s);
  if (u.deploymentComplete(s.d, u.status(s.d))) await ops.cleanup(s, ops.split(s).oldRSs);
  return syncRolloutStatus(ops, s);
}

async function reconcileOldReplicaSets(ops: RolloutOps, s: SyncState, oldRSsIn: KObject[], newRS: KObject | undefined): Promise<boolean> {
  const d = s.d;
  let oldRSs = oldRSsIn.map((rs) => ops.current(s, rs));
  if (u.replicaCount(oldRSs) === 0) return false;
  const allPods = u.replicaCount([...oldRSs, newRS]);
  const minAvailable = u.replicas(d) - u.maxUnavailable(d);
  const newUnavailable = newRS ? u.replicas(newRS) - (u.status(newRS).availableReplicas ?? 0) : 0;
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // first the old replicas that are not available anyway
  let cleaned = 0;
  for (const rs of [...u.filterActive(oldRSs)].sort(u.byCreation)) {
    if (cleaned >= maxScaledDown) break;
    const avail = u.status(rs).availableReplicas ?? 0;
    if (u.replicas(rs) === avail) continue;
    const down = Math.min(maxScaledDown - cleaned, u.replicas(rs) - avail);
    await ops.scaleReplicaSetIfNeeded(s, rs, u.replicas(rs) - down);
    cleaned += down;
  }
  oldRSs = oldRSs.map((rs) => ops.current(s, rs));
  // then as far as availability allows
  const all = [...oldRSs, newRS ? ops.current(s, newRS) : undefined];
  const available = u.availableReplicaCount(all);
  let scaledDown = 0;
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of [...u.filterActive(oldRSs)].sort(u.byCreation)) {
      if (scaledDown >= total) break;
      const down = Math.min(u.replicas(rs), total - scaledDown);
      await ops.scaleReplicaSetIfNeeded(s, rs, u.replicas(rs) - down);
      scaledDown += down;
    }
  }
  return cleaned + scaledDown > 0;
}
