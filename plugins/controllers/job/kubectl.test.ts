/**
 * Acceptance (issue 8, Job): the real kubectl against an in-process k8ts (startCluster: TLS, port
 * 0, memory storage, the controller-manager with every default controller) with the fake kubelet
 * running each pod for a while and then finishing it as Succeeded. `kubectl apply` a Job with
 * completions 6 and parallelism 3, `kubectl wait --for=condition=complete`, `kubectl get job`.
 * An informer on the Job's pods records the most pods active at once at every pod event (the
 * cache is a consistent state at each event), so "at most 3 active" is checked at every change,
 * not sampled.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inProcessClient, SharedInformerFactory, type Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { PODS } from '../shared/pod-control';
import { isPodActive } from '../shared/pod-status';
import { startFakeKubelet, type FakeKubelet } from '../shared/testing';
import { startCluster } from '../shared/test-cluster';
import { kubectlRunner, show, type KubectlResult } from '../../../test/helpers/kubectl';
import { JOBS } from './controller';

const JOB_YAML = `apiVersion: batch/v1
kind: Job
metadata:
  name: crunch
spec:
  completions: 6
  parallelism: 3
  template:
    metadata:
      labels: {app: crunch}
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox:1.36
        command: ["sh", "-c", "sleep 1"]
`;

describe('e2e: kubectl runs a Job with parallelism to completion (in-process k8ts, controllers, fake kubelet)', function () {
  this.timeout(90_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let kubelet: FakeKubelet;
  const watcher = { abort: new AbortController(), maxActive: 0, podsSeen: new Set<string>() };
  const runner = kubectlRunner(() => ({ kubeconfig: cluster.kubeconfigPath, cwd: cluster.dir }));

  before(async function () {
    this.timeout(60_000);
    cluster = await startCluster({ tls: true, controllers: true });
    client = inProcessClient(cluster.server);
    // each pod runs ~1 s (long enough for a wave of 3 to overlap even on a loaded machine), then succeeds
    kubelet = startFakeKubelet(client, { finish: () => ({ phase: 'Succeeded' }), finishDelayMs: 1_000 });
    const factory = new SharedInformerFactory(client);
    const pods = factory.informerFor(PODS, { namespace: 'default' });
    const observe = () => {
      const mine = pods.list().filter((p: KObject) => p.metadata.labels?.app === 'crunch');
      for (const p of mine) watcher.podsSeen.add(p.metadata.uid ?? '');
      watcher.maxActive = Math.max(watcher.maxActive, mine.filter((p) => isPodActive(p)).length);
    };
    pods.addEventHandler({ add: observe, update: observe, delete: observe });
    factory.start(watcher.abort.signal);
    await factory.waitForCacheSync();
    fs.writeFileSync(path.join(cluster.dir, 'job.yaml'), JOB_YAML);
  });
  after(async () => {
    watcher.abort.abort();
    await kubelet?.stop();
    await cluster?.close();
    runner.cleanup();
  });

  const kubectl = (args: string[], timeoutMs = 60_000): Promise<KubectlResult> => runner.run(args, timeoutMs);

  it('apply -f job.yaml (completions 6, parallelism 3), then wait --for=condition=complete returns', async () => {
    const a = await kubectl(['apply', '-f', 'job.yaml']);
    assert.equal(a.code, 0, show(a));
    assert.match(a.stdout, /^job\.batch\/crunch created$/m, show(a));
    const w = await kubectl(['wait', '--for=condition=complete', 'job/crunch', '--timeout=60s'], 70_000);
    assert.equal(w.code, 0, show(w));
    assert.match(w.stdout, /job\.batch\/crunch condition met/, show(w));
  });

  it('never had more than 3 pods active at once, and used the parallelism (3 at once)', () => {
    assert.equal(watcher.maxActive, 3);
  });

  it('created exactly 6 pods (one per completion, none failed)', () => {
    assert.equal(watcher.podsSeen.size, 6);
  });

  it('get job shows COMPLETIONS 6/6 and STATUS Complete', async () => {
    const g = await kubectl(['get', 'job', 'crunch']);
    assert.equal(g.code, 0, show(g));
    assert.match(g.stdout, /^crunch\s+Complete\s+6\/6\s+/m, show(g));
    const job = await client.get(JOBS, { namespace: 'default', name: 'crunch' });
    assert.deepEqual([(job.status as any).succeeded, (job.status as any).active ?? 0], [6, 0]);
  });

  it('get pods -l app=crunch lists the 6 pods as Completed', async () => {
    const g = await kubectl(['get', 'pods', '-l', 'app=crunch', '--no-headers']);
    assert.equal(g.code, 0, show(g));
    const lines = g.stdout.trim().split('\n');
    assert.equal(lines.length, 6, show(g));
    for (const l of lines) assert.match(l, /^crunch-\w+\s+0\/1\s+Completed\s+/, show(g));
  });
});
