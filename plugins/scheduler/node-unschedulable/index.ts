/** NodeUnschedulable (filter): cordoned nodes (spec.unschedulable) take only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
import { defineSchedulerPlugin } from '../shared/define';
import { podTolerations, toleratedByAll } from '../shared/pod';
import { unresolvable, type NodeInfo, type PluginStatus, type Pod } from '../shared/types';

export const PLUGIN_NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const TAINT = Object.freeze({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });

export function nodeUnschedulableFilter(pod: Pod, ni: NodeInfo): PluginStatus | undefined {
  if (!ni.unschedulable) return undefined;
  if (toleratedByAll(podTolerations(pod), TAINT)) return undefined;
  return unresolvable(ERR_REASON_UNSCHEDULABLE);
}

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'filter: no pods on cordoned nodes unless tolerated',
  defaultPoints: ['filter'],
  points: () => ({ filter: nodeUnschedulableFilter }),
});
