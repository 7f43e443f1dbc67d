import assert from 'node:assert/strict';
import { node, nodeInfos, pod } from '../shared/testing';
import { filter, normalize, preFilter, preScore, score } from '.';

// Kubernetes docs, "Assigning Pods to Nodes": inter-pod affinity and anti-affinity
describe('scheduler/InterPodAffinity', () => {
  const zoneNodes = [node('a1', { labels: { zone: 'a' } }), node('a2', { labels: { zone: 'a' } }), node('b1', { labels: { zone: 'b' } })];
  const placed = (name: string, nodeName: string, labels: Record<string, string>, spec = {}) => pod(name, { nodeName, ...spec }, { labels });
  const term = (labels: Record<string, string>, topologyKey = 'zone') => ({ labelSelector: { matchLabels: labels }, topologyKey });
  const run = (p: ReturnType<typeof pod>, existing: ReturnType<typeof pod>[], nodeName: string) => {
    const nis = nodeInfos(zoneNodes, existing);
    const s = preFilter(p, nis);
    return s ? filter(s, nis.find((n) => n.name === nodeName)!) : undefined;
  };

  it('required affinity: a node in the zone of a matching pod fits', () => {
    const p = pod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' })] } } });
    assert.equal(run(p, [placed('db', 'a1', { app: 'db' })], 'a2'), undefined);
  });

  it('required affinity: a node in another zone does not', () => {
    const p = pod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' })] } } });
    assert.deepEqual(run(p, [placed('db', 'a1', { app: 'db' })], 'b1')?.reasons, ["node(s) didn't match pod affinity rules"]);
  });

  it('required affinity: the first pod of a self-affine group may go anywhere', () => {
    const p = pod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' })] } } }, { labels: { app: 'web' } });
    assert.equal(run(p, [], 'b1'), undefined);
  });

  it('required anti-affinity: no node in the zone of a matching pod', () => {
    const p = pod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' })] } } });
    assert.deepEqual(run(p, [placed('w', 'a1', { app: 'web' })], 'a2')?.reasons, ["node(s) didn't match pod anti-affinity rules"]);
  });

  it("existing pods' anti-affinity keeps a matching pod out of their zone", () => {
    const existing = placed('w', 'a1', { app: 'web' }, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' })] } } });
    assert.deepEqual(run(pod('p', {}, { labels: { app: 'web' } }), [existing], 'a2')?.reasons, ["node(s) didn't satisfy existing pods anti-affinity rules"]);
  });

  it('a term only selects pods of its own namespace by default', () => {
    const p = pod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' })] } } });
    const other = { ...placed('w', 'a1', { app: 'web' }), metadata: { name: 'w', namespace: 'other', labels: { app: 'web' } } };
    assert.equal(run(p, [other], 'a2'), undefined);
  });

  it('preferred affinity scores the zone of matching pods highest after normalizing', () => {
    const p = pod('p', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term({ app: 'db' }) }] } } });
    const nis = nodeInfos(zoneNodes, [placed('db', 'b1', { app: 'db' })]);
    const s = preScore(p, nis)!;
    const scores = nis.map((n) => ({ name: n.name, score: score(s, n) }));
    normalize(scores);
    assert.deepEqual(Object.fromEntries(scores.map((x) => [x.name, x.score])), { a1: 0, a2: 0, b1: 100 });
  });
});
