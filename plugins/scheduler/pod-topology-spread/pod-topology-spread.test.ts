import assert from 'node:assert/strict';
import { node, nodeInfos, pod } from '../shared/testing';
import { constraintsOf, filterState, spreadFilter, spreadNormalize } from '.';

// Kubernetes docs, "Pod Topology Spread Constraints": the 4-node, 2-zone example with 3 pods (2 in zoneA, 1 in zoneB)
describe('scheduler/PodTopologySpread', () => {
  const nodes = [node('node1', { labels: { zone: 'zoneA' } }), node('node2', { labels: { zone: 'zoneA' } }), node('node3', { labels: { zone: 'zoneB' } }), node('node4', { labels: { zone: 'zoneB' } })];
  const existing = [pod('p1', { nodeName: 'node1' }, { labels: { foo: 'bar' } }), pod('p2', { nodeName: 'node2' }, { labels: { foo: 'bar' } }), pod('p3', { nodeName: 'node3' }, { labels: { foo: 'bar' } })];
  const incoming = (maxSkew: number, extra = {}) =>
    pod('new', { topologySpreadConstraints: [{ maxSkew, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { foo: 'bar' } }, ...extra }] }, { labels: { foo: 'bar' } });
  const check = (p: ReturnType<typeof pod>, nodeName: string, list = nodes) => {
    const nis = nodeInfos(list, existing);
    return spreadFilter(filterState(p, nis)!, nis.find((n) => n.name === nodeName)!);
  };

  it('maxSkew 1: zoneB fits (skew 2 - 2 = 0)', () => {
    assert.equal(check(incoming(1), 'node4'), undefined);
  });

  it('maxSkew 1: zoneA does not (3 - 1 = 2 > 1)', () => {
    assert.deepEqual(check(incoming(1), 'node1')?.reasons, ["node(s) didn't match pod topology spread constraints"]);
  });

  it('maxSkew 2: zoneA fits too', () => {
    assert.equal(check(incoming(2), 'node1'), undefined);
  });

  it('a node without the topology key is unresolvable (missing required label)', () => {
    const list = [...nodes, node('bare')];
    assert.equal(check(incoming(1), 'bare', list)?.code, 'UnschedulableAndUnresolvable');
  });

  it('minDomains above the number of domains makes the global minimum 0', () => {
    // zoneB: 1 + 1 - 0 = 2 > maxSkew 1
    assert.equal(check(incoming(1, { minDomains: 3 }), 'node4')?.code, 'Unschedulable');
  });

  it('ReplicaSet pods without constraints get the system default soft constraints', () => {
    const p = pod('p', {}, { labels: { app: 'x' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }] });
    assert.deepEqual(constraintsOf(p).map((c) => [c.topologyKey, c.maxSkew, c.hard]), [['kubernetes.io/hostname', 3, false], ['topology.kubernetes.io/zone', 5, false]]);
  });

  it('normalizing favours the least crowded domain and gives nodes without the keys 0', () => {
    const scores = [{ name: 'a', score: 4 }, { name: 'b', score: 2 }, { name: 'c', score: -1 }];
    spreadNormalize(scores);
    assert.deepEqual(scores.map((s) => s.score), [50, 100, 0]);
  });
});
