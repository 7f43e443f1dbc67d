/**
 * InterPodAffinity (preFilter, filter, preScore, score): required pod affinity (some pod matching
 * every term runs in the node's topology domain, or none anywhere and the pod matches its own
 * terms), required anti-affinity (no matching pod in the domain), existing pods' required
 * anti-affinity against the incoming pod; preferred terms of both sides weigh topology domains,
 * normalized min-max to 0..100.
 */
import { defineSchedulerPlugin } from '../shared/define';
import { SKIP, unresolvable, unschedulable, type CycleState, type NodeInfo, type NodeScore, type PluginStatus, type Pod } from '../shared/types';
import { pairKey, termMatches, termsOf, type AffinityTerm } from './terms';

export const PLUGIN_NAME = 'InterPodAffinity';
export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI = "node(s) didn't satisfy existing pods anti-affinity rules";
const KEY = 'InterPodAffinity/pre';
const SCORE_KEY = 'InterPodAffinity/score';

interface PreState {
  existingAnti: Map<string, number>;
  existingAntiKeys: Set<string>;
  affinity: Map<string, number>;
  anti: Map<string, number>;
  affinityTerms: AffinityTerm[];
  antiTerms: AffinityTerm[];
  matchesOwnTerms: boolean;
}

const inc = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

/** One node's contribution to a pre-filter state (counts keyed by topology pair). */
interface NodeContribution {
  existingAnti: Array<[string, string]>;
  affinity: string[];
  anti: string[];
}

/**
 * Per node and pod signature (namespace, labels, required terms), the contribution computed at a
 * node generation: pods of one template meet the same question on every attempt, and only the
 * nodes that changed since (a pod bound, a label set) are counted again.
 */
const memo = new WeakMap<NodeInfo, Map<string, { generation: number; c: NodeContribution }>>();
const signatures = new WeakMap<Pod, string>();

function signatureOf(pod: Pod): string {
  let sig = signatures.get(pod);
  if (sig === undefined) {
    const a = pod.spec?.affinity ?? {};
    sig = JSON.stringify([pod.metadata?.namespace ?? '', pod.metadata?.labels ?? {}, a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null, a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null]);
    signatures.set(pod, sig);
  }
  return sig;
}

function contribution(pod: Pod, t: ReturnType<typeof termsOf>, ni: NodeInfo, incoming: boolean): NodeContribution {
  const labels = pod.metadata?.labels ?? {};
  const ns = pod.metadata?.namespace ?? '';
  const c: NodeContribution = { existingAnti: [], affinity: [], anti: [] };
  for (const other of ni.pods.values()) {
    if (ni.podsWithAffinity > 0) {
      for (const term of termsOf(other.pod).requiredAnti) {
        if (!termMatches(term, labels, ns)) continue;
        const v = ni.labels[term.topologyKey];
        if (v !== undefined) c.existingAnti.push([term.topologyKey, pairKey(term.topologyKey, v)]);
      }
    }
    if (!incoming) continue;
    if (t.requiredAffinity.length && t.requiredAffinity.every((x) => termMatches(x, other.labels, other.namespace))) {
      for (const term of t.requiredAffinity) {
        const v = ni.labels[term.topologyKey];
        if (v !== undefined) c.affinity.push(pairKey(term.topologyKey, v));
      }
    }
    for (const term of t.requiredAnti) {
      if (!termMatches(term, other.labels, other.namespace)) continue;
      const v = ni.labels[term.topologyKey];
      if (v !== undefined) c.anti.push(pairKey(term.topologyKey, v));
    }
  }
  return c;
}

export function preFilter(pod: Pod, nodes: readonly NodeInfo[]): PreState | undefined {
  const t = termsOf(pod);
  const labels = pod.metadata?.labels ?? {};
  const ns = pod.metadata?.namespace ?? '';
  const s: PreState = {
    existingAnti: new Map(),
    existingAntiKeys: new Set(),
    affinity: new Map(),
    anti: new Map(),
    affinityTerms: t.requiredAffinity,
    antiTerms: t.requiredAnti,
    matchesOwnTerms: t.requiredAffinity.every((x) => termMatches(x, labels, ns)),
  };
  const incoming = t.requiredAffinity.length > 0 || t.requiredAnti.length > 0;
  const sig = signatureOf(pod);
  let anyExisting = false;
  for (const ni of nodes) {
    if (!incoming && ni.podsWithAffinity === 0) continue;
    if (ni.pods.size === 0) continue;
    let m = memo.get(ni);
    if (!m) memo.set(ni, (m = new Map()));
    let e = m.get(sig);
    if (!e || e.generation !== ni.generation) {
      if (!e && m.size >= 64) m.clear();
      e = { generation: ni.generation, c: contribution(pod, t, ni, incoming) };
      m.set(sig, e);
    }
    for (const [key, pair] of e.c.existingAnti) {
      inc(s.existingAnti, pair);
      s.existingAntiKeys.add(key);
      anyExisting = true;
    }
    for (const pair of e.c.affinity) inc(s.affinity, pair);
    for (const pair of e.c.anti) inc(s.anti, pair);
  }
  return incoming || anyExisting ? s : undefined;
}

export function filter(s: PreState, ni: NodeInfo): PluginStatus | undefined {
  for (const k of s.existingAntiKeys) {
    const v = ni.labels[k];
    if (v !== undefined && (s.existingAnti.get(pairKey(k, v)) ?? 0) > 0) return unschedulable(ERR_EXISTING_ANTI);
  }
  for (const term of s.antiTerms) {
    const v = ni.labels[term.topologyKey];
    if (v !== undefined && (s.anti.get(pairKey(term.topologyKey, v)) ?? 0) > 0) return unschedulable(ERR_ANTI);
  }
  if (s.affinityTerms.length) {
    let ok = true;
    for (const term of s.affinityTerms) {
      const v = ni.labels[term.topologyKey];
      if (v === undefined) return unresolvable(ERR_AFFINITY);
      if ((s.affinity.get(pairKey(term.topologyKey, v)) ?? 0) <= 0) ok = false;
    }
    // no pod matches anywhere: the first pod of a group that is affine to itself may go anywhere
    if (!ok && !(s.affinity.size === 0 && s.matchesOwnTerms)) return unresolvable(ERR_AFFINITY);
  }
  return undefined;
}

const scoreMemo = new WeakMap<NodeInfo, Map<string, { generation: number; c: Array<[string, string, number]> }>>();
const scoreSignatures = new WeakMap<Pod, string>();

function scoreSignatureOf(pod: Pod, hardPodAffinityWeight: number): string {
  let sig = scoreSignatures.get(pod);
  if (sig === undefined) {
    const a = pod.spec?.affinity ?? {};
    sig = JSON.stringify([hardPodAffinityWeight, pod.metadata?.namespace ?? '', pod.metadata?.labels ?? {}, a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? null, a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? null]);
    scoreSignatures.set(pod, sig);
  }
  return sig;
}

/** One node's weights toward the incoming pod: [topologyKey, pair, weight]. */
function scoreContribution(pod: Pod, t: ReturnType<typeof termsOf>, ni: NodeInfo, hardPodAffinityWeight: number): Array<[string, string, number]> {
  const labels = pod.metadata?.labels ?? {};
  const ns = pod.metadata?.namespace ?? '';
  const out: Array<[string, string, number]> = [];
  const add = (term: AffinityTerm, w: number) => {
    const v = ni.labels[term.topologyKey];
    if (v !== undefined && w !== 0) out.push([term.topologyKey, pairKey(term.topologyKey, v), w]);
  };
  for (const other of ni.pods.values()) {
    for (const term of t.preferredAffinity) if (termMatches(term, other.labels, other.namespace)) add(term, term.weight);
    for (const term of t.preferredAnti) if (termMatches(term, other.labels, other.namespace)) add(term, -term.weight);
    if (ni.podsWithAffinity === 0) continue;
    const ot = termsOf(other.pod);
    for (const term of ot.preferredAffinity) if (termMatches(term, labels, ns)) add(term, term.weight);
    for (const term of ot.preferredAnti) if (termMatches(term, labels, ns)) add(term, -term.weight);
    for (const term of ot.requiredAffinity) if (termMatches(term, labels, ns)) add(term, hardPodAffinityWeight);
  }
  return out;
}

/** topology pair -> weight, from the incoming pod's preferred terms and existing pods' terms toward it (memoized per node as preFilter) */
export function preScore(pod: Pod, nodes: readonly NodeInfo[], hardPodAffinityWeight = 1): { pairs: Map<string, number>; keys: Set<string> } | undefined {
  const t = termsOf(pod);
  const incoming = t.preferredAffinity.length + t.preferredAnti.length > 0;
  const pairs = new Map<string, number>();
  const keys = new Set<string>();
  const sig = scoreSignatureOf(pod, hardPodAffinityWeight);
  for (const ni of nodes) {
    if (!incoming && ni.podsWithAffinity === 0) continue;
    if (ni.pods.size === 0) continue;
    let m = scoreMemo.get(ni);
    if (!m) scoreMemo.set(ni, (m = new Map()));
    let e = m.get(sig);
    if (!e || e.generation !== ni.generation) {
      if (!e && m.size >= 64) m.clear();
      e = { generation: ni.generation, c: scoreContribution(pod, t, ni, hardPodAffinityWeight) };
      m.set(sig, e);
    }
    for (const [key, pair, w] of e.c) {
      inc(pairs, pair, w);
      keys.add(key);
    }
  }
  return pairs.size ? { pairs, keys } : undefined;
}

export function score(s: { pairs: Map<string, number>; keys: Set<string> }, ni: NodeInfo): number {
  let total = 0;
  for (const k of s.keys) {
    const v = ni.labels[k];
    if (v !== undefined) total += s.pairs.get(pairKey(k, v)) ?? 0;
  }
  return total;
}

export function normalize(scores: NodeScore[]): void {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s.score < min) min = s.score;
    if (s.score > max) max = s.score;
  }
  const diff = max - min;
  for (const s of scores) s.score = diff > 0 ? Math.floor((100 * (s.score - min)) / diff) : 0;
}

export interface InterPodAffinityArgs {
  hardPodAffinityWeight?: number;
}

export default defineSchedulerPlugin<InterPodAffinityArgs>({
  name: PLUGIN_NAME,
  description: 'filter: required pod (anti-)affinity; score: preferred pod (anti-)affinity',
  defaultPoints: ['preFilter', 'filter', 'preScore', 'score'],
  defaultWeight: 2,
  optionsSchema: { type: 'object', additionalProperties: false, properties: { hardPodAffinityWeight: { type: 'integer', minimum: 0, maximum: 100, default: 1 } } },
  points: (_server, options) => ({
    preFilter(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]) {
      const s = preFilter(pod, nodes);
      if (!s) return SKIP;
      state.write(KEY, s);
      return undefined;
    },
    filter(pod: Pod, ni: NodeInfo, state: CycleState) {
      const s = state.read<PreState>(KEY) ?? preFilter(pod, state.allNodes);
      return s ? filter(s, ni) : undefined;
    },
    preScore(pod: Pod, state: CycleState) {
      const args = state.args(PLUGIN_NAME, options);
      const s = preScore(pod, state.allNodes, args.hardPodAffinityWeight ?? 1);
      if (!s) return SKIP;
      state.write(SCORE_KEY, s);
      return undefined;
    },
    score(_pod: Pod, ni: NodeInfo, state: CycleState) {
      const s = state.read<{ pairs: Map<string, number>; keys: Set<string> }>(SCORE_KEY);
      return s ? score(s, ni) : 0;
    },
    normalizeScore(_pod, scores) {
      normalize(scores);
    },
  }),
});
