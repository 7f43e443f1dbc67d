import assert from 'node:assert/strict';
import { podRequests } from '../shared/pod';
import { node, nodeInfos, pod } from '../shared/testing';
import { balancedScore } from '.';

describe('scheduler/NodeResourcesBalancedAllocation', () => {
  it('scores 100 when cpu and memory fractions are equal', () => {
    const [ni] = nodeInfos([node('n', { cpu: '4', memory: '4Gi' })]);
    assert.equal(balancedScore(ni, podRequests(pod('p', {}, {}, { cpu: '2', memory: '2Gi' }))), 100);
  });

  it('scores (1 - |cpu - memory| / 2) * 100 otherwise', () => {
    const [ni] = nodeInfos([node('n', { cpu: '4', memory: '4Gi' })]);
    // cpu 3/4 = 0.75, memory 1/4 = 0.25: std 0.25 -> 75
    assert.equal(balancedScore(ni, podRequests(pod('p', {}, {}, { cpu: '3', memory: '1Gi' }))), 75);
  });

  it('prefers the node the pod would balance', () => {
    const [cpuHeavy, memHeavy] = nodeInfos(
      [node('cpu-heavy', { cpu: '4', memory: '4Gi' }), node('mem-heavy', { cpu: '4', memory: '4Gi' })],
      [
        { ...pod('a', { nodeName: 'cpu-heavy' }, {}, { cpu: '3' }) },
        { ...pod('b', { nodeName: 'mem-heavy' }, {}, { memory: '3Gi' }) },
      ],
    );
    const p = podRequests(pod('p', {}, {}, { memory: '2Gi' }));
    assert.ok(balancedScore(cpuHeavy, p) > balancedScore(memHeavy, p));
  });
});
