/** NodePorts (preFilter, filter): a host port (protocol, IP, port) is used by one pod per node; 0.0.0.0 conflicts with every IP. */
import { defineSchedulerPlugin } from '../shared/define';
import { podHostPorts } from '../shared/pod';
import { SKIP, unschedulable, type CycleState, type NodeInfo, type PluginStatus, type Pod, type PodInfo } from '../shared/types';

export const PLUGIN_NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
const KEY = 'NodePorts/ports';

export function portsConflict(want: PodInfo['ports'], ni: NodeInfo): boolean {
  for (const p of want) {
    const ips = ni.usedPorts.get(`${p.protocol}/${p.port}`);
    if (!ips) continue;
    if (p.hostIP === '0.0.0.0' || ips.has('0.0.0.0') || ips.has(p.hostIP)) return true;
  }
  return false;
}

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'filter: host ports free on the node',
  defaultPoints: ['preFilter', 'filter'],
  points: () => ({
    preFilter(pod: Pod, state: CycleState) {
      const ports = podHostPorts(pod);
      if (ports.length === 0) return SKIP;
      state.write(KEY, ports);
      return undefined;
    },
    filter(pod: Pod, ni: NodeInfo, state: CycleState): PluginStatus | undefined {
      const ports = state.read<PodInfo['ports']>(KEY) ?? podHostPorts(pod);
      return portsConflict(ports, ni) ? unschedulable(ERR_REASON) : undefined;
    },
  }),
});
