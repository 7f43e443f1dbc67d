/**
 * The CronJob controller's logic: keep status.active in line with the Jobs the CronJob owns,
 * record lastSuccessfulTime, prune finished Jobs beyond the history limits, and when a scheduled
 * time has come (the most recent one since lastScheduleTime/creation, within
 * startingDeadlineSeconds) create the Job `<cronjob>-<scheduled minutes since epoch>` from
 * spec.jobTemplate, honouring suspend and concurrencyPolicy Allow/Forbid/Replace. Requeues itself
 * for the next scheduled time. The clock is injectable (`now`), so tests need not wait minutes.
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, gvr, type Client, type ClientLogger, type GVR, type SharedInformer } from '../../../core/client';
import { getControllerOf, newControllerRef, objectKey } from '../shared/controller-ref';
import { nowRfc3339 } from '../shared/conditions';
import { isAlreadyExists, isNotFound, writeStatus } from '../shared/pod-control';
import { recordEvent } from '../shared/job-events';
import { finishedCondition, JOBS } from '../job/controller';
import { formatInZone, mostRecentScheduleTime, parseSchedule } from './schedule';

type Json = Record<string, any>;

export const CRONJOBS: GVR = gvr('batch/v1', 'cronjobs');
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const CJ_KIND = { apiVersion: 'batch/v1', kind: 'CronJob' };
const COMPONENT = 'cronjob-controller';

export interface CronJobControllerDeps {
  client: Client;
  cronJobs: SharedInformer;
  jobs: SharedInformer;
  enqueue(key: string): void;
  logger?: ClientLogger;
  now?: () => number;
}

/** `<cronjob>-<minutes since the epoch of the scheduled time>` (getJobName). */
export function jobNameFor(cronJobName: string, scheduled: number): string {
  return `${cronJobName}-${Math.floor(scheduled / 60_000)}`;
}

/** The Job a CronJob creates for a scheduled time (getJobFromTemplate2). */
export function jobFromTemplate(cj: KObject, scheduled: number): KObject {
  const spec: Json = (cj.spec as Json | undefined) ?? {};
  const tpl: Json = structuredClone(spec.jobTemplate ?? {});
  const meta: Json = tpl.metadata ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata.name ?? '', scheduled),
      namespace: cj.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      annotations: { ...(meta.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatInZone(scheduled, spec.timeZone) },
      ownerReferences: [newControllerRef(cj, CJ_KIND.apiVersion, CJ_KIND.kind)],
    },
    spec: tpl.spec ?? {},
  };
}

function jobRef(job: KObject): Json {
  return { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion };
}

function jobTime(job: KObject): number {
  const st = job.status as Json | undefined;
  return Date.parse(st?.startTime ?? job.metadata.creationTimestamp ?? '') || 0;
}

export class CronJobController {
  private readonly now: () => number;
  readonly stats = { created: 0, syncs: 0 };

  constructor(private readonly deps: CronJobControllerDeps) {
    this.now = deps.now ?? Date.now;
  }

  register(): void {
    this.deps.cronJobs.addEventHandler({
      add: (cj) => this.deps.enqueue(objectKey(cj)),
      update: (_o, cj) => this.deps.enqueue(objectKey(cj)),
    });
    const onJob = (job: KObject) => {
      const ref = getControllerOf(job);
      if (ref?.kind === 'CronJob') this.deps.enqueue(`${job.metadata.namespace}/${ref.name}`);
    };
    this.deps.jobs.addEventHandler({ add: onJob, update: (_o, j) => onJob(j), delete: onJob });
  }

  /** every CronJob's key (after a clock jump) */
  enqueueAll(): void {
    for (const cj of this.deps.cronJobs.list()) this.deps.enqueue(objectKey(cj));
  }

  async sync(key: string): Promise<{ requeueAfterMs?: number }> {
    this.stats.syncs++;
    const cached = this.deps.cronJobs.get(key);
    if (!cached || cached.metadata.deletionTimestamp) return {};
    const cj = cached;
    const now = this.now();
    const spec: Json = (cj.spec as Json | undefined) ?? {};
    const status: Json = structuredClone((cj.status as Json | undefined) ?? {});
    const jobs = this.deps.jobs.byIndex(CONTROLLER_UID_INDEX, cj.metadata.uid ?? '');

    // status.active: owned unfinished jobs; finished ones leave it (and may set lastSuccessfulTime)
    const active: Json[] = [];
    for (const j of jobs) {
      const done = finishedCondition(j);
      if (!done) {
        if (!j.metadata.deletionTimestamp) active.push(jobRef(j));
        continue;
      }
      if (done.type === 'Complete') {
        const t = Date.parse(((j.status as Json | undefined)?.completionTime as string | undefined) ?? done.lastTransitionTime ?? '');
        if (t && (!status.lastSuccessfulTime || Date.parse(status.lastSuccessfulTime) < t)) status.lastSuccessfulTime = nowRfc3339(t);
      }
    }
    // a job just created but not yet in the cache stays in the list
    for (const a of (status.active ?? []) as Json[]) {
      if (active.some((x) => x.uid === a.uid)) continue;
      if (jobs.some((j) => j.metadata.uid === a.uid)) continue;
      const justCreated = await this.deps.client.get(JOBS, { namespace: a.namespace, name: a.name }).then(
        (j) => (j.metadata.uid === a.uid && !finishedCondition(j) ? j : undefined),
        () => undefined,
      );
      if (justCreated) active.push(jobRef(justCreated));
    }

    await this.pruneHistory(cj, jobs);

    let requeue: number | undefined;
    const finish = async (): Promise<{ requeueAfterMs?: number }> => {
      const next: Json = { ...status, active: active.map(({ resourceVersion: _rv, ...r }) => r) };
      if (!next.active.length) delete next.active;
      if (JSON.stringify(next) !== JSON.stringify(cj.status ?? {})) await writeStatus(this.deps.client, CRONJOBS, cj, next);
      return requeue === undefined ? {} : { requeueAfterMs: Math.max(requeue, 100) };
    };

    let schedule;
    try {
      schedule = parseSchedule(String(spec.schedule ?? ''), spec.timeZone || undefined);
    } catch (err) {
      void recordEvent(this.deps.client, { ...cj, ...CJ_KIND }, 'Warning', spec.timeZone ? 'UnknownTimeZone' : 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${(err as Error).message}`, COMPONENT, now);
      return finish();
    }
    if (spec.suspend) return finish();

    const created = Date.parse(cj.metadata.creationTimestamp ?? '') || now;
    let earliest = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : created;
    if (typeof spec.startingDeadlineSeconds === 'number') earliest = Math.max(earliest, now - spec.startingDeadlineSeconds * 1000);
    const recent = mostRecentScheduleTime(schedule, earliest, now);
    requeue = schedule.next(now) - now + 100;
    if (recent.tooMany) {
      void recordEvent(this.deps.client, { ...cj, ...CJ_KIND }, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew', COMPONENT, now);
      this.deps.logger?.warn({ cronjob: key, missed: recent.missed }, 'too many missed start times');
    }
    const scheduled = recent.time;
    if (scheduled === undefined) return finish();
    if (typeof spec.startingDeadlineSeconds === 'number' && scheduled + spec.startingDeadlineSeconds * 1000 < now) {
      void recordEvent(this.deps.client, { ...cj, ...CJ_KIND }, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatInZone(scheduled, spec.timeZone)}`, COMPONENT, now);
      return finish();
    }
    const name = jobNameFor(cj.metadata.name ?? '', scheduled);
    if (active.some((a) => a.name === name) || jobs.some((j) => j.metadata.name === name)) return finish();

    const policy = spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      void recordEvent(this.deps.client, { ...cj, ...CJ_KIND }, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', COMPONENT, now);
      return finish();
    }
    if (policy === 'Replace') {
      for (const a of active.splice(0)) {
        await this.deps.client.delete(JOBS, { namespace: a.namespace, name: a.name }, { propagationPolicy: 'Background', preconditions: { uid: a.uid } }).catch((err) => {
          if (!isNotFound(err)) throw err;
        });
        void recordEvent(this.deps.client, { ...cj, ...CJ_KIND }, 'Normal', 'SuccessfulDelete', `Deleted job ${a.name}`, COMPONENT, now);
      }
    }

    let job: KObject;
    try {
      job = await this.deps.client.create(JOBS, jobFromTemplate(cj, scheduled));
      this.stats.created++;
      void recordEvent(this.deps.client, { ...cj, ...CJ_KIND }, 'Normal', 'SuccessfulCreate', `Created job ${name}`, COMPONENT, now);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      job = await this.deps.client.get(JOBS, { namespace: cj.metadata.namespace, name });
      if (getControllerOf(job)?.uid !== cj.metadata.uid) return finish();
    }
    if (!finishedCondition(job) && !active.some((a) => a.uid === job.metadata.uid)) active.push(jobRef(job));
    status.lastScheduleTime = nowRfc3339(scheduled);
    return finish();
  }

  /** Delete the oldest finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit. */
  private async pruneHistory(cj: KObject, jobs: KObject[]): Promise<void> {
    const spec: Json = (cj.spec as Json | undefined) ?? {};
    const groups: [string, number | undefined][] = [
      ['Complete', spec.successfulJobsHistoryLimit],
      ['Failed', spec.failedJobsHistoryLimit],
    ];
    for (const [type, limit] of groups) {
      if (typeof limit !== 'number') continue;
      const finished = jobs.filter((j) => !j.metadata.deletionTimestamp && finishedCondition(j)?.type === type).sort((a, b) => jobTime(a) - jobTime(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        await this.deps.client.delete(JOBS, { namespace: j.metadata.namespace, name: j.metadata.name ?? '' }, { propagationPolicy: 'Background', preconditions: { uid: j.metadata.uid } }).catch((err) => {
          if (!isNotFound(err)) this.deps.logger?.warn({ err, job: objectKey(j) }, 'pruning job failed');
        });
        void recordEvent(this.deps.client, { ...cj, ...CJ_KIND }, 'Normal', 'SawCompletedJob', `Deleted job ${j.metadata.name}`, COMPONENT);
      }
    }
  }
}
