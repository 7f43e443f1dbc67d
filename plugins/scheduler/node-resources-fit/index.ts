/**
 * NodeResourcesFit (preFilter, filter, preScore, score): the pod's requests fit the node's
 * allocatable minus what its pods request (`Insufficient cpu`, `Too many pods`, ...); scores by
 * the scoring strategy LeastAllocated (default) or MostAllocated over weighted resources.
 */
import { defineSchedulerPlugin } from '../shared/define';
import { nonZeroRequests, podRequests } from '../shared/pod';
import { MAX_NODE_SCORE, unschedulable, type CycleState, type NodeInfo, type PluginStatus, type Pod, type Resources } from '../shared/types';

export const PLUGIN_NAME = 'NodeResourcesFit';
const KEY = 'NodeResourcesFit/requests';
const SCORE_KEY = 'NodeResourcesFit/score';

export interface ScoringStrategy {
  type?: 'LeastAllocated' | 'MostAllocated';
  resources?: Array<{ name: string; weight: number }>;
}
export interface NodeResourcesFitArgs {
  scoringStrategy?: ScoringStrategy;
  /** resources never checked (extended resources a node does not advertise, for example) */
  ignoredResources?: string[];
}

/** The reasons the pod does not fit (empty = fits). */
export function insufficientResources(req: Resources, ni: NodeInfo, ignored: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const a = ni.allocatable;
  const u = ni.requested;
  if (u.pods + 1 > a.pods) out.push('Too many pods');
  if (req.milliCPU > 0 && req.milliCPU > a.milliCPU - u.milliCPU) out.push('Insufficient cpu');
  if (req.memory > 0 && req.memory > a.memory - u.memory) out.push('Insufficient memory');
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > a.ephemeralStorage - u.ephemeralStorage) out.push('Insufficient ephemeral-storage');
  for (const name in req.scalar) {
    const v = req.scalar[name];
    if (v > 0 && !ignored.has(name) && v > (a.scalar[name] ?? 0) - (u.scalar[name] ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out;
}

/** upstream leastRequestedScore / mostRequestedScore (integer arithmetic) */
export function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}
export function mostRequested(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return MAX_NODE_SCORE;
  return Math.floor((requested * MAX_NODE_SCORE) / capacity);
}

const DEFAULT_RESOURCES = Object.freeze([
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
]);

/** requested (node non-zero requested + the pod's) and allocatable of one resource */
function amounts(name: string, ni: NodeInfo, pod: { milliCPU: number; memory: number }, req: Resources): [number, number] {
  if (name === 'cpu') return [ni.nonZeroRequested.milliCPU + pod.milliCPU, ni.allocatable.milliCPU];
  if (name === 'memory') return [ni.nonZeroRequested.memory + pod.memory, ni.allocatable.memory];
  if (name === 'ephemeral-storage') return [ni.requested.ephemeralStorage + req.ephemeralStorage, ni.allocatable.ephemeralStorage];
  return [(ni.requested.scalar[name] ?? 0) + (req.scalar[name] ?? 0), ni.allocatable.scalar[name] ?? 0];
}

export function resourcesFitScore(strategy: ScoringStrategy, ni: NodeInfo, podNonZero: { milliCPU: number; memory: number }, req: Resources): number {
  const resources = strategy.resources?.length ? strategy.resources : DEFAULT_RESOURCES;
  const f = strategy.type === 'MostAllocated' ? mostRequested : leastRequested;
  let score = 0;
  let weights = 0;
  for (const r of resources) {
    const [requested, capacity] = amounts(r.name, ni, podNonZero, req);
    // a resource the node does not have is not scored (upstream skips zero allocatable)
    if (capacity === 0) continue;
    score += f(requested, capacity) * r.weight;
    weights += r.weight;
  }
  return weights === 0 ? 0 : Math.floor(score / weights);
}

export default defineSchedulerPlugin<NodeResourcesFitArgs>({
  name: PLUGIN_NAME,
  description: 'filter: requests fit allocatable; score: LeastAllocated / MostAllocated',
  defaultPoints: ['preFilter', 'filter', 'preScore', 'score'],
  defaultWeight: 1,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ignoredResources: { type: 'array', items: { type: 'string' } },
      scoringStrategy: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { enum: ['LeastAllocated', 'MostAllocated'], default: 'LeastAllocated' },
          resources: {
            type: 'array',
            items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, weight: { type: 'integer', minimum: 1, default: 1 } } },
          },
        },
      },
    },
  },
  points: (_server, options) => ({
    preFilter(pod: Pod, state: CycleState) {
      const args = state.args(PLUGIN_NAME, options);
      state.write(KEY, { req: podRequests(pod), ignored: new Set(args.ignoredResources ?? []) });
      return undefined;
    },
    filter(pod: Pod, ni: NodeInfo, state: CycleState): PluginStatus | undefined {
      const s = state.read<{ req: Resources; ignored: Set<string> }>(KEY) ?? { req: podRequests(pod), ignored: new Set<string>() };
      const reasons = insufficientResources(s.req, ni, s.ignored);
      return reasons.length ? unschedulable(...reasons) : undefined;
    },
    preScore(pod: Pod, state: CycleState) {
      const args = state.args(PLUGIN_NAME, options);
      state.write(SCORE_KEY, { strategy: args.scoringStrategy ?? {}, nonZero: nonZeroRequests(pod), req: state.read<{ req: Resources }>(KEY)?.req ?? podRequests(pod) });
      return undefined;
    },
    score(pod: Pod, ni: NodeInfo, state: CycleState): number {
      const s = state.read<{ strategy: ScoringStrategy; nonZero: { milliCPU: number; memory: number }; req: Resources }>(SCORE_KEY) ?? { strategy: {}, nonZero: nonZeroRequests(pod), req: podRequests(pod) };
      return resourcesFitScore(s.strategy, ni, s.nonZero, s.req);
    },
  }),
});
