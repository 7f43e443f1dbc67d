/**
 * Acceptance (issue 8, Deployments): the real kubectl 1.32 against an in-process k8ts started with
 * startK8ts (TLS, port 0, memory storage, the controller-manager with the ReplicaSet, Deployment
 * and GarbageCollector controllers) and the fake kubelet of plugins/controllers/shared/testing.ts
 * playing the node. apply, scale, set image (availability checked at every pod/ReplicaSet change),
 * rollout status/history/undo/pause/resume/restart, delete --cascade=orphan|foreground|background.
 * See /work/shared/docs/kubectl-surface.md §6 and §7.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONTROLLER_UID_INDEX, inProcessClient, SharedInformerFactory, type Client } from '../../core/client';
import type { KObject } from '../../core/registry/types';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../../plugins/controllers/shared/pod-control';
import { isPodReady } from '../../plugins/controllers/shared/pod-status';
import { startFakeKubelet, type FakeKubelet } from '../../plugins/controllers/shared/testing';
import { eventually, sleep, startCluster } from '../../plugins/controllers/shared/test-cluster';
import { kubectlRunner, show, type KubectlResult } from '../helpers/kubectl';

const DEPLOY_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;

describe('e2e: kubectl rollout against Deployments (in-process k8ts, controllers, fake kubelet)', function () {
  this.timeout(120_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let kubelet: FakeKubelet;
  const runner = kubectlRunner(() => ({ kubeconfig: cluster.kubeconfigPath, cwd: cluster.dir }));

  before(async function () {
    this.timeout(60_000);
    cluster = await startCluster({ tls: true, controllers: true });
    client = inProcessClient(cluster.server);
    kubelet = startFakeKubelet(client, { readyDelayMs: 30 });
    fs.writeFileSync(path.join(cluster.dir, 'deploy.yaml'), DEPLOY_YAML);
  });
  after(async () => {
    await kubelet?.stop();
    await cluster?.close();
    runner.cleanup();
  });

  const kubectl = (args: string[], timeoutMs = 60_000): Promise<KubectlResult> => runner.run(args, timeoutMs);
  const ok = async (args: string[], timeoutMs?: number) => {
    const r = await kubectl(args, timeoutMs);
    assert.equal(r.code, 0, show(r));
    return r;
  };
  const getDeploy = (name = 'web') => client.get(DEPLOYMENTS, { namespace: 'default', name });
  const rsList = async (uid: string) => (await client.list(REPLICASETS, { namespace: 'default' })).items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === uid));
  const revisionOf = (o: KObject) => o.metadata.annotations?.['deployment.kubernetes.io/revision'];
  const imageOf = (o: KObject) => (o.spec as any).template.spec.containers[0].image;

  it('apply -f deploy.yaml, then rollout status returns 0 when the rollout is done', async () => {
    const r = await ok(['apply', '-f', 'deploy.yaml']);
    assert.match(r.stdout, /^deployment\.apps\/web created$/m);
    const s = await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(s.stdout, /deployment "web" successfully rolled out/, show(s));
    const d = await getDeploy();
    assert.equal((d.status as any).availableReplicas, 3);
    const g = await ok(['get', 'deploy', 'web']);
    assert.match(g.stdout, /^web\s+3\/3\s+3\s+3\s+/m, show(g));
  });

  it('scale --replicas=5 reaches 5 available', async () => {
    const r = await ok(['scale', 'deployment/web', '--replicas=5']);
    assert.match(r.stdout, /deployment\.apps\/web scaled/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const d = await getDeploy();
    assert.deepEqual([(d.spec as any).replicas, (d.status as any).availableReplicas, (d.status as any).updatedReplicas], [5, 5, 5]);
  });

  it('set image rolls out with never fewer than replicas - maxUnavailable available pods', async () => {
    const d0 = await getDeploy();
    const factory = new SharedInformerFactory(client);
    const pods = factory.informerFor(PODS, { namespace: 'default' });
    const rss = factory.informerFor(REPLICASETS, { namespace: 'default' });
    factory.start();
    await factory.waitForCacheSync();
    const low: number[] = [];
    let checks = 0;
    const check = () => {
      checks++;
      const owned = rss.byIndex(CONTROLLER_UID_INDEX, d0.metadata.uid ?? '');
      const available = owned.flatMap((rs) => pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '')).filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
      if (available < 4) low.push(available);
    };
    pods.addEventHandler({ add: check, update: () => check(), delete: check });
    rss.addEventHandler({ update: () => check() });
    try {
      const r = await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.28']);
      assert.match(r.stdout, /deployment\.apps\/web image updated/);
      const s = await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
      assert.match(s.stdout, /successfully rolled out/);
      assert.deepEqual(low, [], `available dropped below 4 (replicas 5 - maxUnavailable 1) at ${low.length} of ${checks} checks`);
      assert.ok(checks > 10, `only ${checks} checks`);
      const d = await getDeploy();
      assert.equal(revisionOf(d), '2');
      assert.equal((d.status as any).updatedReplicas, 5);
    } finally {
      await factory.shutdown();
    }
  });

  it('rollout history lists revisions 1 and 2; --revision=2 shows the template', async () => {
    const r = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(r.stdout, /REVISION\s+CHANGE-CAUSE/, show(r));
    assert.match(r.stdout, /^1\s+<none>$/m, show(r));
    assert.match(r.stdout, /^2\s+<none>$/m, show(r));
    const r2 = await ok(['rollout', 'history', 'deployment/web', '--revision=2']);
    assert.match(r2.stdout, /Image:\s+nginx:1\.28/, show(r2));
    assert.match(r2.stdout, /pod-template-hash=/, show(r2));
  });

  it('rollout undo goes back to nginx:1.27 by reusing the revision-1 ReplicaSet as revision 3', async () => {
    const d0 = await getDeploy();
    const before = await rsList(d0.metadata.uid ?? '');
    const r = await ok(['rollout', 'undo', 'deployment/web']);
    assert.match(r.stdout, /deployment\.apps\/web rolled back/, show(r));
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const d = await eventually('revision 3', async () => {
      const x = await getDeploy();
      return revisionOf(x) === '3' ? x : undefined;
    });
    assert.equal(imageOf(d), 'nginx:1.27');
    const after = await rsList(d.metadata.uid ?? '');
    assert.equal(after.length, before.length, 'no new ReplicaSet');
    const reused = after.find((rs) => imageOf(rs) === 'nginx:1.27')!;
    assert.equal(revisionOf(reused), '3');
    const h = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(h.stdout, /^2\s+<none>$/m);
    assert.match(h.stdout, /^3\s+<none>$/m);
    assert.doesNotMatch(h.stdout, /^1\s+/m, show(h));
  });

  it('rollout pause holds set image; rollout resume rolls it out', async () => {
    await ok(['rollout', 'pause', 'deployment/web']);
    await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.29']);
    const d0 = await getDeploy();
    const count = (await rsList(d0.metadata.uid ?? '')).length;
    await sleep(500);
    assert.equal((await rsList(d0.metadata.uid ?? '')).length, count, 'no new ReplicaSet while paused');
    const paused = await eventually('DeploymentPaused', async () => ((await getDeploy()).status as any).conditions?.find((c: any) => c.type === 'Progressing' && c.reason === 'DeploymentPaused'));
    assert.equal(paused.status, 'Unknown');
    const u = await kubectl(['rollout', 'undo', 'deployment/web']);
    assert.notEqual(u.code, 0, show(u));
    assert.match(u.stderr, /cannot rollback a paused deployment/, show(u));
    await ok(['rollout', 'resume', 'deployment/web']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const d = await getDeploy();
    assert.equal(imageOf(d), 'nginx:1.29');
    assert.equal(revisionOf(d), '4');
  });

  it('rollout restart creates a new ReplicaSet (restartedAt annotation) and completes', async () => {
    const r = await ok(['rollout', 'restart', 'deployment/web']);
    assert.match(r.stdout, /deployment\.apps\/web restarted/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const d = await eventually('revision 5', async () => {
      const x = await getDeploy();
      return revisionOf(x) === '5' ? x : undefined;
    });
    assert.ok((d.spec as any).template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    const newRS = (await rsList(d.metadata.uid ?? '')).find((rs) => revisionOf(rs) === '5')!;
    assert.equal((newRS.spec as any).replicas, 5);
    assert.equal((newRS.status as any).availableReplicas, 5);
  });

  it('delete deploy --cascade=orphan leaves the ReplicaSets and pods, without the owner reference', async () => {
    const d = await getDeploy();
    const rss = await rsList(d.metadata.uid ?? '');
    await ok(['delete', 'deploy', 'web', '--cascade=orphan', '--timeout=30s']);
    await eventually('deployment gone', async () => (await kubectl(['get', 'deploy', 'web'])).code !== 0);
    const names = rss.map((rs) => rs.metadata.name);
    const left = await eventually('ReplicaSets orphaned', async () => {
      const items = (await client.list(REPLICASETS, { namespace: 'default' })).items.filter((rs) => names.includes(rs.metadata.name));
      return items.length === names.length && items.every((rs) => !(rs.metadata.ownerReferences ?? []).length) ? items : undefined;
    });
    assert.equal(left.length, rss.length);
    const pods = (await client.list(PODS, { namespace: 'default', labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(pods.length, 5, 'the pods still run (owned by their ReplicaSets)');
    // clean up for the next tests
    await ok(['delete', 'rs', '-l', 'app=web', '--timeout=30s']);
    await eventually('pods gone', async () => (await client.list(PODS, { namespace: 'default', labelSelector: 'app=web' })).items.length === 0, 30_000);
  });

  for (const cascade of ['foreground', 'background']) {
    it(`delete deploy --cascade=${cascade} removes the Deployment, its ReplicaSets and pods`, async () => {
      const name = `web-${cascade}`;
      fs.writeFileSync(path.join(cluster.dir, `${name}.yaml`), DEPLOY_YAML.replaceAll('web', name));
      await ok(['apply', '-f', `${name}.yaml`]);
      await ok(['rollout', 'status', `deployment/${name}`, '--timeout=60s']);
      const r = await ok(['delete', 'deploy', name, `--cascade=${cascade}`, '--timeout=60s'], 90_000);
      assert.match(r.stdout, new RegExp(`deployment.apps "${name}" deleted`));
      await eventually('everything gone', async () => {
        const rs = (await client.list(REPLICASETS, { namespace: 'default', labelSelector: `app=${name}` })).items;
        const pods = (await client.list(PODS, { namespace: 'default', labelSelector: `app=${name}` })).items;
        return rs.length === 0 && pods.length === 0;
      }, 30_000);
      assert.notEqual((await kubectl(['get', 'deploy', name])).code, 0);
    });
  }
});
