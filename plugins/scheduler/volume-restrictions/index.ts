/**
 * VolumeRestrictions (preFilter, filter), basics: a GCE PD, AWS EBS, iSCSI or RBD volume may be
 * mounted by several pods of a node only when all mount it read-only (`node(s) had no available
 * disk`). ReadWriteOncePod claims are not checked yet.
 */
import { defineSchedulerPlugin } from '../shared/define';
import { records } from '../shared/pod';
import { SKIP, unschedulable, type Json, type NodeInfo, type PluginStatus, type Pod } from '../shared/types';

export const PLUGIN_NAME = 'VolumeRestrictions';
export const ERR_REASON_DISK_CONFLICT = 'node(s) had no available disk';

/** A conflict between two volumes (upstream isVolumeConflict). */
export function volumesConflict(a: Json, b: Json): boolean {
  if (a.gcePersistentDisk && b.gcePersistentDisk) {
    return a.gcePersistentDisk.pdName === b.gcePersistentDisk.pdName && !(a.gcePersistentDisk.readOnly && b.gcePersistentDisk.readOnly);
  }
  if (a.awsElasticBlockStore && b.awsElasticBlockStore) return a.awsElasticBlockStore.volumeID === b.awsElasticBlockStore.volumeID;
  if (a.iscsi && b.iscsi) return a.iscsi.iqn === b.iscsi.iqn && !(a.iscsi.readOnly && b.iscsi.readOnly);
  if (a.rbd && b.rbd) {
    const mons = new Set<string>(a.rbd.monitors ?? []);
    const shared = (b.rbd.monitors ?? []).some((m: string) => mons.has(m));
    return shared && (a.rbd.pool ?? 'rbd') === (b.rbd.pool ?? 'rbd') && a.rbd.image === b.rbd.image && !(a.rbd.readOnly && b.rbd.readOnly);
  }
  return false;
}

const exclusive = (v: Json) => Boolean(v.gcePersistentDisk || v.awsElasticBlockStore || v.iscsi || v.rbd);

export function volumeFilter(pod: Pod, ni: NodeInfo): PluginStatus | undefined {
  const mine = records(pod.spec?.volumes).filter(exclusive);
  if (mine.length === 0) return undefined;
  for (const other of ni.pods.values()) {
    for (const v of records(other.pod.spec?.volumes)) {
      if (!exclusive(v)) continue;
      for (const m of mine) if (volumesConflict(m, v)) return unschedulable(ERR_REASON_DISK_CONFLICT);
    }
  }
  return undefined;
}

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'filter: exclusive disk volumes (GCE PD, EBS, iSCSI, RBD) not mounted read-write twice',
  defaultPoints: ['preFilter', 'filter'],
  points: () => ({
    preFilter: (pod: Pod) => (records(pod.spec?.volumes).some(exclusive) ? undefined : SKIP),
    filter: volumeFilter,
  }),
});
