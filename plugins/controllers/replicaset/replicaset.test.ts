import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import type { Client } from '../../../core/client';
import { inProcessClient } from '../../../core/client';
import ReplicaSetPlugin from './index';
import { PODS, REPLICASETS } from '../shared/pod-control';
import { runController, startFakeKubelet, type FakeKubelet, type HostedController } from '../shared/testing';
import { eventually, sleep, startCluster } from '../shared/test-cluster';

const NS = 'default';

function rs(name: string, replicas: number, labels: Record<string, string> = { app: name }, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ...extra },
  };
}

function pod(name: string, labels: Record<string, string>): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

async function podsOf(client: Client, selector: string): Promise<KObject[]> {
  const list = await client.list(PODS, { namespace: NS, labelSelector: selector });
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

describe('controllers/ReplicaSet (integration, in-process client, memory storage, fake kubelet)', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let ctrl: HostedController | undefined;
  let kubelet: FakeKubelet | undefined;

  beforeEach(async () => {
    cluster = await startCluster();
    client = inProcessClient(cluster.server);
  });
  afterEach(async () => {
    await ctrl?.stop();
    await kubelet?.stop();
    ctrl = kubelet = undefined;
    await cluster.close();
  });

  it('scales up to replicas, writes status (ready/available after the fake kubelet), scales down', async () => {
    ctrl = await runController(cluster.server, ReplicaSetPlugin, {});
    kubelet = startFakeKubelet(client);
    await client.create(REPLICASETS, rs('web', 3));
    const st = await eventually('3 available', async () => {
      const r = await client.get(REPLICASETS, { namespace: NS, name: 'web' });
      const s = r.status as any;
      return s?.availableReplicas === 3 && s.readyReplicas === 3 && s.replicas === 3 && s.fullyLabeledReplicas === 3 && s.observedGeneration === r.metadata.generation ? s : undefined;
    });
    assert.equal(st.replicas, 3);
    const pods = await podsOf(client, 'app=web');
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name ?? '', /^web-[a-z0-9]{5}$/);
      const ref = p.metadata.ownerReferences?.[0];
      assert.equal(ref?.kind, 'ReplicaSet');
      assert.equal(ref?.controller, true);
      assert.equal(ref?.blockOwnerDeletion, true);
    }
    await client.patch(REPLICASETS, { namespace: NS, name: 'web' }, 'merge', { spec: { replicas: 1 } });
    await eventually('1 pod left', async () => (await podsOf(client, 'app=web')).length === 1);
    await eventually('status replicas 1', async () => ((await client.get(REPLICASETS, { namespace: NS, name: 'web' })).status as any)?.replicas === 1);
  });

  it('adopts a matching orphan and releases a pod whose labels stop matching', async () => {
    await client.create(PODS, pod('orphan', { app: 'adopt' }));
    ctrl = await runController(cluster.server, ReplicaSetPlugin, {});
    const created = await client.create(REPLICASETS, rs('adopt', 2));
    await eventually('orphan adopted', async () => {
      const p = await client.get(PODS, { namespace: NS, name: 'orphan' });
      return p.metadata.ownerReferences?.some((r) => r.uid === created.metadata.uid && r.controller) ?? false;
    });
    await eventually('2 pods', async () => (await podsOf(client, 'app=adopt')).length === 2);
    // relabel the orphan: released, and a replacement is created
    await client.patch(PODS, { namespace: NS, name: 'orphan' }, 'merge', { metadata: { labels: { app: 'other' } } });
    await eventually('released', async () => {
      const p = await client.get(PODS, { namespace: NS, name: 'orphan' });
      return (p.metadata.ownerReferences ?? []).length === 0;
    });
    await eventually('replacement', async () => (await podsOf(client, 'app=adopt')).length === 2);
    await sleep(200);
    assert.equal((await podsOf(client, 'app=adopt')).length, 2);
  });

  it('never double-creates while its pod informer lags (expectations)', async () => {
    // a client whose watch streams deliver every chunk 400 ms late
    const base = inProcessClient(cluster.server);
    const { DynamicClient } = await import('../../../core/client');
    const laggy = new DynamicClient({
      description: 'laggy',
      request: (r) => base.transport.request(r),
      stream: (r, onResponse, onChunk) => base.transport.stream(r, onResponse, (c) => void setTimeout(() => onChunk(c), 400)),
    });
    ctrl = await runController(cluster.server, ReplicaSetPlugin, { workers: 3 }, laggy);
    await client.create(REPLICASETS, rs('lag', 5));
    // poke the ReplicaSet repeatedly while the pods are not yet in the cache
    for (let i = 0; i < 5; i++) {
      await sleep(60);
      await client.patch(REPLICASETS, { namespace: NS, name: 'lag' }, 'merge', { metadata: { annotations: { poke: String(i) } } });
    }
    await eventually('5 pods', async () => (await podsOf(client, 'app=lag')).length >= 5);
    await sleep(1200);
    assert.equal((await podsOf(client, 'app=lag')).length, 5);
  });

  it('deletes not-ready pods first when scaling down', async () => {
    ctrl = await runController(cluster.server, ReplicaSetPlugin, {});
    kubelet = startFakeKubelet(client, { shouldRun: (p) => !p.metadata.labels?.slow });
    await client.create(REPLICASETS, rs('rank', 2, { app: 'rank' }));
    await eventually('2 ready', async () => ((await client.get(REPLICASETS, { namespace: NS, name: 'rank' })).status as any)?.readyReplicas === 2);
    const ready = (await podsOf(client, 'app=rank')).map((p) => p.metadata.name).sort();
    await kubelet.stop();
    kubelet = undefined;
    await client.patch(REPLICASETS, { namespace: NS, name: 'rank' }, 'merge', { spec: { replicas: 4 } });
    await eventually('4 pods', async () => (await podsOf(client, 'app=rank')).length === 4);
    await client.patch(REPLICASETS, { namespace: NS, name: 'rank' }, 'merge', { spec: { replicas: 2 } });
    await eventually('2 pods', async () => (await podsOf(client, 'app=rank')).length === 2);
    assert.deepEqual((await podsOf(client, 'app=rank')).map((p) => p.metadata.name).sort(), ready);
  });

  it('creates in slow-start batches and at most burstReplicas per sync', async () => {
    ctrl = await runController(cluster.server, ReplicaSetPlugin, { burstReplicas: 7 });
    await client.create(REPLICASETS, rs('burst', 20));
    await eventually('20 pods', async () => (await podsOf(client, 'app=burst')).length === 20);
    await sleep(300);
    assert.equal((await podsOf(client, 'app=burst')).length, 20);
  });
});
