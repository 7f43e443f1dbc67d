/**
 * Acceptance (issue 8, Namespace): the real kubectl deletes a namespace full of objects — a
 * Deployment with its ReplicaSet and running pods, a Job, a CronJob, a ConfigMap, a Secret, a
 * Service, a ServiceAccount — against an in-process k8ts (startCluster: TLS, port 0, memory
 * storage, every default controller) with the fake kubelet playing the node. A ConfigMap holding a
 * finalizer keeps the namespace Terminating (phase and conditions checked with kubectl) until
 * kubectl removes the finalizer; then the namespace and everything in it are gone.
 */
import assert from 'node:assert/strict';
import { gvr, inProcessClient, type Client, type GVR } from '../../../core/client';
import { startFakeKubelet, type FakeKubelet } from '../shared/testing';
import { startCluster } from '../shared/test-cluster';
import { kubectlRunner, show, until, type KubectlResult } from '../../../test/helpers/kubectl';

const NS = 'full';
const HOLD_FINALIZER = 'example.com/hold';
const CONTENT: Array<[string, GVR]> = [
  ['deployments', gvr('apps/v1', 'deployments')],
  ['replicasets', gvr('apps/v1', 'replicasets')],
  ['pods', gvr('v1', 'pods')],
  ['jobs', gvr('batch/v1', 'jobs')],
  ['cronjobs', gvr('batch/v1', 'cronjobs')],
  ['configmaps', gvr('v1', 'configmaps')],
  ['secrets', gvr('v1', 'secrets')],
  ['services', gvr('v1', 'services')],
  ['serviceaccounts', gvr('v1', 'serviceaccounts')],
];

describe('e2e: kubectl delete ns of a namespace full of objects (in-process k8ts, controllers, fake kubelet)', function () {
  this.timeout(90_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let kubelet: FakeKubelet;
  const runner = kubectlRunner(() => ({ kubeconfig: cluster.kubeconfigPath, cwd: cluster.dir }));

  before(async function () {
    this.timeout(60_000);
    cluster = await startCluster({ tls: true, controllers: true });
    client = inProcessClient(cluster.server);
    kubelet = startFakeKubelet(client);
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
  const countIn = async (g: GVR) => (await client.list(g, { namespace: NS })).items.length;

  it('fills the namespace: a Deployment rolled out, a Job, a CronJob, a ConfigMap, a Secret, a Service, a ServiceAccount', async () => {
    await ok(['create', 'namespace', NS]);
    await ok(['-n', NS, 'create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3']);
    await ok(['-n', NS, 'create', 'job', 'once', '--image=busybox', '--', 'sleep', '3600']);
    await ok(['-n', NS, 'create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *']);
    await ok(['-n', NS, 'create', 'configmap', 'settings', '--from-literal=a=b']);
    await ok(['-n', NS, 'create', 'secret', 'generic', 'token', '--from-literal=t=s3cr3t']);
    await ok(['-n', NS, 'create', 'service', 'clusterip', 'web', '--tcp=80:80']);
    await ok(['-n', NS, 'create', 'serviceaccount', 'robot']);
    await ok(['-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=45s']);
    await until('the job pod', async () => (await client.list(gvr('v1', 'pods'), { namespace: NS, labelSelector: 'job-name=once' })).items.length === 1, 30_000);
    const g = await ok(['-n', NS, 'get', 'pods', '--no-headers']);
    assert.equal(g.stdout.trim().split('\n').length, 4, show(g));
  });

  it('a finalizer on a ConfigMap keeps the namespace Terminating with NamespaceFinalizersRemaining', async () => {
    await ok(['-n', NS, 'create', 'configmap', 'held']);
    await ok(['-n', NS, 'patch', 'configmap', 'held', '--type=merge', '-p', JSON.stringify({ metadata: { finalizers: [HOLD_FINALIZER] } })]);
    const d = await ok(['delete', 'namespace', NS, '--wait=false']);
    assert.match(d.stdout, /^namespace "full" deleted$/m, show(d));
    const st = await until(
      'NamespaceFinalizersRemaining True',
      async () => {
        const r = await kubectl(['get', 'namespace', NS, '-o', 'json']);
        if (r.code !== 0) return undefined;
        const ns = JSON.parse(r.stdout);
        const cond = (ns.status?.conditions ?? []).find((c: any) => c.type === 'NamespaceFinalizersRemaining');
        return cond?.status === 'True' ? ns.status : undefined;
      },
      45_000,
      300,
    );
    assert.equal(st.phase, 'Terminating');
    const g = await ok(['get', 'namespace', NS]);
    assert.match(g.stdout, /^full\s+Terminating\s+/m, show(g));
  });

  it('everything else in it is deleted while the finalizer holds the namespace', async () => {
    const leftOver = async () => {
      const left: string[] = [];
      for (const [name, g] of CONTENT) {
        for (const o of (await client.list(g, { namespace: NS })).items) if (!(name === 'configmaps' && o.metadata.name === 'held')) left.push(`${name}/${o.metadata.name}`);
      }
      return left;
    };
    await until('the namespace emptied but for the held ConfigMap', async () => (await leftOver()).length === 0, 45_000, 300).catch(async (err) => {
      throw new Error(`${(err as Error).message}; left: ${(await leftOver()).join(', ')}`);
    });
    const g = await ok(['get', 'namespace', NS]);
    assert.match(g.stdout, /^full\s+Terminating\s+/m, show(g));
  });

  it('removing the finalizer with kubectl patch lets the namespace go: get ns is NotFound, nothing is left', async () => {
    await ok(['-n', NS, 'patch', 'configmap', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    // rc 0 whether it saw the delete ("condition met") or the namespace was gone already (no output)
    await ok(['wait', '--for=delete', `namespace/${NS}`, '--timeout=45s'], 60_000);
    const g = await kubectl(['get', 'namespace', NS]);
    assert.notEqual(g.code, 0, show(g));
    assert.match(g.stderr, /\(NotFound\)/, show(g));
    for (const [, g2] of CONTENT) assert.equal(await countIn(g2), 0);
  });
});
