import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import type { Client } from '../../../core/client';
import { inProcessClient } from '../../../core/client';
import { SharedInformerFactory, CONTROLLER_UID_INDEX } from '../../../core/client';
import DeploymentPlugin from './index';
import ReplicaSetPlugin from '../replicaset/index';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../shared/pod-control';
import { runController, startFakeKubelet, type FakeKubelet, type HostedController } from '../shared/testing';
import { eventually, sleep, startCluster } from '../shared/test-cluster';
import { isPodReady } from '../shared/pod-status';

const NS = 'default';

export function deployment(name: string, replicas: number, image: string, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...extra,
    },
  };
}

const getD = (client: Client, name: string) => client.get(DEPLOYMENTS, { namespace: NS, name });
const rsOf = async (client: Client, d: KObject) =>
  (await client.list(REPLICASETS, { namespace: NS })).items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));

function done(d: KObject): boolean {
  const s = d.status as any;
  const r = (d.spec as any).replicas;
  return !!s && s.observedGeneration >= (d.metadata.generation ?? 0) && s.updatedReplicas === r && s.replicas === r && s.availableReplicas === r;
}

async function rolledOut(client: Client, name: string, timeoutMs = 15_000): Promise<KObject> {
  return eventually(`deployment ${name} rolled out`, async () => {
    const d = await getD(client, name);
    return done(d) ? d : undefined;
  }, timeoutMs);
}

const setImage = (client: Client, name: string, image: string) =>
  client.patch(DEPLOYMENTS, { namespace: NS, name }, 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });

describe('controllers/Deployment (integration: ReplicaSet + Deployment controllers, fake kubelet)', function () {
  this.timeout(40_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let ctrls: HostedController[] = [];
  let kubelet: FakeKubelet | undefined;

  beforeEach(async () => {
    cluster = await startCluster();
    client = inProcessClient(cluster.server);
    ctrls = [await runController(cluster.server, ReplicaSetPlugin, {}), await runController(cluster.server, DeploymentPlugin, {})];
    kubelet = startFakeKubelet(client, { readyDelayMs: 20, shouldRun: (p) => !String((p.spec as any)?.containers?.[0]?.image).includes('broken') });
  });
  afterEach(async () => {
    for (const c of ctrls) await c.stop();
    await kubelet?.stop();
    await cluster.close();
  });

  it('creates a ReplicaSet with pod-template-hash and revision 1, and completes (Progressing NewReplicaSetAvailable, Available)', async () => {
    await client.create(DEPLOYMENTS, deployment('web', 3, 'nginx:1'));
    const d = await rolledOut(client, 'web');
    const rss = await rsOf(client, d);
    assert.equal(rss.length, 1);
    const rs = rss[0];
    const hash = rs.metadata.labels?.['pod-template-hash'];
    assert.match(hash ?? '', /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.equal((rs.spec as any).selector.matchLabels['pod-template-hash'], hash);
    assert.equal((rs.spec as any).template.metadata.labels['pod-template-hash'], hash);
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const ref = rs.metadata.ownerReferences![0];
    assert.deepEqual([ref.kind, ref.name, ref.controller], ['Deployment', 'web', true]);
    const final = await eventually('NewReplicaSetAvailable', async () => {
      const x = await getD(client, 'web');
      const c = (x.status as any).conditions?.find((c: any) => c.type === 'Progressing');
      return c?.reason === 'NewReplicaSetAvailable' ? x : undefined;
    });
    const conds = (final.status as any).conditions;
    const avail = conds.find((c: any) => c.type === 'Available');
    assert.deepEqual([avail.status, avail.reason], ['True', 'MinimumReplicasAvailable']);
    const prog = conds.find((c: any) => c.type === 'Progressing');
    assert.equal(prog.message, `ReplicaSet "${rs.metadata.name}" has successfully progressed.`);
    assert.equal((final.status as any).unavailableReplicas, 0);
    const pods = (await client.list(PODS, { namespace: NS, labelSelector: 'app=web' })).items;
    assert.equal(pods.length, 3);
    for (const p of pods) assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
  });

  it('RollingUpdate keeps at least replicas - maxUnavailable pods available at every step', async () => {
    await client.create(DEPLOYMENTS, deployment('roll', 4, 'nginx:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    const d0 = await rolledOut(client, 'roll');
    // watch every pod and ReplicaSet change from here on
    const factory = new SharedInformerFactory(client);
    const pods = factory.informerFor(PODS, { namespace: NS });
    const rsInf = factory.informerFor(REPLICASETS, { namespace: NS });
    factory.start();
    await factory.waitForCacheSync();
    const violations: string[] = [];
    let checks = 0;
    let maxSpec = 0;
    const check = () => {
      checks++;
      const owned = rsInf.byIndex(CONTROLLER_UID_INDEX, d0.metadata.uid ?? '');
      const spec = owned.reduce((n, rs) => n + ((rs.spec as any).replicas ?? 0), 0);
      maxSpec = Math.max(maxSpec, spec);
      const available = owned.flatMap((rs) => pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '')).filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
      if (available < 3) violations.push(`only ${available} available (check ${checks})`);
    };
    pods.addEventHandler({ add: check, update: (_o, _n) => check(), delete: check });
    rsInf.addEventHandler({ update: () => check() });
    try {
      await setImage(client, 'roll', 'nginx:2');
      const d = await eventually('rolled out to nginx:2', async () => {
        const x = await getD(client, 'roll');
        return done(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' ? x : undefined;
      });
      await sleep(100);
      assert.deepEqual(violations, []);
      assert.ok(checks > 10, `checked ${checks} times`);
      assert.ok(maxSpec <= 5, `ReplicaSets asked for ${maxSpec} pods (replicas 4 + maxSurge 1)`);
      const rss = await rsOf(client, d);
      assert.equal(rss.length, 2);
      const byRev = Object.fromEntries(rss.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs]));
      assert.equal((byRev['2'].spec as any).replicas, 4);
      assert.equal((byRev['1'].spec as any).replicas, 0);
      assert.equal((byRev['2'].spec as any).template.spec.containers[0].image, 'nginx:2');
    } finally {
      await factory.shutdown();
    }
  });

  it('Recreate: every old pod is gone before a new one is created', async () => {
    await client.create(DEPLOYMENTS, deployment('rec', 3, 'nginx:1', { strategy: { type: 'Recreate' } }));
    await rolledOut(client, 'rec');
    const factory = new SharedInformerFactory(client);
    const pods = factory.informerFor(PODS, { namespace: NS, labelSelector: 'app=rec' });
    factory.start();
    await factory.waitForCacheSync();
    const overlaps: string[] = [];
    const check = () => {
      const images = new Set(pods.list().map((p) => (p.spec as any).containers[0].image));
      if (images.size > 1) overlaps.push([...images].join(','));
    };
    pods.addEventHandler({ add: check, update: () => check(), delete: check });
    try {
      await setImage(client, 'rec', 'nginx:2');
      await eventually('recreated', async () => {
        const x = await getD(client, 'rec');
        return done(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2';
      });
      assert.deepEqual(overlaps, []);
      assert.equal(pods.list().length, 3);
    } finally {
      await factory.shutdown();
    }
  });

  it('pause holds a template change (Progressing DeploymentPaused); resume rolls it out', async () => {
    await client.create(DEPLOYMENTS, deployment('pz', 2, 'nginx:1'));
    const d0 = await rolledOut(client, 'pz');
    await client.patch(DEPLOYMENTS, { namespace: NS, name: 'pz' }, 'strategic', { spec: { paused: true } });
    await eventually('paused condition', async () => ((await getD(client, 'pz')).status as any).conditions?.some((c: any) => c.type === 'Progressing' && c.reason === 'DeploymentPaused' && c.status === 'Unknown'));
    await setImage(client, 'pz', 'nginx:2');
    // scaling still works while paused
    await client.patch(DEPLOYMENTS, { namespace: NS, name: 'pz' }, 'merge', { spec: { replicas: 3 } });
    await eventually('scaled while paused', async () => {
      const x = await getD(client, 'pz');
      return (x.status as any).observedGeneration === x.metadata.generation && (x.status as any).availableReplicas === 3;
    });
    assert.equal((await rsOf(client, d0)).length, 1, 'no new ReplicaSet while paused');
    await client.patch(DEPLOYMENTS, { namespace: NS, name: 'pz' }, 'strategic', { spec: { paused: null } });
    const d = await eventually('resumed and rolled out', async () => {
      const x = await getD(client, 'pz');
      return done(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' ? x : undefined;
    });
    assert.equal((await rsOf(client, d)).length, 2);
  });

  it('undo: a template equal to an old ReplicaSet reuses it and raises its revision to max+1', async () => {
    await client.create(DEPLOYMENTS, deployment('undo', 2, 'nginx:1'));
    await rolledOut(client, 'undo');
    await setImage(client, 'undo', 'nginx:2');
    await eventually('rev 2', async () => {
      const x = await getD(client, 'undo');
      return done(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2';
    });
    await setImage(client, 'undo', 'nginx:1');
    const d = await eventually('rev 3', async () => {
      const x = await getD(client, 'undo');
      return done(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3' ? x : undefined;
    });
    const rss = await rsOf(client, d);
    assert.equal(rss.length, 2, 'the old ReplicaSet was reused');
    const v1 = rss.find((rs) => (rs.spec as any).template.spec.containers[0].image === 'nginx:1')!;
    assert.equal(v1.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(v1.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal((v1.spec as any).replicas, 2);
  });

  it('revisionHistoryLimit: old ReplicaSets beyond the limit are deleted', async () => {
    await client.create(DEPLOYMENTS, deployment('hist', 1, 'nginx:0', { revisionHistoryLimit: 2 }));
    await rolledOut(client, 'hist');
    for (let i = 1; i <= 4; i++) {
      await setImage(client, 'hist', `nginx:${i}`);
      await eventually(`rev ${i + 1}`, async () => {
        const x = await getD(client, 'hist');
        return done(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === String(i + 1);
      });
    }
    const d = await getD(client, 'hist');
    const rss = await eventually('cleaned up', async () => {
      const l = await rsOf(client, d);
      return l.length === 3 ? l : undefined;
    });
    assert.deepEqual(rss.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort(), ['3', '4', '5']);
  });

  it('progressDeadlineSeconds: a rollout that cannot progress gets Progressing=False ProgressDeadlineExceeded', async () => {
    await client.create(DEPLOYMENTS, deployment('stuck', 2, 'nginx:1', { progressDeadlineSeconds: 1 }));
    await rolledOut(client, 'stuck');
    await setImage(client, 'stuck', 'broken:1');
    const d = await eventually('deadline exceeded', async () => {
      const x = await getD(client, 'stuck');
      const c = (x.status as any).conditions?.find((c: any) => c.type === 'Progressing');
      return c?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
    }, 8000);
    const c = (d.status as any).conditions.find((c: any) => c.type === 'Progressing');
    assert.equal(c.status, 'False');
    assert.match(c.message, /has timed out progressing/);
    // the old ReplicaSet keeps its available pods (maxUnavailable 25% of 2 rounds down to 0)
    assert.equal((d.status as any).availableReplicas, 2);
  });

  it('restart (template annotation) creates a new ReplicaSet; scale changes replicas of the active one', async () => {
    await client.create(DEPLOYMENTS, deployment('rs', 2, 'nginx:1'));
    const d0 = await rolledOut(client, 'rs');
    await client.patch(DEPLOYMENTS, { namespace: NS, name: 'rs' }, 'strategic', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } });
    await eventually('restarted', async () => {
      const x = await getD(client, 'rs');
      return done(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2';
    });
    assert.equal((await rsOf(client, d0)).length, 2);
    await client.patch(DEPLOYMENTS, { namespace: NS, name: 'rs' }, 'merge', { spec: { replicas: 5 } });
    const d = await rolledOut(client, 'rs');
    assert.equal((d.status as any).availableReplicas, 5);
    const active = (await rsOf(client, d)).filter((rs) => (rs.spec as any).replicas > 0);
    assert.equal(active.length, 1);
    assert.equal(active[0].metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');
  });
});
