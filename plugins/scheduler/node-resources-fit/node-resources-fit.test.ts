import assert from 'node:assert/strict';
import { podRequests } from '../shared/pod';
import { nodeInfos, node, pod } from '../shared/testing';
import { insufficientResources, leastRequested, mostRequested, resourcesFitScore } from '.';
import { nonZeroRequests } from '../shared/pod';

// Kubernetes docs, "Resource Management for Pods and Containers" and the NodeResourcesFit scoring strategies
describe('scheduler/NodeResourcesFit', () => {
  const placed = (name: string, nodeName: string, requests: Record<string, string>) => ({ ...pod(name, { nodeName }, {}, requests), status: { phase: 'Running' } });
  const cases: Array<{ name: string; req: Record<string, string>; node: Record<string, string>; existing?: Record<string, string>; want: string[] }> = [
    { name: 'fits when the node has room', req: { cpu: '1', memory: '1Gi' }, node: { cpu: '2', memory: '2Gi' }, want: [] },
    { name: 'Insufficient cpu when requests exceed what is left', req: { cpu: '1' }, node: { cpu: '2' }, existing: { cpu: '1500m' }, want: ['Insufficient cpu'] },
    { name: 'Insufficient memory', req: { memory: '3Gi' }, node: { memory: '2Gi' }, want: ['Insufficient memory'] },
    { name: 'both reasons at once', req: { cpu: '4', memory: '3Gi' }, node: { cpu: '2', memory: '2Gi' }, want: ['Insufficient cpu', 'Insufficient memory'] },
    { name: 'Too many pods when the pod count is used up', req: {}, node: { pods: '1' }, existing: {}, want: ['Too many pods'] },
    { name: 'an extended resource the node lacks', req: { 'example.com/gpu': '1' }, node: {}, want: ['Insufficient example.com/gpu'] },
    { name: 'a pod without requests fits a full node', req: {}, node: { cpu: '1' }, existing: { cpu: '1' }, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [ni] = nodeInfos([node('n', c.node)], c.existing ? [placed('e', 'n', c.existing)] : []);
      assert.deepEqual(insufficientResources(podRequests(pod('p', {}, {}, c.req)), ni), c.want);
    });
  }

  it('takes the largest init container when it exceeds the sum of the containers', () => {
    const p = pod('p', { initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '3' } } }] }, {}, { cpu: '1' });
    assert.equal(podRequests(p).milliCPU, 3000);
  });

  it('adds the pod overhead', () => {
    assert.equal(podRequests(pod('p', { overhead: { cpu: '250m' } }, {}, { cpu: '1' })).milliCPU, 1250);
  });

  it('LeastAllocated: (capacity - requested) * 100 / capacity', () => {
    assert.equal(leastRequested(3000, 4000), 25);
    assert.equal(leastRequested(5000, 4000), 0);
  });

  it('MostAllocated: requested * 100 / capacity', () => {
    assert.equal(mostRequested(3000, 4000), 75);
  });

  it('scores the emptier node higher with LeastAllocated', () => {
    const [busy, idle] = nodeInfos([node('busy'), node('idle')], [placed('e', 'busy', { cpu: '3', memory: '6Gi' })]);
    const p = pod('p', {}, {}, { cpu: '1', memory: '1Gi' });
    const s = (ni: typeof busy) => resourcesFitScore({}, ni, nonZeroRequests(p), podRequests(p));
    assert.ok(s(idle) > s(busy));
  });

  it('scores the fuller node higher with MostAllocated', () => {
    const [busy, idle] = nodeInfos([node('busy'), node('idle')], [placed('e', 'busy', { cpu: '3', memory: '6Gi' })]);
    const p = pod('p', {}, {}, { cpu: '1', memory: '1Gi' });
    const s = (ni: typeof busy) => resourcesFitScore({ type: 'MostAllocated' }, ni, nonZeroRequests(p), podRequests(p));
    assert.ok(s(busy) > s(idle));
  });

  it('counts a container without requests as 100m cpu and 200Mi memory for scoring', () => {
    assert.deepEqual(nonZeroRequests(pod('p')), { milliCPU: 100, memory: 200 * 1024 * 1024 });
  });
});
