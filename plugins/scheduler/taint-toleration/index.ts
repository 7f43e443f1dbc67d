/**
 * TaintToleration (filter, preScore, score): NoSchedule and NoExecute taints must be tolerated
 * (`node(s) had untolerated taint {key: value}`); nodes with fewer untolerated PreferNoSchedule
 * taints score higher (normalized in reverse).
 */
import { defineSchedulerPlugin } from '../shared/define';
import { defaultNormalizeScore, podTolerations, toleratedByAll } from '../shared/pod';
import { unresolvable, type CycleState, type Json, type NodeInfo, type PluginStatus, type Pod } from '../shared/types';

export const PLUGIN_NAME = 'TaintToleration';
const KEY = 'TaintToleration/prefer';

/** The first NoSchedule/NoExecute taint the tolerations do not tolerate. */
export function untoleratedTaint(taints: readonly Json[], tolerations: Json[]): Json | undefined {
  for (const t of taints) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!toleratedByAll(tolerations, t)) return t;
  }
  return undefined;
}

export function taintFilter(pod: Pod, ni: NodeInfo): PluginStatus | undefined {
  if (ni.taints.length === 0) return undefined;
  const t = untoleratedTaint(ni.taints, podTolerations(pod));
  return t ? unresolvable(`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`) : undefined;
}

/** Untolerated PreferNoSchedule taints (tolerations with effect PreferNoSchedule or none count). */
export function intolerablePreferNoSchedule(taints: readonly Json[], tolerations: Json[]): number {
  const prefer = tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  let n = 0;
  for (const t of taints) if (t.effect === 'PreferNoSchedule' && !toleratedByAll(prefer, t)) n++;
  return n;
}

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'filter: NoSchedule/NoExecute taints tolerated; score: fewer PreferNoSchedule taints',
  defaultPoints: ['filter', 'preScore', 'score'],
  defaultWeight: 3,
  points: () => ({
    filter: taintFilter,
    preScore(pod: Pod, state: CycleState) {
      state.write(KEY, podTolerations(pod));
      return undefined;
    },
    score(pod: Pod, ni: NodeInfo, state: CycleState): number {
      if (ni.taints.length === 0) return 0;
      return intolerablePreferNoSchedule(ni.taints, state.read<Json[]>(KEY) ?? podTolerations(pod));
    },
    normalizeScore(_pod, scores) {
      defaultNormalizeScore(scores, true);
    },
  }),
});
