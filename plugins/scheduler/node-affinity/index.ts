/**
 * NodeAffinity (preFilter, filter, preScore, score): `spec.nodeSelector` and the required node
 * affinity must match the node's labels (matchFields on metadata.name narrow the nodes in
 * preFilter); preferred terms add their weight, normalized to 0..100.
 */
import { defineSchedulerPlugin } from '../shared/define';
import { defaultNormalizeScore, matchNodeSelectorTerm, podMatchesNodeSelectorAndAffinity, records } from '../shared/pod';
import { SKIP, unresolvable, type CycleState, type Json, type NodeInfo, type PluginStatus, type Pod } from '../shared/types';

export const PLUGIN_NAME = 'NodeAffinity';
export const ERR_REASON = "node(s) didn't match Pod's node affinity/selector";

/** Node names every required term pins with `matchFields metadata.name In [...]` (undefined: not pinned). */
export function pinnedNodeNames(pod: Pod): Set<string> | undefined {
  const terms = records(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms);
  if (terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    const f = records(t.matchFields).find((m) => m.key === 'metadata.name' && m.operator === 'In');
    if (!f) return undefined;
    for (const v of Array.isArray(f.values) ? f.values : []) names.add(String(v));
  }
  return names;
}

export function preferredScore(pod: Pod, ni: NodeInfo): number {
  let score = 0;
  for (const p of records(pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution)) {
    const w = Number(p.weight ?? 0);
    if (w !== 0 && p.preference && matchNodeSelectorTerm(p.preference as Json, ni.labels, ni.name)) score += w;
  }
  return score;
}

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'filter: nodeSelector and required node affinity; score: preferred node affinity',
  defaultPoints: ['preFilter', 'filter', 'preScore', 'score'],
  defaultWeight: 2,
  points: () => ({
    preFilter(pod: Pod, state: CycleState) {
      const spec = pod.spec ?? {};
      if (!spec.nodeSelector && !spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) return SKIP;
      const pinned = pinnedNodeNames(pod);
      if (pinned) {
        const prior = state.preFilterNodeNames;
        state.preFilterNodeNames = prior ? new Set([...pinned].filter((n) => prior.has(n))) : pinned;
      }
      return undefined;
    },
    filter(pod: Pod, ni: NodeInfo): PluginStatus | undefined {
      return podMatchesNodeSelectorAndAffinity(pod, ni) ? undefined : unresolvable(ERR_REASON);
    },
    preScore(pod: Pod) {
      return records(pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).length ? undefined : SKIP;
    },
    score: preferredScore,
    normalizeScore(_pod, scores) {
      defaultNormalizeScore(scores, false);
    },
  }),
});
