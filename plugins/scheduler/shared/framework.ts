/**
 * One profile's framework: runs the taps of the `scheduler.*` hooks that the profile enables (in
 * the profile's order, score weights applied) plus every foreign tap (a name that is not a
 * registered scheduler plugin, e.g. a hooks-DSL document), and the generic algorithm parts:
 * feasible nodes (with percentageOfNodesToScore and a rotating start) and weighted scoring.
 */
import type { SchedulerHooks } from './hooks';
import type { ExtensionPoint } from './hooks';
import { MAX_NODE_SCORE, type CycleState, type NodeInfo, type NodeScore, type PluginStatus, type Pod, type PostFilterResult, type QueuedPodInfo } from './types';

/** A profile after the merge rules: per point, the enabled plugins in order (score with weights). */
export interface ResolvedProfile {
  schedulerName: string;
  points: Record<ExtensionPoint, Array<{ name: string; weight: number }>>;
  /** per plugin: args overriding the plugin's options in this profile */
  pluginConfig: Record<string, Record<string, unknown>>;
}

type AnyFn = (...args: any[]) => any;
interface Tap {
  name: string;
  fn: AnyFn;
  weight: number;
}

interface HookLike {
  taps: ReadonlyArray<{ name: string; fn: AnyFn; type: string }>;
}

export interface FeasibleResult {
  feasible: NodeInfo[];
  /** failing nodes with the status of the first plugin that rejected them */
  statuses: Map<string, PluginStatus>;
  /** the pre-filter rejection (all nodes fail with it) */
  preFilterStatus?: PluginStatus;
  evaluated: number;
}

export class Framework {
  private readonly built = new Map<string, { count: number; taps: Tap[] }>();
  /** where the next search for feasible nodes starts (spreads the work round-robin) */
  private nextStartNodeIndex = 0;

  constructor(
    readonly profile: ResolvedProfile,
    private readonly hooks: SchedulerHooks,
    /** names of the registered scheduler plugins (others are foreign taps, run everywhere) */
    private readonly registered: ReadonlySet<string>,
    /** 0 = adaptive (upstream) */
    private readonly percentageOfNodesToScore: number,
  ) {}

  get name(): string {
    return this.profile.schedulerName;
  }

  /** The taps to run at `point` for this profile (rebuilt when taps were added). */
  taps(point: ExtensionPoint | 'normalizeScore'): Tap[] {
    const hook = this.hooks[point] as unknown as HookLike;
    const cached = this.built.get(point);
    if (cached && cached.count === hook.taps.length) return cached.taps;
    const enabled = point === 'normalizeScore' ? this.profile.points.score : this.profile.points[point];
    const byName = new Map(hook.taps.map((t) => [t.name, t]));
    const taps: Tap[] = [];
    for (const e of enabled) {
      const t = byName.get(e.name);
      if (t) taps.push({ name: e.name, fn: t.fn, weight: e.weight });
    }
    for (const t of hook.taps) if (!this.registered.has(t.name)) taps.push({ name: t.name, fn: t.fn, weight: 1 });
    this.built.set(point, { count: hook.taps.length, taps });
    return taps;
  }

  less = (a: QueuedPodInfo, b: QueuedPodInfo): boolean => {
    const t = this.taps('queueSort')[0];
    if (t) return Boolean(t.fn(a, b));
    return a.timestamp < b.timestamp;
  };

  runPreFilter(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]): PluginStatus | undefined {
    for (const t of this.taps('preFilter')) {
      const s: PluginStatus | undefined = t.fn(pod, state, nodes);
      if (!s || s.code === 'Success') continue;
      if (s.code === 'Skip') {
        state.skipFilter.add(t.name);
        continue;
      }
      return { ...s, plugin: t.name };
    }
    return undefined;
  }

  runFilter(pod: Pod, ni: NodeInfo, state: CycleState): PluginStatus | undefined {
    const taps = this.taps('filter');
    for (let i = 0; i < taps.length; i++) {
      const t = taps[i];
      if (state.skipFilter.size && state.skipFilter.has(t.name)) continue;
      const s: PluginStatus | undefined = t.fn(pod, ni, state);
      if (s && s.code !== 'Success' && s.code !== 'Skip') return s.plugin ? s : { ...s, plugin: t.name };
    }
    return undefined;
  }

  /** upstream numFeasibleNodesToFind */
  numFeasibleNodesToFind(numAll: number): number {
    const pct = this.percentageOfNodesToScore;
    if (numAll < 100 || pct >= 100) return numAll;
    let adaptive = pct;
    if (adaptive <= 0) {
      adaptive = 50 - numAll / 125;
      if (adaptive < 5) adaptive = 5;
    }
    const n = Math.floor((numAll * adaptive) / 100);
    return n < 100 ? 100 : n;
  }

  findNodesThatFit(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]): FeasibleResult {
    const statuses = new Map<string, PluginStatus>();
    const pre = this.runPreFilter(pod, state, nodes);
    if (pre) {
      for (const n of nodes) statuses.set(n.name, pre);
      return { feasible: [], statuses, preFilterStatus: pre, evaluated: 0 };
    }
    const only = state.preFilterNodeNames;
    const candidates = only ? nodes.filter((n) => only.has(n.name)) : nodes;
    if (only) for (const n of nodes) if (!only.has(n.name)) statuses.set(n.name, { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't satisfy plugin(s) [prefilter]"], plugin: 'PreFilter' });
    const total = candidates.length;
    const want = this.numFeasibleNodesToFind(total);
    const feasible: NodeInfo[] = [];
    let evaluated = 0;
    const start = total ? this.nextStartNodeIndex % total : 0;
    // the filters this attempt runs (pre-filter Skips dropped once, not per node)
    const taps = this.taps('filter').filter((t) => !state.skipFilter.has(t.name));
    const nTaps = taps.length;
    for (let i = 0; i < total && feasible.length < want; i++) {
      const ni = candidates[(start + i) % total];
      evaluated++;
      let failed: PluginStatus | undefined;
      for (let j = 0; j < nTaps; j++) {
        const s: PluginStatus | undefined = taps[j].fn(pod, ni, state);
        if (s && s.code !== 'Success' && s.code !== 'Skip') {
          failed = s.plugin ? s : { ...s, plugin: taps[j].name };
          break;
        }
      }
      if (failed) statuses.set(ni.name, failed);
      else feasible.push(ni);
    }
    this.nextStartNodeIndex = total ? (start + evaluated) % total : 0;
    return { feasible, statuses, evaluated };
  }

  async runPostFilter(pod: Pod, state: CycleState, statuses: Map<string, PluginStatus>): Promise<PostFilterResult | undefined> {
    let last: PostFilterResult | undefined;
    for (const t of this.taps('postFilter')) {
      const r: PostFilterResult | undefined = await t.fn(pod, state, statuses);
      if (r?.nominatedNodeName) return r;
      if (r) last = r;
    }
    return last;
  }

  /** Weighted total score per feasible node (same order as `nodes`). */
  prioritize(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    const scoreTaps = this.taps('score');
    if (scoreTaps.length === 0) return totals;
    for (const t of this.taps('preScore')) {
      const s: PluginStatus | undefined = t.fn(pod, state, nodes);
      if (s?.code === 'Skip') state.skipScore.add(t.name);
    }
    const normalizers = new Map(this.taps('normalizeScore').map((t) => [t.name, t.fn]));
    for (const t of scoreTaps) {
      if (state.skipScore.has(t.name)) continue;
      const scores: NodeScore[] = new Array(nodes.length);
      for (let i = 0; i < nodes.length; i++) scores[i] = { name: nodes[i].name, score: Number(t.fn(pod, nodes[i], state)) || 0 };
      normalizers.get(t.name)?.(pod, scores, state);
      for (let i = 0; i < nodes.length; i++) totals[i] += Math.max(0, Math.min(MAX_NODE_SCORE, scores[i].score)) * t.weight;
    }
    return totals;
  }

  runReserve(pod: Pod, nodeName: string, state: CycleState): PluginStatus | undefined {
    for (const t of this.taps('reserve')) {
      const s: PluginStatus | undefined = t.fn(pod, nodeName, state);
      if (s && s.code !== 'Success' && s.code !== 'Skip') return { ...s, plugin: t.name };
    }
    return undefined;
  }

  async runAsync(point: 'permit' | 'preBind', pod: Pod, nodeName: string, state: CycleState): Promise<PluginStatus | undefined> {
    for (const t of this.taps(point)) {
      const s: PluginStatus | undefined = await t.fn(pod, nodeName, state);
      if (s && s.code !== 'Success' && s.code !== 'Skip') return { ...s, plugin: t.name };
    }
    return undefined;
  }

  /** The first binder that does not Skip binds; undefined = bound. */
  async runBind(pod: Pod, nodeName: string, state: CycleState): Promise<PluginStatus | undefined> {
    for (const t of this.taps('bind')) {
      const s: PluginStatus | undefined = await t.fn(pod, nodeName, state);
      if (s?.code === 'Skip') continue;
      if (!s || s.code === 'Success') return undefined;
      return { ...s, plugin: t.name };
    }
    return { code: 'Error', reasons: ['no bind plugin bound the pod'] };
  }

  runPostBind(pod: Pod, nodeName: string, state: CycleState): void {
    for (const t of this.taps('postBind')) t.fn(pod, nodeName, state);
  }
}

/** upstream FitError: `0/3 nodes are available: 3 Insufficient cpu.` (+ the post-filter message) */
export function fitErrorMessage(numAll: number, statuses: Map<string, PluginStatus>, preFilter?: PluginStatus, postFilterMsg?: string): string {
  let msg = `0/${numAll} nodes are available:`;
  if (preFilter && preFilter.reasons?.length) msg += ` ${preFilter.reasons.join(', ')}.`;
  else msg += ` ${reasonHistogram(statuses)}.`;
  if (postFilterMsg) msg += ` ${postFilterMsg}.`;
  return msg;
}

/** `3 Insufficient cpu, 2 node(s) had untolerated taint {a: b}` sorted as upstream does. */
export function reasonHistogram(statuses: Map<string, PluginStatus>): string {
  const counts = new Map<string, number>();
  for (const s of statuses.values()) for (const r of s.reasons ?? []) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}
