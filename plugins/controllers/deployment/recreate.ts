/**
 * The Recreate strategy: scale every old ReplicaSet to 0, wait until none of their pods is still
 * running, then create/scale the new ReplicaSet to the Deployment's replicas.
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX } from '../../../core/client';
import { podPhase } from '../shared/pod-status';
import type { RolloutOps, SyncResult, SyncState } from './rollout-ops';
import { syncRolloutStatus } from './status';
import * as u from './util';

export async function rolloutRecreate(ops: RolloutOps, s: SyncState): Promise<SyncResult> {
  let { newRS, oldRSs } = await ops.getAllAndSyncRevision(s, false);
  let scaledDown = false;
  for (const rs of u.filterActive(oldRSs)) if (await ops.scaleReplicaSetIfNeeded(s, rs, 0)) scaledDown = true;
  if (scaledDown) return syncRolloutStatus(ops, s);
  if (oldPodsRunning(ops, s, newRS, oldRSs)) return syncRolloutStatus(ops, s);
  if (!newRS) ({ newRS, oldRSs } = await ops.getAllAndSyncRevision(s, true));
  if (newRS) await ops.scaleReplicaSetIfNeeded(s, ops.current(s, newRS), u.replicas(s.d));
  if (u.deploymentComplete(s.d, u.status(s.d))) await ops.cleanup(s, oldRSs);
  return syncRolloutStatus(ops, s);
}

/** Any pod of an old ReplicaSet still running (or its status still counting replicas)? */
function oldPodsRunning(ops: RolloutOps, s: SyncState, newRS: KObject | undefined, oldRSs: KObject[]): boolean {
  if (u.actualReplicaCount(oldRSs.map((rs) => ops.current(s, rs))) > 0) return true;
  for (const rs of oldRSs) {
    if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
    for (const pod of ops.deps.pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '')) {
      const phase = podPhase(pod);
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}
