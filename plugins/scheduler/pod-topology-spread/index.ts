/**
 * PodTopologySpread (preFilter, filter, preScore, score): `topologySpreadConstraints` with
 * DoNotSchedule keep the skew (matching pods in the node's domain + 1 - the global minimum) within
 * maxSkew; ScheduleAnyway constraints (and, for pods of a ReplicaSet, StatefulSet or
 * ReplicationController without constraints, the system defaults: hostname maxSkew 3, zone maxSkew
 * 5) prefer the least crowded domains. Nodes count when they match the pod's nodeSelector/affinity
 * (nodeAffinityPolicy Honor) and carry every topology key; taints are ignored (nodeTaintsPolicy Ignore).
 */
import { labelSelectorFromObject, type LabelSelector } from '../../../core/api/selectors';
import { defineSchedulerPlugin } from '../shared/define';
import { podMatchesNodeSelectorAndAffinity, records } from '../shared/pod';
import { SKIP, unresolvable, unschedulable, type CycleState, type Json, type NodeInfo, type NodeScore, type PluginStatus, type Pod } from '../shared/types';

export const PLUGIN_NAME = 'PodTopologySpread';
export const ERR_REASON = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const KEY = 'PodTopologySpread/filter';
const SCORE_KEY = 'PodTopologySpread/score';

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  hard: boolean;
  selector: LabelSelector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

export const SYSTEM_DEFAULT_CONSTRAINTS = Object.freeze([
  { maxSkew: 3, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
  { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
]);

const SPREAD_OWNERS = new Set(['ReplicaSet', 'StatefulSet', 'ReplicationController']);

export function constraintsOf(pod: Pod, systemDefaults = true): Constraint[] {
  let list = records(pod.spec?.topologySpreadConstraints);
  const labels: Record<string, string> = pod.metadata?.labels ?? {};
  let defaulted = false;
  if (list.length === 0 && systemDefaults && (pod.metadata?.ownerReferences ?? []).some((r: Json) => r.controller && SPREAD_OWNERS.has(r.kind))) {
    list = SYSTEM_DEFAULT_CONSTRAINTS.map((c) => ({ ...c }));
    defaulted = true;
  }
  const out: Constraint[] = [];
  for (const c of list) {
    let selector: LabelSelector | undefined;
    if (defaulted) {
      const own = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'pod-template-hash'));
      selector = labelSelectorFromObject({ matchLabels: own });
    } else {
      const extra: Record<string, string> = {};
      for (const k of Array.isArray(c.matchLabelKeys) ? c.matchLabelKeys : []) if (k in labels) extra[k] = labels[k];
      const base = (c.labelSelector ?? {}) as Json;
      selector = c.labelSelector ? labelSelectorFromObject({ ...base, matchLabels: { ...(base.matchLabels ?? {}), ...extra } }) : undefined;
    }
    if (!selector) selector = labelSelectorFromObject({ matchExpressions: [{ key: '\u0000never', operator: 'Exists' }] })!;
    out.push({
      maxSkew: Number(c.maxSkew ?? 1),
      topologyKey: String(c.topologyKey ?? ''),
      hard: c.whenUnsatisfiable !== 'ScheduleAnyway',
      selector,
      minDomains: Number(c.minDomains ?? 1),
      honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

function untoleratedNoSchedule(pod: Pod, ni: NodeInfo): boolean {
  const tol = records(pod.spec?.tolerations);
  return ni.taints.some((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tol.some((x) => (!x.effect || x.effect === t.effect) && (!x.key || x.key === t.key) && ((x.operator ?? 'Equal') === 'Exists' || (x.value ?? '') === (t.value ?? ''))));
}

/** Per constraint: matching pods per domain over the nodes that count. */
export function countDomains(pod: Pod, constraints: Constraint[], nodes: readonly NodeInfo[], requireAllTopologies = true): Array<Map<string, number>> {
  const ns = pod.metadata?.namespace ?? '';
  const counts = constraints.map(() => new Map<string, number>());
  for (const ni of nodes) {
    if (requireAllTopologies && !constraints.every((c) => ni.labels[c.topologyKey] !== undefined)) continue;
    constraints.forEach((c, i) => {
      if (ni.labels[c.topologyKey] === undefined) return;
      if (c.honorAffinity && !podMatchesNodeSelectorAndAffinity(pod, ni)) return;
      if (c.honorTaints && untoleratedNoSchedule(pod, ni)) return;
      const v = ni.labels[c.topologyKey];
      let n = counts[i].get(v) ?? 0;
      for (const other of ni.pods.values()) {
        if (other.namespace !== ns || other.pod.metadata?.deletionTimestamp) continue;
        if (c.selector.matches(other.labels)) n++;
      }
      counts[i].set(v, n);
    });
  }
  return counts;
}

interface FilterState {
  constraints: Constraint[];
  counts: Array<Map<string, number>>;
  minMatch: number[];
  selfMatch: boolean[];
}

export function filterState(pod: Pod, nodes: readonly NodeInfo[]): FilterState | undefined {
  const constraints = constraintsOf(pod, false).filter((c) => c.hard);
  if (constraints.length === 0) return undefined;
  const counts = countDomains(pod, constraints, nodes);
  const labels = pod.metadata?.labels ?? {};
  const minMatch = constraints.map((c, i) => {
    const m = counts[i];
    if (m.size < c.minDomains) return 0;
    let min = Infinity;
    for (const v of m.values()) if (v < min) min = v;
    return min === Infinity ? 0 : min;
  });
  return { constraints, counts, minMatch, selfMatch: constraints.map((c) => c.selector.matches(labels)) };
}

export function spreadFilter(s: FilterState, ni: NodeInfo): PluginStatus | undefined {
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    const v = ni.labels[c.topologyKey];
    if (v === undefined) return unresolvable(ERR_REASON_MISSING_LABEL);
    const skew = (s.counts[i].get(v) ?? 0) + (s.selfMatch[i] ? 1 : 0) - s.minMatch[i];
    if (skew > c.maxSkew) return unschedulable(ERR_REASON);
  }
  return undefined;
}

interface ScoreState {
  /** the pod's own constraints (false: system defaults, where a node may lack a key) */
  requireAllTopologies: boolean;
  constraints: Constraint[];
  counts: Array<Map<string, number>>;
  weights: number[];
}

export function spreadScore(s: ScoreState, ni: NodeInfo): number {
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const v = ni.labels[s.constraints[i].topologyKey];
    if (v === undefined) {
      if (s.requireAllTopologies) return -1;
      continue;
    }
    score += (s.counts[i].get(v) ?? 0) * s.weights[i] + (s.constraints[i].maxSkew - 1);
  }
  return Math.round(score);
}

/** upstream NormalizeScore: fewer matching pods is better; nodes without the keys (-1) get 0. */
export function spreadNormalize(scores: NodeScore[]): void {
  let min = Infinity;
  let max = 0;
  for (const s of scores) {
    if (s.score < 0) continue;
    if (s.score < min) min = s.score;
    if (s.score > max) max = s.score;
  }
  for (const s of scores) {
    if (s.score < 0) s.score = 0;
    else if (max === 0) s.score = 100;
    else s.score = Math.floor((100 * (max + min - s.score)) / max);
  }
}

export interface PodTopologySpreadArgs {
  defaultingType?: 'System' | 'List';
}

export default defineSchedulerPlugin<PodTopologySpreadArgs>({
  name: PLUGIN_NAME,
  description: 'filter: DoNotSchedule spread constraints; score: ScheduleAnyway constraints and system defaults',
  defaultPoints: ['preFilter', 'filter', 'preScore', 'score'],
  defaultWeight: 2,
  optionsSchema: { type: 'object', additionalProperties: false, properties: { defaultingType: { enum: ['System', 'List'], default: 'System' } } },
  points: (_server, options) => ({
    preFilter(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]) {
      const s = filterState(pod, nodes);
      if (!s) return SKIP;
      state.write(KEY, s);
      return undefined;
    },
    filter(pod: Pod, ni: NodeInfo, state: CycleState) {
      const s = state.read<FilterState>(KEY) ?? filterState(pod, state.allNodes);
      return s ? spreadFilter(s, ni) : undefined;
    },
    preScore(pod: Pod, state: CycleState) {
      const args = state.args(PLUGIN_NAME, options);
      const constraints = constraintsOf(pod, args.defaultingType !== 'List').filter((c) => !c.hard);
      if (constraints.length === 0) return SKIP;
      const requireAllTopologies = records(pod.spec?.topologySpreadConstraints).length > 0;
      const counts = countDomains(pod, constraints, state.allNodes, requireAllTopologies);
      state.write(SCORE_KEY, { requireAllTopologies, constraints, counts, weights: counts.map((m) => Math.log(m.size + 2)) });
      return undefined;
    },
    score(_pod: Pod, ni: NodeInfo, state: CycleState) {
      const s = state.read<ScoreState>(SCORE_KEY);
      return s ? spreadScore(s, ni) : 0;
    },
    normalizeScore(_pod, scores) {
      spreadNormalize(scores);
    },
  }),
});
