/** NodeName (filter): a pod that names its node in spec.nodeName fits only there. */
import { defineSchedulerPlugin } from '../shared/define';
import { unresolvable, type NodeInfo, type PluginStatus, type Pod } from '../shared/types';

export const PLUGIN_NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

export function nodeNameFilter(pod: Pod, ni: NodeInfo): PluginStatus | undefined {
  const want = pod.spec?.nodeName;
  return !want || want === ni.name ? undefined : unresolvable(ERR_REASON);
}

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'filter: spec.nodeName',
  defaultPoints: ['filter'],
  points: () => ({ filter: nodeNameFilter }),
});
