import assert from 'node:assert/strict';
import { node, nodeInfos, pod } from '../shared/testing';
import { nodeUnschedulableFilter } from '.';
import { nodeNameFilter } from '../node-name';

describe('scheduler/NodeUnschedulable and NodeName', () => {
  const [cordoned, open] = nodeInfos([node('cordoned', { unschedulable: true }), node('open')]);

  it('rejects a cordoned node as unresolvable', () => {
    assert.deepEqual(nodeUnschedulableFilter(pod('p'), cordoned), { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] });
  });

  it('lets a pod tolerating node.kubernetes.io/unschedulable onto a cordoned node', () => {
    const p = pod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(nodeUnschedulableFilter(p, cordoned), undefined);
  });

  it('accepts a schedulable node', () => {
    assert.equal(nodeUnschedulableFilter(pod('p'), open), undefined);
  });

  it('NodeName rejects every node but the named one', () => {
    assert.equal(nodeNameFilter(pod('p', { nodeName: 'open' }), cordoned)?.code, 'UnschedulableAndUnresolvable');
    assert.equal(nodeNameFilter(pod('p', { nodeName: 'open' }), open), undefined);
  });
});
