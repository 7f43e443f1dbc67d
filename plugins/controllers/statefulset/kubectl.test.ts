/**
 * Acceptance (issue 8, StatefulSets and DaemonSets): the real kubectl against an in-process k8ts
 * started with startK8ts (TLS, port 0, memory storage, the controller-manager with every default
 * controller) and the fake kubelet of ../shared/testing.ts playing the node; each kubectl run gets
 * a fresh HOME. apply a StatefulSet, scale it to 3 (pods created in ordinal order), rollout status
 * returns 0, scale down (reverse order); apply a DaemonSet over two nodes and rollout status.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inProcessClient, SharedInformerFactory, type Client } from '../../../core/client';
import { PODS } from '../shared/pod-control';
import { startFakeKubelet, type FakeKubelet } from '../shared/testing';
import { eventually, startCluster } from '../shared/test-cluster';
import { STATEFULSETS } from './controller';
import { NODES } from '../daemonset/controller';
import { kubectlRunner, show, type KubectlResult } from '../../../test/helpers/kubectl';

const STS_YAML = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 1
  serviceName: web
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

const DS_YAML = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: agent:1
`;

describe('e2e: kubectl against StatefulSets and DaemonSets (in-process k8ts, controllers, fake kubelet)', function () {
  this.timeout(120_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let kubelet: FakeKubelet;
  const runner = kubectlRunner(() => ({ kubeconfig: cluster.kubeconfigPath, cwd: cluster.dir }));
  const created: string[] = [];
  const deleted: string[] = [];
  const abort = new AbortController();

  before(async function () {
    this.timeout(60_000);
    cluster = await startCluster({ tls: true, controllers: true });
    client = inProcessClient(cluster.server);
    kubelet = startFakeKubelet(client, { readyDelayMs: 30 });
    fs.writeFileSync(path.join(cluster.dir, 'sts.yaml'), STS_YAML);
    fs.writeFileSync(path.join(cluster.dir, 'ds.yaml'), DS_YAML);
    const f = new SharedInformerFactory(client);
    const pods = f.informerFor(PODS, { namespace: 'default' });
    const gone = (p: { metadata: { name?: string } }) => {
      if (!deleted.includes(p.metadata.name ?? '')) deleted.push(p.metadata.name ?? '');
    };
    pods.addEventHandler({
      add: (p) => created.push(p.metadata.name ?? ''),
      update: (o, n) => {
        if (!o.metadata.deletionTimestamp && n.metadata.deletionTimestamp) gone(n);
      },
      delete: gone,
    });
    f.start(abort.signal);
    await f.waitForCacheSync();
  });
  after(async () => {
    abort.abort();
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
  const webPods = () => created.filter((n) => /^web-\d+$/.test(n));

  it('apply a StatefulSet, scale --replicas=3: pods web-0, web-1, web-2 in order; rollout status returns 0', async () => {
    const a = await ok(['apply', '-f', 'sts.yaml']);
    assert.match(a.stdout, /^statefulset\.apps\/web created$/m);
    const s = await ok(['scale', 'sts', 'web', '--replicas=3']);
    assert.match(s.stdout, /statefulset\.apps\/web scaled/);
    const r = await ok(['rollout', 'status', 'sts/web', '--timeout=60s']);
    assert.match(r.stdout, /partitioned roll out complete|roll out complete/, show(r));
    const sts = await client.get(STATEFULSETS, { namespace: 'default', name: 'web' });
    assert.equal((sts.status as any).readyReplicas, 3);
    assert.deepEqual(webPods(), ['web-0', 'web-1', 'web-2']);
    const g = await ok(['get', 'pvc', '-o', 'name']);
    assert.deepEqual(g.stdout.trim().split('\n').sort(), ['persistentvolumeclaim/www-web-0', 'persistentvolumeclaim/www-web-1', 'persistentvolumeclaim/www-web-2']);
  });

  it('scale --replicas=1 deletes web-2 then web-1', async () => {
    await ok(['scale', 'sts', 'web', '--replicas=1']);
    await eventually('1 ready replica', async () => {
      const s = (await client.get(STATEFULSETS, { namespace: 'default', name: 'web' })).status as any;
      return s?.replicas === 1 && s.readyReplicas === 1;
    });
    assert.deepEqual(
      deleted.filter((n) => /^web-\d+$/.test(n)),
      ['web-2', 'web-1'],
    );
    await ok(['rollout', 'status', 'sts/web', '--timeout=60s']);
  });

  it('set image then rollout status returns 0 and rollout history lists two revisions', async () => {
    await ok(['set', 'image', 'sts/web', 'nginx=nginx:1.28']);
    await ok(['rollout', 'status', 'sts/web', '--timeout=60s']);
    const pod = await client.get(PODS, { namespace: 'default', name: 'web-0' });
    assert.equal((pod.spec as any).containers[0].image, 'nginx:1.28');
    const h = await ok(['rollout', 'history', 'sts/web']);
    assert.match(h.stdout, /^1\s/m, show(h));
    assert.match(h.stdout, /^2\s/m, show(h));
  });

  // a revision is a strategic merge patch that replaces the template ("$patch": "replace", as
  // Kubernetes' getPatch): without it undo would merge and keep what the later revision added
  it('set env adds FOO; rollout undo sts/web goes back to the previous template, without FOO', async () => {
    await ok(['set', 'env', 'sts/web', 'FOO=bar']);
    await ok(['rollout', 'status', 'sts/web', '--timeout=60s']);
    const withEnv = await client.get(STATEFULSETS, { namespace: 'default', name: 'web' });
    assert.deepEqual((withEnv.spec as any).template.spec.containers[0].env, [{ name: 'FOO', value: 'bar' }]);
    // kubectl applies the stored patch to show a revision's template
    const h = await ok(['rollout', 'history', 'sts/web', '--revision=3']);
    assert.match(h.stdout, /FOO:\s+bar/, show(h));
    const u = await ok(['rollout', 'undo', 'sts/web']);
    assert.match(u.stdout, /statefulset\.apps\/web rolled back/, show(u));
    await ok(['rollout', 'status', 'sts/web', '--timeout=60s']);
    const back = await client.get(STATEFULSETS, { namespace: 'default', name: 'web' });
    const c = (back.spec as any).template.spec.containers[0];
    assert.deepEqual([c.image, c.env], ['nginx:1.28', undefined]);
  });

  it('apply a DaemonSet over two nodes; rollout status returns 0', async () => {
    for (const n of ['node-a', 'node-b']) await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
    await ok(['apply', '-f', 'ds.yaml']);
    const r = await ok(['rollout', 'status', 'ds/agent', '--timeout=60s']);
    assert.match(r.stdout, /daemon set "agent" successfully rolled out/, show(r));
    const pods = (await client.list(PODS, { namespace: 'default', labelSelector: 'app=agent' })).items;
    assert.deepEqual(pods.map((p) => (p.spec as any).nodeName).sort(), ['node-a', 'node-b']);
  });
});
