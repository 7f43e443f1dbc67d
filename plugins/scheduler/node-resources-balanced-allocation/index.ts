/**
 * NodeResourcesBalancedAllocation (preScore, score): prefers nodes whose cpu and memory would be
 * used in balance: score = (1 - std of the requested fractions) * 100 (for two resources the std
 * is |cpu - memory| / 2), fractions capped at 1.
 */
import { defineSchedulerPlugin } from '../shared/define';
import { podRequests } from '../shared/pod';
import { MAX_NODE_SCORE, type CycleState, type NodeInfo, type Pod, type Resources } from '../shared/types';

export const PLUGIN_NAME = 'NodeResourcesBalancedAllocation';
const KEY = 'NodeResourcesBalancedAllocation/req';

export interface BalancedAllocationArgs {
  resources?: Array<{ name: string; weight?: number }>;
}

function fraction(requested: number, capacity: number): number {
  if (capacity === 0) return 1;
  return Math.min(1, requested / capacity);
}

export function balancedScore(ni: NodeInfo, req: Resources, resources: readonly string[] = ['cpu', 'memory']): number {
  const fr: number[] = [];
  for (const r of resources) {
    if (r === 'cpu') {
      if (ni.allocatable.milliCPU > 0) fr.push(fraction(ni.requested.milliCPU + req.milliCPU, ni.allocatable.milliCPU));
    } else if (r === 'memory') {
      if (ni.allocatable.memory > 0) fr.push(fraction(ni.requested.memory + req.memory, ni.allocatable.memory));
    } else if ((ni.allocatable.scalar[r] ?? 0) > 0) fr.push(fraction((ni.requested.scalar[r] ?? 0) + (req.scalar[r] ?? 0), ni.allocatable.scalar[r]));
  }
  let std = 0;
  if (fr.length === 2) std = Math.abs((fr[0] - fr[1]) / 2);
  else if (fr.length > 2) {
    const mean = fr.reduce((a, b) => a + b, 0) / fr.length;
    std = Math.sqrt(fr.reduce((a, b) => a + (b - mean) ** 2, 0) / fr.length);
  }
  return Math.floor((1 - std) * MAX_NODE_SCORE);
}

export default defineSchedulerPlugin<BalancedAllocationArgs>({
  name: PLUGIN_NAME,
  description: 'score: balanced cpu/memory use',
  defaultPoints: ['preScore', 'score'],
  defaultWeight: 1,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { resources: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, weight: { type: 'integer' } } } } },
  },
  points: (_server, options) => ({
    preScore(pod: Pod, state: CycleState) {
      const args = state.args(PLUGIN_NAME, options);
      state.write(KEY, { req: podRequests(pod), names: (args.resources ?? [{ name: 'cpu' }, { name: 'memory' }]).map((r) => r.name) });
      return undefined;
    },
    score(pod: Pod, ni: NodeInfo, state: CycleState): number {
      const s = state.read<{ req: Resources; names: string[] }>(KEY) ?? { req: podRequests(pod), names: ['cpu', 'memory'] };
      return balancedScore(ni, s.req, s.names);
    },
  }),
});
