import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import type { Client } from '../../../core/client';
import { inProcessClient } from '../../../core/client';
import JobPlugin from './index';
import { COMPLETION_INDEX_ANNOTATION, formatIndexes, JOBS, matchPodFailurePolicy, parseIndexes } from './controller';
import { PODS } from '../shared/pod-control';
import { runController, startFakeKubelet, type FakeKubelet, type HostedController } from '../shared/testing';
import { eventually, sleep, startCluster } from '../shared/test-cluster';

const NS = 'default';

function job(name: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS },
    spec: { template: { metadata: { labels: { app: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }], ...podSpec } }, ...spec },
  };
}

const getJob = (client: Client, name: string) => client.get(JOBS, { namespace: NS, name });
const cond = (j: KObject, type: string) => ((j.status as any)?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');
async function podsOf(client: Client, job: string): Promise<KObject[]> {
  return (await client.list(PODS, { namespace: NS, labelSelector: `batch.kubernetes.io/job-name=${job}` })).items;
}

describe('controllers/Job unit helpers', () => {
  it('formats and parses completedIndexes ranges', () => {
    assert.equal(formatIndexes([4, 0, 1, 2, 6, 7]), '0-2,4,6-7');
    assert.deepEqual([...parseIndexes('0-2,4')].sort(), [0, 1, 2, 4]);
  });
  it('matches podFailurePolicy rules on exit codes and pod conditions', () => {
    const pod = { metadata: { name: 'p', namespace: NS }, status: { phase: 'Failed', conditions: [{ type: 'DisruptionTarget', status: 'True' }], containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 42 } } }] } } as unknown as KObject;
    assert.equal(matchPodFailurePolicy({ rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }, pod)?.action, 'FailJob');
    assert.equal(matchPodFailurePolicy({ rules: [{ action: 'Count', onExitCodes: { operator: 'NotIn', values: [42] } }] }, pod), undefined);
    assert.equal(matchPodFailurePolicy({ rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }, pod)?.action, 'Ignore');
  });
});

describe('controllers/Job (integration, in-process client, memory storage, fake kubelet)', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let ctrl: HostedController | undefined;
  let kubelet: FakeKubelet | undefined;

  beforeEach(async () => {
    cluster = await startCluster();
    client = inProcessClient(cluster.server);
    ctrl = await runController(cluster.server, JobPlugin, {});
  });
  afterEach(async () => {
    await ctrl?.stop();
    await kubelet?.stop();
    ctrl = kubelet = undefined;
    await cluster.close();
  });

  it('runs parallelism 2 / completions 4 to Complete, never more than 2 active', async () => {
    let maxActive = 0;
    kubelet = startFakeKubelet(client, { finish: () => ({ phase: 'Succeeded' }), finishDelayMs: 50 });
    await client.create(JOBS, job('pi', { parallelism: 2, completions: 4 }));
    const done = await eventually('Complete', async () => {
      const j = await getJob(client, 'pi');
      maxActive = Math.max(maxActive, (j.status as any)?.active ?? 0);
      return cond(j, 'Complete') ? j : undefined;
    });
    const st = done.status as any;
    assert.equal(st.succeeded, 4);
    assert.equal(st.active, undefined);
    assert.ok(st.startTime && st.completionTime);
    assert.ok(cond(done, 'SuccessCriteriaMet'));
    assert.ok(maxActive <= 2, `max active ${maxActive}`);
    const pods = await podsOf(client, 'pi');
    assert.equal(pods.filter((p) => (p.status as any)?.phase === 'Succeeded').length, 4);
    assert.equal(pods[0].metadata.ownerReferences?.[0].kind, 'Job');
  });

  it('fails with BackoffLimitExceeded after backoffLimit+1 failed pods', async () => {
    kubelet = startFakeKubelet(client, { finish: () => ({ phase: 'Failed', exitCode: 1 }) });
    await client.create(JOBS, job('bad', { backoffLimit: 2 }));
    const j = await eventually('Failed', async () => {
      const j = await getJob(client, 'bad');
      return cond(j, 'Failed') ? j : undefined;
    });
    assert.equal(cond(j, 'Failed').reason, 'BackoffLimitExceeded');
    assert.equal((j.status as any).failed, 3);
    await sleep(200);
    assert.equal((await podsOf(client, 'bad')).length, 3);
  });

  it('fails at once on a podFailurePolicy FailJob exit code', async () => {
    kubelet = startFakeKubelet(client, { finish: () => ({ phase: 'Failed', exitCode: 42 }) });
    await client.create(JOBS, job('pfp', { backoffLimit: 6, podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }));
    const j = await eventually('Failed', async () => {
      const j = await getJob(client, 'pfp');
      return cond(j, 'Failed') ? j : undefined;
    });
    assert.equal(cond(j, 'Failed').reason, 'PodFailurePolicy');
    assert.equal((j.status as any).failed, 1);
  });

  it('Indexed: one pod per index with the completion-index annotation, env and hostname; completedIndexes', async () => {
    kubelet = startFakeKubelet(client, { finish: () => ({ phase: 'Succeeded' }) });
    await client.create(JOBS, job('idx', { completionMode: 'Indexed', completions: 3, parallelism: 3 }));
    const j = await eventually('Complete', async () => {
      const j = await getJob(client, 'idx');
      return cond(j, 'Complete') ? j : undefined;
    });
    assert.equal((j.status as any).completedIndexes, '0-2');
    assert.equal((j.status as any).succeeded, 3);
    const pods = await podsOf(client, 'idx');
    assert.deepEqual(pods.map((p) => p.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION]).sort(), ['0', '1', '2']);
    for (const p of pods) {
      const i = p.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION];
      assert.equal((p.spec as any).hostname, `idx-${i}`);
      assert.match(p.metadata.name ?? '', new RegExp(`^idx-${i}-`));
      assert.ok((p.spec as any).containers[0].env.some((e: any) => e.name === 'JOB_COMPLETION_INDEX'));
    }
  });

  it('suspend deletes active pods and sets Suspended; resume starts them again', async () => {
    kubelet = startFakeKubelet(client);
    await client.create(JOBS, job('sus', { parallelism: 2, completions: 2 }));
    await eventually('2 ready', async () => ((await getJob(client, 'sus')).status as any)?.ready === 2);
    await client.patch(JOBS, { namespace: NS, name: 'sus' }, 'merge', { spec: { suspend: true } });
    const j = await eventually('Suspended', async () => {
      const j = await getJob(client, 'sus');
      return cond(j, 'Suspended') && !(j.status as any).active ? j : undefined;
    });
    assert.equal(cond(j, 'Suspended').reason, 'JobSuspended');
    await eventually('pods gone', async () => (await podsOf(client, 'sus')).length === 0);
    await client.patch(JOBS, { namespace: NS, name: 'sus' }, 'merge', { spec: { suspend: false } });
    await eventually('2 active again', async () => ((await getJob(client, 'sus')).status as any)?.active === 2);
  });

  it('activeDeadlineSeconds: DeadlineExceeded and running pods deleted', async () => {
    kubelet = startFakeKubelet(client);
    await client.create(JOBS, job('slow', { activeDeadlineSeconds: 2 }));
    // on a loaded machine the deadline may pass before a poll sees the pod active: either will do
    await eventually('running or failed', async () => {
      const j = await getJob(client, 'slow');
      return (j.status as any)?.active === 1 || !!cond(j, 'Failed');
    });
    const j = await eventually(
      'Failed',
      async () => {
        const j = await getJob(client, 'slow');
        return cond(j, 'Failed') ? j : undefined;
      },
      10_000,
    );
    assert.equal(cond(j, 'Failed').reason, 'DeadlineExceeded');
    await eventually('pods deleted', async () => (await podsOf(client, 'slow')).length === 0);
  });

  it('ttlSecondsAfterFinished deletes the finished Job', async () => {
    kubelet = startFakeKubelet(client, { finish: () => ({ phase: 'Succeeded' }) });
    await client.create(JOBS, job('ttl', { ttlSecondsAfterFinished: 0 }));
    await eventually(
      'job deleted',
      async () =>
        getJob(client, 'ttl').then(
          () => false,
          (e) => e.code === 404,
        ),
      10_000,
    );
  });
});
