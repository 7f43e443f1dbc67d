/**
 * Job (batch/v1 jobs): defaults, generated selector and labels, validation, immutable template and
 * selector, status, the STATUS/COMPLETIONS/DURATION printer, field selector status.successful.
 */
import type { KObject } from '../../../../core/registry/types';
import { age, humanDuration, parseTime } from '../../shared/age';
import { immutable, type FieldError } from '../../shared/field-errors';
import { clone, ensure, getPath, isRecord, num, recs, semanticEqual, type Json } from '../../shared/object';
import { defaultPodTemplate } from '../../shared/pod-defaults';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, containerCells, IMAGES_COLUMN, NAME_COLUMN, wide } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { formatLabelSelector } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';
import { defaultJobSpec, generateSelector, validateGeneratedSelector, validateJobSpec } from './spec';

function hasCondition(job: KObject, type: string): boolean {
  return recs(getPath(job, 'status.conditions')).some((c) => c.type === type && c.status === 'True');
}

export function jobStatusCell(job: KObject): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

export function completionsCell(job: KObject): string {
  const succeeded = num(getPath(job, 'status.succeeded')) ?? 0;
  const completions = num(getPath(job, 'spec.completions'));
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = num(getPath(job, 'spec.parallelism')) ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export function durationCell(job: KObject, now: Date): string {
  const start = parseTime(getPath(job, 'status.startTime'));
  if (start === undefined) return '';
  const end = parseTime(getPath(job, 'status.completionTime')) ?? now.getTime();
  return humanDuration(end - start);
}

/** Template fields a suspended job that never started may change (mutable scheduling directives). */
const SCHEDULING_FIELDS = ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates'];

function templateForComparison(template: unknown, allowScheduling: boolean): unknown {
  if (!allowScheduling || !isRecord(template)) return template;
  const t = clone(template) as Json;
  delete t.metadata;
  if (isRecord(t.spec)) for (const f of SCHEDULING_FIELDS) delete (t.spec as Json)[f];
  return t;
}

function validateJobUpdate(job: KObject, old: KObject, errors: FieldError[]): void {
  const spec: Json = isRecord(job.spec) ? job.spec : {};
  const prev: Json = isRecord(old.spec) ? old.spec : {};
  for (const f of ['selector', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
    if (!semanticEqual(spec[f], prev[f])) errors.push(immutable(`spec.${f}`, spec[f] ?? null));
  }
  const elastic = prev.completionMode === 'Indexed' && spec.completions === spec.parallelism && prev.completions === prev.parallelism;
  if (!elastic && !semanticEqual(spec.completions, prev.completions)) errors.push(immutable('spec.completions', spec.completions ?? null));
  const suspendedNeverStarted = prev.suspend === true && !getPath(old, 'status.startTime');
  if (!semanticEqual(templateForComparison(spec.template, suspendedNeverStarted), templateForComparison(prev.template, suspendedNeverStarted))) {
    errors.push(immutable('spec.template', 'object'));
  }
}

export default defineResourcePlugin({
  name: 'Job',
  description: 'batch/v1 jobs: defaults, generated selector, validation, immutable template, status, printer',
  definition: {
    group: 'batch',
    versions: onlyV1('batch', 'Job'),
    names: { plural: 'jobs', singular: 'job', kind: 'Job', listKind: 'JobList', categories: ['all'] },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Status', 'Status of the job.'),
        column('Completions', 'The number of pods which reached phase Succeeded.'),
        column('Duration', 'Time required to complete the job.'),
        AGE_COLUMN,
        CONTAINERS_COLUMN,
        IMAGES_COLUMN,
        wide('Selector', 'A label query over pods that should match the pod count.'),
      ],
      row: (job: KObject, now: Date) => [
        job.metadata.name ?? '',
        jobStatusCell(job),
        completionsCell(job),
        durationCell(job, now),
        age(job, now),
        ...containerCells(getPath(job, 'spec.template.spec.containers')),
        formatLabelSelector(getPath(job, 'spec.selector')),
      ],
    },
    fieldSelectors: { 'status.successful': (o: KObject) => String(num(getPath(o, 'status.succeeded')) ?? 0) },
  },
  defaults(job) {
    const spec = ensure(job as Json, 'spec');
    defaultJobSpec(spec);
    defaultPodTemplate(spec.template);
    const labels = getPath(spec, 'template.metadata.labels');
    if (isRecord(labels) && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = clone(labels) as Record<string, string>;
  },
  prepareForCreate(job) {
    generateSelector(job);
  },
  validate(job, errors) {
    // the generic store assigns uid and the generated name after prepareForCreate, so the selector
    // is generated (idempotently) here, once they exist, as Kubernetes does from them
    generateSelector(job);
    const labels = getPath(job, 'spec.template.metadata.labels');
    if (isRecord(labels) && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = clone(labels) as Record<string, string>;
    validateGeneratedSelector(job, errors);
    validateJobSpec(isRecord(job.spec) ? job.spec : {}, 'spec', errors, true);
  },
  validateUpdate(job, old, errors) {
    validateJobUpdate(job, old, errors);
  },
});
