/**
 * Acceptance (issue 8, CronJob/Job): the real kubectl against an in-process k8ts (startK8ts via
 * startCluster: TLS, port 0, memory storage, the controller-manager with every default controller)
 * with the fake kubelet finishing pods as Succeeded. `kubectl create cronjob`, then
 * `kubectl create job --from=cronjob/x` (client-side: kubectl GETs the CronJob and POSTs a Job from
 * its jobTemplate with the `cronjob.kubernetes.io/instantiate: manual` annotation and an ownerRef),
 * then `kubectl wait --for=condition=complete`; and an every-minute CronJob firing on the real clock
 * (`kubectl get jobs`, `kubectl get cronjob` LAST SCHEDULE). Every kubectl run has a fresh HOME.
 */
import assert from 'node:assert/strict';
import { inProcessClient, type Client } from '../../../core/client';
import { JOBS } from '../job/controller';
import { startFakeKubelet, type FakeKubelet } from '../shared/testing';
import { startCluster } from '../shared/test-cluster';
import { kubectlRunner, show, type KubectlResult } from '../../../test/helpers/kubectl';

describe('e2e: kubectl create job --from=cronjob/x and wait --for=condition=complete (in-process k8ts, controllers, fake kubelet)', function () {
  this.timeout(90_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let kubelet: FakeKubelet;
  const runner = kubectlRunner(() => ({ kubeconfig: cluster.kubeconfigPath, cwd: cluster.dir }));

  before(async function () {
    this.timeout(60_000);
    cluster = await startCluster({ tls: true, controllers: true });
    client = inProcessClient(cluster.server);
    kubelet = startFakeKubelet(client, { finish: () => ({ phase: 'Succeeded' }), finishDelayMs: 50 });
  });
  after(async () => {
    await kubelet?.stop();
    await cluster?.close();
    runner.cleanup();
  });

  const kubectl = (args: string[], timeoutMs = 45_000): Promise<KubectlResult> => runner.run(args, timeoutMs);

  it('create job --from=cronjob/nightly runs the template to completion', async () => {
    const c = await kubectl(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--restart=Never', '--', 'true']);
    assert.equal(c.code, 0, show(c));
    const j = await kubectl(['create', 'job', 'manual-1', '--from=cronjob/nightly']);
    assert.equal(j.code, 0, show(j));
    assert.match(j.stdout, /^job\.batch\/manual-1 created$/m, show(j));
    const w = await kubectl(['wait', '--for=condition=complete', 'job/manual-1', '--timeout=40s']);
    assert.equal(w.code, 0, show(w));
    assert.match(w.stdout, /job\.batch\/manual-1 condition met/, show(w));
    const job = await client.get(JOBS, { namespace: 'default', name: 'manual-1' });
    assert.equal(job.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(job.metadata.ownerReferences?.[0].kind, 'CronJob');
    assert.equal((job.status as any).succeeded, 1);
    const g = await kubectl(['get', 'job', 'manual-1']);
    assert.equal(g.code, 0, show(g));
    assert.match(g.stdout, /manual-1\s+Complete\s+1\/1/, show(g));
  });

  // The real clock (no useCronJobClock): Kubernetes' granularity is a minute, so the first run comes
  // at the next minute boundary, at most ~60 s away; the test waits up to 80 s for it.
  it('a CronJob on */1 * * * * fires on the real clock: get jobs shows its Job, get cronjob its LAST SCHEDULE', async function () {
    this.timeout(150_000);
    const c = await kubectl(['create', 'cronjob', 'every-minute', '--image=busybox', '--schedule=*/1 * * * *', '--restart=Never', '--', 'true']);
    assert.equal(c.code, 0, show(c));
    const created = Date.now();
    const jobsOf = async () => {
      const r = await kubectl(['get', 'jobs', '-o', 'json']);
      assert.equal(r.code, 0, show(r));
      return (JSON.parse(r.stdout).items as any[]).filter((j) => j.metadata.ownerReferences?.some((o: any) => o.kind === 'CronJob' && o.name === 'every-minute' && o.controller));
    };
    let fired: any[] = [];
    while (fired.length === 0 && Date.now() - created < 80_000) {
      fired = await jobsOf();
      if (fired.length === 0) await new Promise((r) => setTimeout(r, 1_000));
    }
    assert.ok(fired.length >= 1, `no Job owned by cronjob/every-minute within 80 s`);
    const job = fired[0];
    // <cronjob>-<scheduled minutes since the epoch>, on a whole minute after the CronJob was created
    const m = /^every-minute-(\d+)$/.exec(job.metadata.name);
    assert.ok(m, job.metadata.name);
    const scheduled = Number(m[1]) * 60_000;
    assert.ok(scheduled > created - 60_000 && scheduled <= Date.now(), `scheduled ${new Date(scheduled).toISOString()}`);
    const g = await kubectl(['get', 'jobs']);
    assert.equal(g.code, 0, show(g));
    assert.match(g.stdout, new RegExp(`^${job.metadata.name}\\s+`, 'm'), show(g));
    const cj = await kubectl(['get', 'cronjob', 'every-minute']);
    assert.equal(cj.code, 0, show(cj));
    // NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE: LAST SCHEDULE is an age, not <none>
    assert.match(cj.stdout, /^every-minute\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+\d+\s+\d+s\s+/m, show(cj));
    const d = await kubectl(['delete', 'cronjob', 'every-minute']);
    assert.equal(d.code, 0, show(d));
  });
});
