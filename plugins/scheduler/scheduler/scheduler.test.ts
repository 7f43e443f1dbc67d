import assert from 'node:assert/strict';
import type { Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { gvr } from '../../../core/client';
import { getScheduler } from '.';
import { createNode, eventsFor, eventually, node, nodeOf, NODES, PODS, pod, startSchedulerCluster } from '../shared/testing';
import type { Json } from '../shared/types';

const PRIORITY_CLASSES = gvr('scheduling.k8s.io/v1', 'priorityclasses');

describe('scheduler/Scheduler (integration, API-created nodes)', function () {
  this.timeout(40_000);
  let env: Awaited<ReturnType<typeof startSchedulerCluster>>;
  let client: Client;
  beforeEach(async () => {
    env = await startSchedulerCluster();
    client = env.client;
  });
  afterEach(async () => {
    client?.close();
    await env?.cluster.close();
  });

  const nodes = async (...list: Json[]) => {
    for (const n of list) await createNode(client, n);
    await eventually('nodes in the scheduler cache', () => getScheduler(env.cluster.server)?.cache.nodeCount === list.length);
  };
  const failedMessage = async (name: string) =>
    eventually(`FailedScheduling for ${name}`, async () => (await eventsFor(client, name, 'FailedScheduling'))[0]?.message as string | undefined);

  it('binds a pod and records a Scheduled event', async () => {
    await nodes(node('n1'));
    await client.create(PODS, pod('p'));
    assert.equal(await nodeOf(client, 'p'), 'n1');
    const evs = await eventually('Scheduled event', async () => (await eventsFor(client, 'p', 'Scheduled'))[0]);
    assert.equal(evs.type, 'Normal');
  });

  it('honours nodeSelector', async () => {
    await nodes(node('a'), node('b', { labels: { disk: 'ssd' } }), node('c'));
    await client.create(PODS, pod('p', { nodeSelector: { disk: 'ssd' } }));
    assert.equal(await nodeOf(client, 'p'), 'b');
  });

  it('honours required node affinity', async () => {
    await nodes(node('a', { labels: { zone: 'z1' } }), node('b', { labels: { zone: 'z2' } }));
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] }] } } };
    await client.create(PODS, pod('p', { affinity }));
    assert.equal(await nodeOf(client, 'p'), 'b');
  });

  it('keeps pods with required anti-affinity apart', async () => {
    await nodes(node('a'), node('b'));
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    await client.create(PODS, pod('w1', { affinity: anti }, { labels: { app: 'web' } }));
    const first = await nodeOf(client, 'w1');
    await client.create(PODS, pod('w2', { affinity: anti }, { labels: { app: 'web' } }));
    const second = await nodeOf(client, 'w2');
    assert.notEqual(first, second);
  });

  it('puts a pod with required pod affinity beside the pod it selects', async () => {
    await nodes(node('a'), node('b'), node('c'));
    await client.create(PODS, pod('db', {}, { labels: { app: 'db' } }));
    const dbNode = await nodeOf(client, 'db');
    const affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    await client.create(PODS, pod('cache', { affinity }));
    assert.equal(await nodeOf(client, 'cache'), dbNode);
  });

  it('keeps pods off nodes with untolerated NoSchedule taints', async () => {
    await nodes(node('tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), node('plain'));
    for (let i = 0; i < 4; i++) await client.create(PODS, pod(`p${i}`));
    for (let i = 0; i < 4; i++) assert.equal(await nodeOf(client, `p${i}`), 'plain');
  });

  it('lets a pod that tolerates the taint onto the tainted node', async () => {
    await nodes(node('tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], labels: { gpu: 'yes' } }));
    await client.create(PODS, pod('p', { nodeSelector: { gpu: 'yes' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    assert.equal(await nodeOf(client, 'p'), 'tainted');
  });

  it('spreads pods across zones with a DoNotSchedule topology spread constraint', async () => {
    await nodes(node('a1', { labels: { zone: 'a' } }), node('a2', { labels: { zone: 'a' } }), node('b1', { labels: { zone: 'b' } }));
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } } }] };
    const zones: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 4; i++) {
      await client.create(PODS, pod(`s${i}`, spread, { labels: { app: 's' } }));
      const n = await nodeOf(client, `s${i}`);
      zones[n.startsWith('a') ? 'a' : 'b']++;
    }
    assert.deepEqual(zones, { a: 2, b: 2 });
  });

  it('does not put two pods with the same host port on one node', async () => {
    await nodes(node('a'), node('b'));
    const spec = { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }] }] };
    await client.create(PODS, pod('h1', spec));
    await client.create(PODS, pod('h2', spec));
    assert.notEqual(await nodeOf(client, 'h1'), await nodeOf(client, 'h2'));
  });

  it('honours resource requests: a pod goes to the node with room', async () => {
    await nodes(node('small', { cpu: '1' }), node('big', { cpu: '8' }));
    await client.create(PODS, pod('p', {}, {}, { cpu: '2' }));
    assert.equal(await nodeOf(client, 'p'), 'big');
  });

  it('records FailedScheduling with the upstream message when no node has the cpu', async () => {
    await nodes(node('a', { cpu: '1' }), node('b', { cpu: '1' }), node('c', { cpu: '1' }));
    await client.create(PODS, pod('big', {}, {}, { cpu: '2' }));
    const msg = await failedMessage('big');
    assert.match(msg, /^0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\.\.$/);
  });

  it('sets the PodScheduled condition to False with reason Unschedulable', async () => {
    await nodes(node('a', { cpu: '1' }));
    await client.create(PODS, pod('big', {}, {}, { cpu: '2' }));
    const cond = await eventually('PodScheduled False', async () => {
      const p = (await client.get(PODS, { namespace: 'default', name: 'big' })) as Json;
      return (p.status?.conditions ?? []).find((c: Json) => c.type === 'PodScheduled' && c.status === 'False');
    });
    assert.equal(cond.reason, 'Unschedulable');
  });

  it('gives cordoned nodes nothing', async () => {
    await nodes(node('cordoned', { unschedulable: true }), node('open'));
    for (let i = 0; i < 3; i++) await client.create(PODS, pod(`p${i}`));
    for (let i = 0; i < 3; i++) assert.equal(await nodeOf(client, `p${i}`), 'open');
  });

  it('says the nodes were unschedulable when only cordoned nodes exist', async () => {
    await nodes(node('cordoned', { unschedulable: true }));
    await client.create(PODS, pod('p'));
    assert.match(await failedMessage('p'), /^0\/1 nodes are available: 1 node\(s\) were unschedulable\./);
  });

  it('schedules an unschedulable pod once a node that fits is added', async () => {
    await nodes(node('a', { cpu: '1' }));
    await client.create(PODS, pod('big', {}, {}, { cpu: '2' }));
    await failedMessage('big');
    await createNode(client, node('b', { cpu: '4' }));
    assert.equal(await nodeOf(client, 'big'), 'b');
  });

  it('lets a high-priority pod preempt a low-priority one and nominates the node', async () => {
    await client.create(PRIORITY_CLASSES, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 } as KObject);
    await nodes(node('only', { cpu: '2' }));
    await client.create(PODS, pod('low', {}, {}, { cpu: '1500m' }));
    assert.equal(await nodeOf(client, 'low'), 'only');
    await client.create(PODS, pod('high', { priorityClassName: 'high' }, {}, { cpu: '1500m' }));
    await eventually('low marked for deletion', async () => Boolean(((await client.get(PODS, { namespace: 'default', name: 'low' })) as Json).metadata?.deletionTimestamp));
    const nominated = await eventually('high nominated', async () => ((await client.get(PODS, { namespace: 'default', name: 'high' })) as Json).status?.nominatedNodeName);
    assert.equal(nominated, 'only');
    // no kubelet here: finish the victim off as the kubelet would
    await client.delete(PODS, { namespace: 'default', name: 'low' }, { gracePeriodSeconds: 0 });
    assert.equal(await nodeOf(client, 'high', 30_000), 'only');
  });

  it('forgets a node that is deleted', async () => {
    await nodes(node('gone'));
    await client.delete(NODES, { name: 'gone' });
    await eventually('node removed from the cache', () => getScheduler(env.cluster.server)?.cache.nodeCount === 0);
    await client.create(PODS, pod('p'));
    assert.match(await failedMessage('p'), /no nodes available to schedule pods/);
  });
});
