import assert from 'node:assert/strict';
import type { Client } from '../../../core/client';
import { createNode, eventsFor, eventually, node, nodeOf, PODS, pod, startSchedulerCluster } from '../shared/testing';
import type { Json } from '../shared/types';

describe('scheduler/Scheduler (integration, API-created nodes)', function () {
  this.timeout(40_000);
  let env: Awaited<ReturnType<typeof startSchedulerCluster>>;
  let client: Client;
  before(async () => {
    env = await startSchedulerCluster();
    client = env.client;
  });
  after(async () => {
    client?.close();
    await env?.cluster.close();
  });

  it('binds a pod to the only node', async () => {
    await createNode(client, node('solo-node', { labels: { role: 'solo' } }));
    await client.create(PODS, pod('p-solo', { nodeSelector: { role: 'solo' } }));
    assert.equal(await nodeOf(client, 'p-solo'), 'solo-node');
  });

  it('records a Scheduled event on success', async () => {
    const evs = await eventually('Scheduled event', async () => (await eventsFor(client, 'p-solo', 'Scheduled')).length > 0 && eventsFor(client, 'p-solo', 'Scheduled'));
    assert.equal((evs as Json[])[0].type, 'Normal');
  });
});
