import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import { inProcessClient, SharedInformerFactory, type Client } from '../../../core/client';
import StatefulSetPlugin from './index';
import { PVCS, STATEFULSETS } from './controller';
import { PODS } from '../shared/pod-control';
import { isPodReady } from '../shared/pod-status';
import { CONTROLLERREVISIONS } from '../shared/sts-revisions';
import { runController, startFakeKubelet, type FakeKubelet, type HostedController } from '../shared/testing';
import { eventually, sleep, startCluster } from '../shared/test-cluster';

const NS = 'default';

function sts(name: string, replicas: number, extra: Record<string, unknown> = {}, image = 'nginx:1.27'): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...extra,
    },
  };
}

/** Records pod creations and deletions (first seen terminating or gone) in event order. */
function recorder(client: Client) {
  const factory = new SharedInformerFactory(client);
  const pods = factory.informerFor(PODS);
  const created: string[] = [];
  const deleted: string[] = [];
  /** for each created pod: was its predecessor (ordinal - 1) Ready at that moment? */
  const prevReadyAtCreate: Record<string, boolean> = {};
  const abort = new AbortController();
  const gone = (p: KObject) => {
    if (!deleted.includes(p.metadata.name ?? '')) deleted.push(p.metadata.name ?? '');
  };
  pods.addEventHandler({
    add: (p) => {
      const name = p.metadata.name ?? '';
      created.push(name);
      const m = /^(.*)-(\d+)$/.exec(name);
      if (m && Number(m[2]) > 0) {
        const prev = pods.get(`${NS}/${m[1]}-${Number(m[2]) - 1}`);
        prevReadyAtCreate[name] = !!prev && isPodReady(prev);
      }
    },
    update: (o, n) => {
      if (!o.metadata.deletionTimestamp && n.metadata.deletionTimestamp) gone(n);
    },
    delete: gone,
  });
  factory.start(abort.signal);
  return {
    created,
    deleted,
    prevReadyAtCreate,
    ready: () => factory.waitForCacheSync(),
    stop: async () => {
      abort.abort();
      await factory.shutdown();
    },
  };
}

describe('controllers/StatefulSet (integration, in-process client, memory storage, fake kubelet)', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let ctrl: HostedController | undefined;
  let kubelet: FakeKubelet | undefined;
  let rec: ReturnType<typeof recorder> | undefined;

  beforeEach(async () => {
    cluster = await startCluster();
    client = inProcessClient(cluster.server);
    rec = recorder(client);
    await rec.ready();
  });
  afterEach(async () => {
    await ctrl?.stop();
    await kubelet?.stop();
    await rec?.stop();
    ctrl = kubelet = rec = undefined;
    await cluster.close();
  });

  const get = async (name: string) => client.get(STATEFULSETS, { namespace: NS, name });
  const livePods = async (app: string) => (await client.list(PODS, { namespace: NS, labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const statusOf = async (name: string) => {
    const s = await get(name);
    return { ...(s.status as any), generation: s.metadata.generation };
  };
  const settled = (name: string, n: number) =>
    eventually(`${name}: ${n} ready, observed`, async () => {
      const s = await statusOf(name);
      return s.replicas === n && s.readyReplicas === n && s.availableReplicas === n && s.observedGeneration === s.generation ? s : undefined;
    });

  it('OrderedReady: creates web-0..2 in order, each after the previous is Ready, with identity labels, hostname and subdomain', async () => {
    ctrl = await runController(cluster.server, StatefulSetPlugin);
    kubelet = startFakeKubelet(client, { readyDelayMs: 40 });
    await client.create(STATEFULSETS, sts('web', 3));
    const st = await settled('web', 3);
    assert.deepEqual(rec!.created, ['web-0', 'web-1', 'web-2']);
    assert.deepEqual(rec!.prevReadyAtCreate, { 'web-1': true, 'web-2': true });
    assert.equal(st.currentReplicas, 3);
    assert.equal(st.updatedReplicas, 3);
    assert.equal(st.currentRevision, st.updateRevision);
    for (const [i, p] of (await livePods('web')).sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name))).entries()) {
      assert.equal(p.metadata.name, `web-${i}`);
      assert.equal(p.metadata.labels?.['statefulset.kubernetes.io/pod-name'], `web-${i}`);
      assert.equal(p.metadata.labels?.['apps.kubernetes.io/pod-index'], String(i));
      assert.equal(p.metadata.labels?.['controller-revision-hash'], st.updateRevision);
      assert.equal((p.spec as any).hostname, `web-${i}`);
      assert.equal((p.spec as any).subdomain, 'web');
      assert.equal(p.metadata.ownerReferences?.[0]?.kind, 'StatefulSet');
    }
  });

  it('OrderedReady: waits for web-0 to become Ready before creating web-1', async () => {
    ctrl = await runController(cluster.server, StatefulSetPlugin);
    kubelet = startFakeKubelet(client, { shouldRun: () => false });
    await client.create(STATEFULSETS, sts('slow', 3));
    await eventually('slow-0 created', async () => (await livePods('slow')).length === 1);
    await sleep(400);
    assert.deepEqual((await livePods('slow')).map((p) => p.metadata.name), ['slow-0']);
  });

  it('OrderedReady: scales down in reverse ordinal order, one at a time', async () => {
    ctrl = await runController(cluster.server, StatefulSetPlugin);
    kubelet = startFakeKubelet(client, { readyDelayMs: 10 });
    await client.create(STATEFULSETS, sts('web', 4));
    await settled('web', 4);
    await client.patch(STATEFULSETS, { namespace: NS, name: 'web' }, 'merge', { spec: { replicas: 1 } });
    await settled('web', 1);
    assert.deepEqual(rec!.deleted, ['web-3', 'web-2', 'web-1']);
    assert.deepEqual((await livePods('web')).map((p) => p.metadata.name), ['web-0']);
  });

  it('Parallel: creates every pod at once without waiting for readiness', async () => {
    ctrl = await runController(cluster.server, StatefulSetPlugin);
    kubelet = startFakeKubelet(client, { shouldRun: () => false });
    await client.create(STATEFULSETS, sts('par', 4, { podManagementPolicy: 'Parallel' }));
    const pods = await eventually('4 pods, none ready', async () => {
      const ps = await livePods('par');
      return ps.length === 4 ? ps : undefined;
    });
    assert.ok(pods.every((p) => !isPodReady(p)));
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['par-0', 'par-1', 'par-2', 'par-3']);
  });

  it('volumeClaimTemplates: PVCs <claim>-<set>-<ordinal> mounted by the pods; whenDeleted Delete owns them by the set, whenScaled Delete by the pod', async () => {
    ctrl = await runController(cluster.server, StatefulSetPlugin);
    kubelet = startFakeKubelet(client);
    const created = await client.create(
      STATEFULSETS,
      sts('db', 2, {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }),
    );
    await settled('db', 2);
    for (const i of [0, 1]) {
      const pvc = await client.get(PVCS, { namespace: NS, name: `data-db-${i}` });
      assert.equal(pvc.metadata.labels?.app, 'db');
      assert.ok(pvc.metadata.ownerReferences?.some((r) => r.kind === 'StatefulSet' && r.uid === created.metadata.uid));
      const pod = await client.get(PODS, { namespace: NS, name: `db-${i}` });
      assert.deepEqual(((pod.spec as any).volumes as any[]).find((v) => v.name === 'data')?.persistentVolumeClaim, { claimName: `data-db-${i}` });
    }
    await client.patch(STATEFULSETS, { namespace: NS, name: 'db' }, 'merge', { spec: { replicas: 1 } });
    await settled('db', 1);
    const pvc1 = await client.get(PVCS, { namespace: NS, name: 'data-db-1' });
    assert.ok(pvc1.metadata.ownerReferences?.some((r) => r.kind === 'Pod' && r.name === 'db-1'), JSON.stringify(pvc1.metadata.ownerReferences));
    const pvc0 = await client.get(PVCS, { namespace: NS, name: 'data-db-0' });
    assert.ok(!pvc0.metadata.ownerReferences?.some((r) => r.kind === 'Pod'));
  });

  it('Retain (default): PVCs carry no ownerReferences', async () => {
    ctrl = await runController(cluster.server, StatefulSetPlugin);
    kubelet = startFakeKubelet(client);
    await client.create(STATEFULSETS, sts('keep', 1, { volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }));
    await settled('keep', 1);
    const pvc = await client.get(PVCS, { namespace: NS, name: 'www-keep-0' });
    assert.equal(pvc.metadata.ownerReferences?.length ?? 0, 0);
  });

  it('RollingUpdate with partition: replaces pods from the highest ordinal down to the partition, one at a time; partition 0 completes the rollout', async () => {
    ctrl = await runController(cluster.server, StatefulSetPlugin);
    kubelet = startFakeKubelet(client, { readyDelayMs: 20 });
    await client.create(STATEFULSETS, sts('web', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    const before = await settled('web', 3);
    rec!.deleted.length = 0;
    await client.patch(STATEFULSETS, { namespace: NS, name: 'web' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } } });
    const mid = await eventually('2 updated', async () => {
      const s = await statusOf('web');
      return s.updatedReplicas === 2 && s.readyReplicas === 3 && s.observedGeneration === s.generation ? s : undefined;
    });
    assert.deepEqual(rec!.deleted, ['web-2', 'web-1']);
    assert.notEqual(mid.updateRevision, before.updateRevision);
    assert.equal(mid.currentRevision, before.currentRevision);
    assert.equal(mid.currentReplicas, 1);
    const web0 = await client.get(PODS, { namespace: NS, name: 'web-0' });
    assert.equal((web0.spec as any).containers[0].image, 'nginx:1.27');
    assert.equal(web0.metadata.labels?.['controller-revision-hash'], before.updateRevision);
    await client.patch(STATEFULSETS, { namespace: NS, name: 'web' }, 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    const done = await eventually('rollout complete', async () => {
      const s = await statusOf('web');
      return s.updatedReplicas === 3 && s.readyReplicas === 3 && s.currentRevision === s.updateRevision && s.observedGeneration === s.generation ? s : undefined;
    });
    assert.equal(done.currentReplicas, 3);
    assert.deepEqual(rec!.deleted, ['web-2', 'web-1', 'web-0']);
    const revs = (await client.list(CONTROLLERREVISIONS, { namespace: NS })).items;
    assert.deepEqual(revs.map((r) => (r as any).revision).sort(), [1, 2]);
  });

  it('OnDelete: a template change replaces nothing until a pod is deleted, which comes back at the update revision', async () => {
    ctrl = await runController(cluster.server, StatefulSetPlugin);
    kubelet = startFakeKubelet(client);
    await client.create(STATEFULSETS, sts('od', 2, { updateStrategy: { type: 'OnDelete' } }));
    await settled('od', 2);
    await client.patch(STATEFULSETS, { namespace: NS, name: 'od' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } } });
    await eventually('observed', async () => {
      const s = await statusOf('od');
      return s.observedGeneration === s.generation && s.updateRevision !== s.currentRevision;
    });
    await sleep(300);
    assert.ok((await livePods('od')).every((p) => (p.spec as any).containers[0].image === 'nginx:1.27'));
    await client.delete(PODS, { namespace: NS, name: 'od-1' });
    await eventually('od-1 recreated at the new image', async () => {
      const p = (await livePods('od')).find((x) => x.metadata.name === 'od-1');
      return p && (p.spec as any).containers[0].image === 'nginx:1.28' && isPodReady(p);
    });
    const s = await statusOf('od');
    assert.equal((await client.get(PODS, { namespace: NS, name: 'od-0' }).then((p) => (p.spec as any).containers[0].image)), 'nginx:1.27');
    assert.ok(s.updatedReplicas >= 0);
  });
});
