/**
 * Preemption as upstream's DefaultPreemption does it: candidate nodes are those where the pod
 * failed with a resolvable status; on each, every lower-priority pod is removed and the pod must
 * fit; then victims are reprieved highest priority first (PDB-violating ones before the others)
 * while the pod still fits. The node chosen has the fewest PDB violations, then the lowest
 * highest-victim priority, the smallest priority sum, the fewest victims, the latest start.
 */
import { labelSelectorFromObject } from '../../../core/api/selectors';
import { addOrRemovePod, cloneNodeInfo } from '../shared/cache';
import type { Framework } from '../shared/framework';
import { CycleState, type Json, type NodeInfo, type PluginStatus, type Pod, type PodInfo } from '../shared/types';

export interface Victims {
  node: string;
  pods: PodInfo[];
  pdbViolations: number;
}

export const ERR_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const ERR_NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/** Does the pod fit `target` when the cluster looks like `nodes` (with `target` swapped in)? */
function fits(fw: Framework, pod: Pod, nodes: readonly NodeInfo[], target: NodeInfo, profile: string, pluginConfig: CycleState['pluginConfig']): boolean {
  const swapped = nodes.map((n) => (n.name === target.name ? target : n));
  const state = new CycleState(profile, swapped, pluginConfig);
  if (fw.runPreFilter(pod, state, swapped)) return false;
  if (state.preFilterNodeNames && !state.preFilterNodeNames.has(target.name)) return false;
  return !fw.runFilter(pod, target, state);
}

interface Pdb {
  namespace: string;
  selector: ReturnType<typeof labelSelectorFromObject>;
  allowed: number;
}

export function pdbsOf(objects: readonly Json[]): Pdb[] {
  return objects.map((o) => ({ namespace: String(o.metadata?.namespace ?? ''), selector: labelSelectorFromObject(o.spec?.selector), allowed: Number(o.status?.disruptionsAllowed ?? 0) }));
}

/** Split victims into those whose eviction would violate a PDB and the others (upstream filterPodsWithPDBViolation). */
function splitByPdb(victims: PodInfo[], pdbs: Pdb[]): [PodInfo[], PodInfo[]] {
  const allowed = pdbs.map((p) => p.allowed);
  const violating: PodInfo[] = [];
  const ok: PodInfo[] = [];
  for (const v of victims) {
    let violates = false;
    pdbs.forEach((p, i) => {
      if (p.namespace !== v.namespace || !p.selector || p.selector.empty || !p.selector.matches(v.labels)) return;
      allowed[i]--;
      if (allowed[i] < 0) violates = true;
    });
    (violates ? violating : ok).push(v);
  }
  return [violating, ok];
}

const startOf = (p: PodInfo) => Date.parse(p.pod.status?.startTime ?? p.pod.metadata?.creationTimestamp ?? '') || 0;
const morePriority = (a: PodInfo, b: PodInfo) => b.priority - a.priority || startOf(a) - startOf(b);

/** Victims on one node, or undefined when even removing every lower-priority pod does not help. */
export function selectVictimsOnNode(fw: Framework, pod: Pod, pi: PodInfo, nodes: readonly NodeInfo[], ni: NodeInfo, pdbs: Pdb[], profile: string, pluginConfig: CycleState['pluginConfig']): Victims | undefined {
  const clone = cloneNodeInfo(ni);
  const lower = [...ni.pods.values()].filter((p) => p.priority < pi.priority);
  if (lower.length === 0) return undefined;
  for (const p of lower) addOrRemovePod(clone, p, -1);
  if (!fits(fw, pod, nodes, clone, profile, pluginConfig)) return undefined;
  lower.sort(morePriority);
  const [violating, ok] = splitByPdb(lower, pdbs);
  const victims: PodInfo[] = [];
  let pdbViolations = 0;
  const reprieve = (p: PodInfo, counts: boolean) => {
    addOrRemovePod(clone, p, 1);
    if (fits(fw, pod, nodes, clone, profile, pluginConfig)) return;
    addOrRemovePod(clone, p, -1);
    victims.push(p);
    if (counts) pdbViolations++;
  };
  for (const p of violating) reprieve(p, true);
  for (const p of ok) reprieve(p, false);
  return { node: ni.name, pods: victims, pdbViolations };
}

/** upstream pickOneNodeForPreemption */
export function pickOne(candidates: Victims[]): Victims | undefined {
  const keys: Array<(v: Victims) => number> = [
    (v) => -v.pdbViolations,
    (v) => -(v.pods.length ? Math.max(...v.pods.map((p) => p.priority)) : -Infinity),
    (v) => -v.pods.reduce((a, p) => a + p.priority + 2_147_483_648, 0),
    (v) => -v.pods.length,
    (v) => {
      const top = v.pods.length ? Math.max(...v.pods.map((p) => p.priority)) : 0;
      const starts = v.pods.filter((p) => p.priority === top).map(startOf);
      return starts.length ? Math.min(...starts) : 0;
    },
  ];
  let pool = candidates;
  for (const key of keys) {
    if (pool.length <= 1) break;
    const best = Math.max(...pool.map(key));
    pool = pool.filter((v) => key(v) === best);
  }
  return pool[0];
}

/** Candidate nodes: failed with a resolvable status. */
export function candidateNodes(nodes: readonly NodeInfo[], statuses: Map<string, PluginStatus>): NodeInfo[] {
  return nodes.filter((n) => {
    const s = statuses.get(n.name);
    return !s || s.code === 'Unschedulable';
  });
}

/** `preemption: 0/3 nodes are available: 2 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.` */
export function preemptionMessage(total: number, candidates: number): string {
  const parts: string[] = [];
  if (candidates > 0) parts.push(`${candidates} ${ERR_NO_VICTIMS}`);
  if (total - candidates > 0) parts.push(`${total - candidates} ${ERR_NOT_HELPFUL}`);
  return `preemption: 0/${total} nodes are available: ${parts.sort().join(', ')}.`;
}
