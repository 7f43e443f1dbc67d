/**
 * DefaultPreemption (postFilter): when no node fits, find the node where evicting the fewest,
 * lowest-priority pods (avoiding PodDisruptionBudget violations where possible) lets the pod fit,
 * delete those victims (a `Preempted` event on each), and nominate the node
 * (`status.nominatedNodeName`); the pod is scheduled there once they are gone. Pods with
 * `preemptionPolicy: Never` do not preempt.
 */
import { gvr } from '../../../core/client';
import { recordEvent } from '../../controllers/shared/job-events';
import { getScheduler } from '../scheduler';
import { defineSchedulerPlugin } from '../shared/define';
import { podInfoOf } from '../shared/pod';
import type { CycleState, Json, PluginStatus, Pod } from '../shared/types';
import { candidateNodes, pdbsOf, pickOne, preemptionMessage, selectVictimsOnNode, type Victims } from './preemption';

export const PLUGIN_NAME = 'DefaultPreemption';
const PODS = gvr('v1', 'pods');

export interface DefaultPreemptionArgs {
  /** candidates examined: at least this share of the nodes ... */
  minCandidateNodesPercentage?: number;
  /** ... and at least this many */
  minCandidateNodesAbsolute?: number;
}

export default defineSchedulerPlugin<DefaultPreemptionArgs>({
  name: PLUGIN_NAME,
  description: 'postFilter: preempt lower-priority pods, nominate the node',
  defaultPoints: ['postFilter'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minCandidateNodesPercentage: { type: 'integer', minimum: 0, maximum: 100, default: 10 },
      minCandidateNodesAbsolute: { type: 'integer', minimum: 0, default: 100 },
    },
  },
  points: (server, options) => ({
    async postFilter(pod: Pod, state: CycleState, statuses: Map<string, PluginStatus>) {
      const s = getScheduler(server);
      const fw = s?.frameworks.get(state.profile);
      if (!s || !fw) return undefined;
      if (pod.spec?.preemptionPolicy === 'Never') return { message: 'preemption: not eligible due to preemptionPolicy=Never.' };
      const pi = podInfoOf(pod);
      const nodes = state.allNodes;
      const candidates = candidateNodes(nodes, statuses);
      const args = state.args(PLUGIN_NAME, options);
      const limit = Math.max(Math.floor((nodes.length * (args.minCandidateNodesPercentage ?? 10)) / 100), args.minCandidateNodesAbsolute ?? 100);
      const pdbs = pdbsOf((s.pdbLister?.list() ?? []) as Json[]);
      const found: Victims[] = [];
      for (const ni of candidates) {
        const v = selectVictimsOnNode(fw, pod, pi, nodes, ni, pdbs, state.profile, state.pluginConfig);
        if (v) found.push(v);
        if (found.length >= limit) break;
      }
      const best = pickOne(found);
      if (!best) return { message: preemptionMessage(nodes.length, candidates.length) };
      for (const victim of best.pods) {
        const ref = { namespace: victim.namespace, name: String(victim.pod.metadata?.name ?? '') };
        await s.writer.delete(PODS, ref, { preconditions: { uid: victim.pod.metadata?.uid } }).catch(() => undefined);
        void recordEvent(s.writer, { ...victim.pod, apiVersion: 'v1', kind: 'Pod' } as never, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata?.uid} on node ${best.node}`, state.profile);
      }
      return { nominatedNodeName: best.node };
    },
  }),
});
