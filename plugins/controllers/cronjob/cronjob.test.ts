import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import type { Client } from '../../../core/client';
import { inProcessClient } from '../../../core/client';
import CronJobPlugin, { fakeClock, useCronJobClock } from './index';
import JobPlugin from '../job/index';
import { CRONJOBS, jobNameFor, SCHEDULED_TIMESTAMP_ANNOTATION } from './controller';
import { formatInZone, mostRecentScheduleTime, parseSchedule } from './schedule';
import { JOBS } from '../job/controller';
import { runController, startFakeKubelet, type FakeKubelet, type HostedController } from '../shared/testing';
import { eventually, sleep, startCluster } from '../shared/test-cluster';

const NS = 'default';
const MIN = 60_000;

function cronJob(name: string, spec: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: NS },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { metadata: { labels: { cron: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

async function jobsOf(client: Client, cj: string): Promise<KObject[]> {
  return (await client.list(JOBS, { namespace: NS, labelSelector: `cron=${cj}` })).items.filter((j) => !j.metadata.deletionTimestamp);
}

describe('controllers/CronJob schedule helpers', () => {
  it('next run honours the time zone', () => {
    const s = parseSchedule('0 9 * * *', 'America/New_York');
    assert.equal(new Date(s.next(Date.parse('2026-01-01T00:00:00Z'))).toISOString(), '2026-01-01T14:00:00.000Z');
    assert.equal(formatInZone(Date.parse('2026-01-01T14:00:00Z'), 'America/New_York'), '2026-01-01T09:00:00-05:00');
  });
  it('rejects CRON_TZ= and TZ= prefixes like the Kubernetes API', () => {
    assert.throws(() => parseSchedule('CRON_TZ=UTC * * * * *'), /timeZone field/);
  });
  it('finds the most recent of many missed times and flags more than 100', () => {
    const s = parseSchedule('* * * * *');
    const t0 = Date.parse('2026-01-01T00:00:30Z');
    const r = mostRecentScheduleTime(s, t0, t0 + 500 * MIN);
    assert.equal(r.tooMany, true);
    assert.equal(r.time, Date.parse('2026-01-01T08:20:00Z'));
    const few = mostRecentScheduleTime(s, t0, t0 + 3 * MIN);
    assert.deepEqual(few, { time: Date.parse('2026-01-01T00:03:00Z'), missed: 3, tooMany: false });
  });
});

describe('controllers/CronJob (integration, fake clock)', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let clock: ReturnType<typeof fakeClock>;
  const hosted: HostedController[] = [];
  let kubelet: FakeKubelet | undefined;

  beforeEach(async () => {
    cluster = await startCluster();
    client = inProcessClient(cluster.server);
    clock = fakeClock(Date.now());
    useCronJobClock(cluster.server, clock);
    hosted.push(await runController(cluster.server, CronJobPlugin, {}));
  });
  afterEach(async () => {
    for (const h of hosted.splice(0)) await h.stop();
    await kubelet?.stop();
    kubelet = undefined;
    await cluster.close();
  });

  it('creates <name>-<minutes> with the scheduled-timestamp annotation and ownerRef when the schedule fires', async () => {
    const cj = await client.create(CRONJOBS, cronJob('tick'));
    await sleep(200);
    assert.equal((await jobsOf(client, 'tick')).length, 0);
    const next = parseSchedule('* * * * *').next(clock.now());
    clock.set(next + 1000);
    const [job] = await eventually('a job', async () => {
      const l = await jobsOf(client, 'tick');
      return l.length ? l : undefined;
    });
    assert.equal(job.metadata.name, jobNameFor('tick', next));
    assert.equal(job.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], formatInZone(next));
    assert.equal(job.metadata.ownerReferences?.[0].uid, cj.metadata.uid);
    assert.equal(job.metadata.ownerReferences?.[0].controller, true);
    const st = await eventually('status', async () => {
      const s = (await client.get(CRONJOBS, { namespace: NS, name: 'tick' })).status as any;
      return s?.active?.length === 1 && s.lastScheduleTime ? s : undefined;
    });
    assert.equal(st.active[0].name, job.metadata.name);
    assert.equal(Date.parse(st.lastScheduleTime), next);
  });

  it('does not fire while suspended', async () => {
    await client.create(CRONJOBS, cronJob('sus', { suspend: true }));
    clock.advance(3 * MIN);
    await sleep(300);
    assert.equal((await jobsOf(client, 'sus')).length, 0);
  });

  it('after many missed runs creates only the most recent one', async () => {
    await client.create(CRONJOBS, cronJob('late'));
    await sleep(100);
    clock.advance(150 * MIN);
    const jobs = await eventually('a job', async () => {
      const l = await jobsOf(client, 'late');
      return l.length ? l : undefined;
    });
    await sleep(200);
    assert.equal((await jobsOf(client, 'late')).length, 1);
    assert.equal(jobs[0].metadata.name, jobNameFor('late', Math.floor(clock.now() / MIN) * MIN));
  });

  it('concurrencyPolicy Forbid skips a run while the previous Job is active', async () => {
    await client.create(CRONJOBS, cronJob('forbid', { concurrencyPolicy: 'Forbid' }));
    clock.advance(MIN);
    await eventually('first job', async () => (await jobsOf(client, 'forbid')).length === 1);
    clock.advance(MIN);
    await sleep(300);
    assert.equal((await jobsOf(client, 'forbid')).length, 1);
  });

  it('concurrencyPolicy Replace deletes the active Job and creates the new one', async () => {
    await client.create(CRONJOBS, cronJob('repl', { concurrencyPolicy: 'Replace' }));
    clock.advance(MIN);
    const [first] = await eventually('first job', async () => {
      const l = await jobsOf(client, 'repl');
      return l.length === 1 ? l : undefined;
    });
    clock.advance(MIN);
    const [second] = await eventually('replaced', async () => {
      const l = await jobsOf(client, 'repl');
      return l.length === 1 && l[0].metadata.name !== first.metadata.name ? l : undefined;
    });
    assert.equal(second.metadata.name, jobNameFor('repl', Math.floor(clock.now() / MIN) * MIN));
  });

  it('keeps at most successfulJobsHistoryLimit finished Jobs and records lastSuccessfulTime', async () => {
    hosted.push(await runController(cluster.server, JobPlugin, {}));
    kubelet = startFakeKubelet(client, { finish: () => ({ phase: 'Succeeded' }) });
    await client.create(CRONJOBS, cronJob('hist', { successfulJobsHistoryLimit: 1 }));
    const complete = (j: KObject) => ((j.status as any)?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True');
    for (let i = 1; i <= 3; i++) {
      clock.advance(MIN);
      const name = jobNameFor('hist', Math.floor(clock.now() / MIN) * MIN);
      await eventually(`job ${i} complete`, async () => (await jobsOf(client, 'hist')).some((j) => j.metadata.name === name && complete(j)));
    }
    const last = jobNameFor('hist', Math.floor(clock.now() / MIN) * MIN);
    await eventually('only the last job kept', async () => {
      const l = await jobsOf(client, 'hist');
      return l.length === 1 && l[0].metadata.name === last;
    });
    await eventually('lastSuccessfulTime', async () => ((await client.get(CRONJOBS, { namespace: NS, name: 'hist' })).status as any)?.lastSuccessfulTime);
  });
});
