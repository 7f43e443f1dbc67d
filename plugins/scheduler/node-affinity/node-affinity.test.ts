import assert from 'node:assert/strict';
import { matchRequirement, podMatchesNodeSelectorAndAffinity } from '../shared/pod';
import { node, nodeInfos, pod } from '../shared/testing';
import { pinnedNodeNames, preferredScore } from '.';

// Kubernetes docs, "Assigning Pods to Nodes": nodeSelector, node affinity operators
describe('scheduler/NodeAffinity', () => {
  const [ni] = nodeInfos([node('n1', { labels: { zone: 'a', size: '4', disk: 'ssd' } })]);
  const required = (expr: Record<string, unknown>) => pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr] }] } } } });
  const cases: Array<{ name: string; expr: Record<string, unknown>; want: boolean }> = [
    { name: 'In matches a listed value', expr: { key: 'zone', operator: 'In', values: ['a', 'b'] }, want: true },
    { name: 'In fails for an unlisted value', expr: { key: 'zone', operator: 'In', values: ['b'] }, want: false },
    { name: 'NotIn matches when the label is absent', expr: { key: 'gpu', operator: 'NotIn', values: ['x'] }, want: true },
    { name: 'Exists needs the key', expr: { key: 'disk', operator: 'Exists' }, want: true },
    { name: 'DoesNotExist fails when the key is there', expr: { key: 'disk', operator: 'DoesNotExist' }, want: false },
    { name: 'Gt compares integers', expr: { key: 'size', operator: 'Gt', values: ['3'] }, want: true },
    { name: 'Lt compares integers', expr: { key: 'size', operator: 'Lt', values: ['3'] }, want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(podMatchesNodeSelectorAndAffinity(required(c.expr), ni), c.want));

  it('nodeSelector needs every label', () => {
    assert.equal(podMatchesNodeSelectorAndAffinity(pod('p', { nodeSelector: { zone: 'a', disk: 'hdd' } }), ni), false);
  });

  it('terms are ORed', () => {
    const p = pod('p', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
          },
        },
      },
    });
    assert.equal(podMatchesNodeSelectorAndAffinity(p, ni), true);
  });

  it('Gt with a non-integer label does not match', () => {
    assert.equal(matchRequirement({ operator: 'Gt', values: ['1'] }, 'abc', true), false);
  });

  it('pins the nodes named by matchFields metadata.name', () => {
    const p = pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } });
    assert.deepEqual([...(pinnedNodeNames(p) ?? [])], ['n1']);
  });

  it('sums the weights of the preferred terms a node matches', () => {
    const p = pod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            { weight: 50, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } },
          ],
        },
      },
    });
    assert.equal(preferredScore(p, ni), 15);
  });
});
