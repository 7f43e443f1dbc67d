/**
 * The scheduler's small decisions, pure functions of their arguments: the host of the highest
 * score, and which pod and node updates matter to scheduling (requeueing, parked pods).
 */
import type { KObject } from '../../../core/registry/types';
import type { NodeInfo, Pod } from '../shared/types';

export function asPod(pod: Pod): KObject {
  return { ...pod, apiVersion: 'v1', kind: 'Pod' } as KObject;
}

/** The highest total; ties broken at random (reservoir sampling, as upstream). */
export function selectHost(nodes: readonly NodeInfo[], totals: readonly number[]): string {
  let best = -1;
  let pick = 0;
  let ties = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (totals[i] > best) {
      best = totals[i];
      pick = i;
      ties = 1;
    } else if (totals[i] === best) {
      ties++;
      if (Math.random() * ties < 1) pick = i;
    }
  }
  return nodes[pick].name;
}

/** upstream isPodUpdated: a change other than status, resourceVersion, generation or managedFields */
export function podUpdated(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = p.metadata ?? {};
    return JSON.stringify([meta, p.spec]);
  };
  return strip(a) !== strip(b);
}

export function nodeSchedulingChanged(o: KObject, n: KObject): boolean {
  const a = o as Pod;
  const b = n as Pod;
  return (
    JSON.stringify(a.metadata?.labels) !== JSON.stringify(b.metadata?.labels) ||
    JSON.stringify(a.spec) !== JSON.stringify(b.spec) ||
    JSON.stringify(a.status?.allocatable) !== JSON.stringify(b.status?.allocatable) ||
    JSON.stringify(a.status?.conditions?.map((c: Pod) => [c.type, c.status])) !== JSON.stringify(b.status?.conditions?.map((c: Pod) => [c.type, c.status]))
  );
}

