/**
 * The Job controller's logic: event handlers for the Job and Pod informers and `sync(key)`:
 * count the Job's pods by phase, decide whether it failed (backoffLimit, activeDeadlineSeconds,
 * podFailurePolicy FailJob) or completed (completions / first success), create pods from the
 * template up to parallelism (NonIndexed or Indexed), delete active pods when suspended or
 * finished, write status, and delete finished Jobs after ttlSecondsAfterFinished.
 *
 * Counting: terminated pods are counted from the pods that still exist (no job-tracking
 * finalizer); the counts never go below what status already says, so deleting finished pods does
 * not lower them.
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, gvr, type Client, type ClientLogger, type GVR, type SharedInformer } from '../../../core/client';
import { getControllerOf, newControllerRef, objectKey, splitKey } from '../shared/controller-ref';
import { ControllerExpectations } from '../shared/expectations';
import { nowRfc3339, type Condition } from '../shared/conditions';
import { isNamespaceTerminating, isNotFound, PODS, podFromTemplate, writeStatus } from '../shared/pod-control';
import { isPodActive, isPodReady, podPhase } from '../shared/pod-status';
import { recordEvent } from '../shared/job-events';

type Json = Record<string, any>;

export const JOBS: GVR = gvr('batch/v1', 'jobs');
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const JOB_KIND = { apiVersion: 'batch/v1', kind: 'Job' };

export interface JobControllerDeps {
  client: Client;
  jobs: SharedInformer;
  pods: SharedInformer;
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
  logger?: ClientLogger;
  now?: () => number;
}

export interface JobControllerOptions {
  /** most pods created in one sync (Kubernetes: 500) */
  burstPods: number;
}

interface Counts {
  active: KObject[];
  succeeded: number;
  failed: number;
  /** FailJob rule matched: the message */
  failJob?: string;
  succeededIndexes: Set<number>;
}

/** The Job conditions that end it. */
export function finishedCondition(job: KObject): Condition | undefined {
  const conds: Condition[] = ((job.status as Json | undefined)?.conditions ?? []) as Condition[];
  return conds.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** "0-2,4,6-7" for a set of indexes (status.completedIndexes). */
export function formatIndexes(idx: Iterable<number>): string {
  const sorted = [...new Set(idx)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function parseIndexes(s: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.add(i);
  }
  return out;
}

export function podIndex(pod: KObject): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? pod.metadata.labels?.[COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** The exit codes of a pod's terminated containers (name → code). */
function exitCodes(pod: KObject): { name: string; code: number }[] {
  const st = (pod.status as Json | undefined)?.containerStatuses;
  const out: { name: string; code: number }[] = [];
  for (const cs of Array.isArray(st) ? st : []) {
    const code = cs?.state?.terminated?.exitCode;
    if (typeof code === 'number') out.push({ name: cs.name, code });
  }
  return out;
}

/** The action of the first podFailurePolicy rule matching a failed pod (or undefined: count it). */
export function matchPodFailurePolicy(policy: Json | undefined, pod: KObject): { action: string; message: string } | undefined {
  const rules = Array.isArray(policy?.rules) ? (policy!.rules as Json[]) : [];
  for (const [i, rule] of rules.entries()) {
    const onExit = rule.onExitCodes as Json | undefined;
    if (onExit) {
      const values: number[] = onExit.values ?? [];
      const hit = exitCodes(pod).find((c) => c.code !== 0 && (!onExit.containerName || onExit.containerName === c.name) && (onExit.operator === 'NotIn' ? !values.includes(c.code) : values.includes(c.code)));
      if (hit) return { action: rule.action, message: `Container ${hit.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${hit.code} matching ${rule.action} rule at index ${i}` };
    }
    const onConds = rule.onPodConditions as Json[] | undefined;
    if (Array.isArray(onConds)) {
      const conds: Json[] = (pod.status as Json | undefined)?.conditions ?? [];
      const hit = onConds.find((p) => conds.some((c) => c.type === p.type && c.status === (p.status ?? 'True')));
      if (hit) return { action: rule.action, message: `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${hit.type} matching ${rule.action} rule at index ${i}` };
    }
  }
  return undefined;
}

function jobCondition(type: string, status: 'True' | 'False', reason: string, message: string, now: number): Condition {
  const t = nowRfc3339(now);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

/** Set a Job condition (keeps lastTransitionTime when the status does not change). */
function putCondition(list: Condition[], c: Condition): Condition[] {
  const cur = list.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return list;
  const next = cur && cur.status === c.status ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  return [...list.filter((x) => x.type !== c.type), next];
}

export class JobController {
  readonly expectations = new ControllerExpectations();
  private readonly now: () => number;
  readonly stats = { creates: 0, deletes: 0, syncs: 0 };

  constructor(
    private readonly deps: JobControllerDeps,
    private readonly opts: JobControllerOptions = { burstPods: 500 },
  ) {
    this.now = deps.now ?? Date.now;
  }

  register(): void {
    this.deps.jobs.addEventHandler({
      add: (j) => this.deps.enqueue(objectKey(j)),
      update: (_o, j) => this.deps.enqueue(objectKey(j)),
      delete: (j) => {
        this.expectations.delete(objectKey(j));
      },
    });
    this.deps.pods.addEventHandler({
      add: (p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        this.expectations.creationObserved(key);
        this.deps.enqueue(key);
      },
      update: (_o, p) => {
        const key = this.ownerKey(p);
        if (key) this.deps.enqueue(key);
      },
      delete: (p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        this.expectations.deletionObserved(key, objectKey(p));
        this.deps.enqueue(key);
      },
    });
  }

  private ownerKey(pod: KObject): string | undefined {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== 'Job' || !String(ref.apiVersion).startsWith('batch/')) return undefined;
    return `${pod.metadata.namespace}/${ref.name}`;
  }

  async sync(key: string): Promise<{ requeueAfterMs?: number }> {
    this.stats.syncs++;
    const job = this.deps.jobs.get(key);
    if (!job) {
      this.expectations.delete(key);
      return {};
    }
    if (job.metadata.deletionTimestamp) return {};
    const now = this.now();
    const spec: Json = (job.spec as Json | undefined) ?? {};
    const status: Json = structuredClone((job.status as Json | undefined) ?? {});
    const pods = this.deps.pods.byIndex(CONTROLLER_UID_INDEX, job.metadata.uid ?? '');

    const done = finishedCondition(job);
    if (done) return this.handleTtl(job, done, now);

    const indexed = spec.completionMode === 'Indexed';
    const counts = this.count(job, pods, indexed, status);
    let conditions: Condition[] = [...((status.conditions ?? []) as Condition[])];
    const parallelism: number = spec.parallelism ?? 1;
    const completions: number | null = spec.completions ?? null;
    const backoffLimit: number = spec.backoffLimit ?? 6;
    const suspended = spec.suspend === true;

    // startTime: set when the job (re)starts running; cleared while suspended (reset on resume)
    let requeue: number | undefined;
    if (suspended) delete status.startTime;
    else if (!status.startTime) status.startTime = nowRfc3339(now);

    let failure: { reason: string; message: string } | undefined;
    if (counts.failJob) failure = { reason: 'PodFailurePolicy', message: counts.failJob };
    else if (counts.failed > backoffLimit) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (!suspended && typeof spec.activeDeadlineSeconds === 'number') {
      const left = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now;
      if (left <= 0) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else requeue = left + 10;
    }

    let complete = false;
    if (!failure) {
      if (completions === null) complete = counts.succeeded > 0 && counts.active.length === 0;
      else complete = counts.succeeded >= completions;
    }

    const expectationsOk = this.expectations.satisfied(key);
    let manageError: unknown;
    const toDelete: KObject[] = [];
    if (failure || complete || suspended) toDelete.push(...counts.active);
    else if (expectationsOk) {
      try {
        await this.createPods(key, job, counts, indexed, parallelism, completions);
      } catch (err) {
        manageError = err;
      }
    }
    if (toDelete.length) await this.deletePods(key, toDelete);

    if (suspended) {
      conditions = putCondition(conditions, jobCondition('Suspended', 'True', 'JobSuspended', 'Job suspended', now));
    } else if (conditions.some((c) => c.type === 'Suspended' && c.status === 'True')) {
      conditions = putCondition(conditions, jobCondition('Suspended', 'False', 'JobResumed', 'Job resumed', now));
    }
    if (failure) {
      conditions = putCondition(conditions, jobCondition('FailureTarget', 'True', failure.reason, failure.message, now));
      conditions = putCondition(conditions, jobCondition('Failed', 'True', failure.reason, failure.message, now));
      void recordEvent(this.deps.client, { ...job, ...JOB_KIND }, 'Warning', failure.reason, failure.message, 'job-controller', now);
    } else if (complete) {
      conditions = putCondition(conditions, jobCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now));
      conditions = putCondition(conditions, jobCondition('Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now));
      status.completionTime = nowRfc3339(now);
      void recordEvent(this.deps.client, { ...job, ...JOB_KIND }, 'Normal', 'Completed', 'Job completed', 'job-controller', now);
    }

    const stillActive = failure || complete || suspended ? [] : counts.active;
    status.active = stillActive.length;
    status.ready = stillActive.filter(isPodReady).length;
    status.terminating = pods.filter((p) => p.metadata.deletionTimestamp && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed').length + (stillActive.length === counts.active.length ? 0 : counts.active.length);
    if (!status.terminating) delete status.terminating;
    status.succeeded = counts.succeeded;
    status.failed = counts.failed;
    if (indexed) status.completedIndexes = formatIndexes(counts.succeededIndexes);
    if (conditions.length) status.conditions = conditions;
    if (!status.active) delete status.active;
    if (!status.succeeded) delete status.succeeded;
    if (!status.failed) delete status.failed;
    if (JSON.stringify(status) !== JSON.stringify(job.status ?? {})) {
      const written = await writeStatus(this.deps.client, JOBS, job, status);
      if (failure || complete) return this.handleTtl(written, finishedCondition(written)!, now);
    }
    if (manageError) throw manageError;
    return requeue === undefined || failure || complete ? {} : { requeueAfterMs: requeue };
  }

  /** ttlSecondsAfterFinished: delete the finished Job (background propagation) when its time has come. */
  private handleTtl(job: KObject, done: Condition, now: number): { requeueAfterMs?: number } {
    const ttl = (job.spec as Json | undefined)?.ttlSecondsAfterFinished;
    if (typeof ttl !== 'number') return {};
    const finishedAt = Date.parse(((job.status as Json | undefined)?.completionTime as string | undefined) ?? done.lastTransitionTime ?? '') || now;
    const left = finishedAt + ttl * 1000 - now;
    if (left > 0) return { requeueAfterMs: left + 10 };
    void this.deps.client
      .delete(JOBS, { namespace: job.metadata.namespace, name: job.metadata.name ?? '' }, { propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid } })
      .catch((err) => {
        if (!isNotFound(err)) this.deps.logger?.warn({ err, job: objectKey(job) }, 'ttl delete failed');
      });
    return {};
  }

  private count(job: KObject, pods: KObject[], indexed: boolean, status: Json): Counts {
    const policy = (job.spec as Json | undefined)?.podFailurePolicy as Json | undefined;
    const completions: number = (job.spec as Json | undefined)?.completions ?? 0;
    const active: KObject[] = [];
    let succeeded = 0;
    let failed = 0;
    let failJob: string | undefined;
    const succeededIndexes = indexed ? parseIndexes(status.completedIndexes) : new Set<number>();
    for (const p of pods) {
      const phase = podPhase(p);
      if (phase === 'Succeeded') {
        if (indexed) {
          const i = podIndex(p);
          if (i !== undefined && i < completions) succeededIndexes.add(i);
        } else succeeded++;
      } else if (phase === 'Failed') {
        const m = policy ? matchPodFailurePolicy(policy, p) : undefined;
        if (m?.action === 'Ignore') continue;
        if (m?.action === 'FailJob' && !failJob) failJob = m.message;
        failed++;
      } else if (isPodActive(p)) active.push(p);
    }
    if (indexed) succeeded = succeededIndexes.size;
    return {
      active,
      succeeded: Math.max(succeeded, status.succeeded ?? 0),
      failed: Math.max(failed, status.failed ?? 0),
      failJob,
      succeededIndexes,
    };
  }

  private async createPods(key: string, job: KObject, counts: Counts, indexed: boolean, parallelism: number, completions: number | null): Promise<void> {
    let want: number;
    if (completions === null) want = counts.succeeded > 0 ? 0 : parallelism - counts.active.length;
    else want = Math.min(parallelism, completions - counts.succeeded) - counts.active.length;
    if (want <= 0) return;
    want = Math.min(want, this.opts.burstPods);
    let indexes: number[] = [];
    if (indexed) {
      const busy = new Set<number>(counts.active.map(podIndex).filter((i): i is number => i !== undefined));
      for (let i = 0; i < (completions ?? 0) && indexes.length < want; i++) if (!counts.succeededIndexes.has(i) && !busy.has(i)) indexes.push(i);
      want = indexes.length;
      if (!want) return;
    } else indexes = new Array(want).fill(-1);
    const ref = newControllerRef(job, JOB_KIND.apiVersion, JOB_KIND.kind);
    const { namespace, name } = splitKey(key);
    this.expectations.expectCreations(key, want);
    const results = await Promise.allSettled(
      indexes.map((i) => {
        const pod = podFromTemplate((job.spec as Json).template, namespace, i >= 0 ? `${name}-${i}` : name, ref);
        if (i >= 0) indexPod(pod, name, i);
        return this.deps.client.create(PODS, pod);
      }),
    );
    let firstErr: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') this.stats.creates++;
      else {
        this.expectations.creationObserved(key);
        if (!isNamespaceTerminating(r.reason)) firstErr ??= r.reason;
      }
    }
    if (firstErr) throw firstErr;
  }

  private async deletePods(key: string, pods: KObject[]): Promise<void> {
    this.expectations.expectDeletions(key, pods.map(objectKey));
    await Promise.all(
      pods.map((p) =>
        this.deps.client
          .delete(PODS, { namespace: p.metadata.namespace, name: p.metadata.name ?? '' }, { preconditions: { uid: p.metadata.uid } })
          .then(() => void this.stats.deletes++)
          .catch((err) => {
            this.expectations.deletionObserved(key, objectKey(p));
            if (!isNotFound(err)) this.deps.logger?.warn({ err, pod: objectKey(p) }, 'deleting job pod failed');
          }),
      ),
    );
  }
}

/** Indexed completion mode: the index annotation and label, JOB_COMPLETION_INDEX, hostname `<job>-<i>`. */
function indexPod(pod: KObject, jobName: string, i: number): void {
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(i) };
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(i) };
  const spec = pod.spec as Json;
  if (!spec.hostname) spec.hostname = `${jobName}-${i}`;
  const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } };
  for (const list of [spec.containers, spec.initContainers]) {
    for (const c of Array.isArray(list) ? (list as Json[]) : []) {
      c.env = [...(Array.isArray(c.env) ? c.env.filter((e: Json) => e?.name !== 'JOB_COMPLETION_INDEX') : []), env];
    }
  }
}
