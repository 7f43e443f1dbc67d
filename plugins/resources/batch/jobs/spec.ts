/**
 * Job spec defaults and validation (batch/v1 SetDefaults_Job, ValidateJobSpec), shared with
 * CronJob's jobTemplate, and the generated selector of jobs without manualSelector.
 */
import type { KObject } from '../../../../core/registry/types';
import { child, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { ensure, getPath, isRecord, num, setDefault, str, type Json } from '../../shared/object';
import { validatePodTemplate } from '../../shared/pod-validation';
import { isEmptySelector, selectorMatches, validateLabelSelector } from '../../shared/selectors';
import { validateNonNegative, validatePositive } from '../../shared/workloads';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];
const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const MAX_INDEXED_COMPLETIONS = 100_000;

/** SetDefaults_Job's spec part (everything but the object labels). */
export function defaultJobSpec(spec: Json): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', isRecord(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  const pfp = isRecord(spec.podFailurePolicy) ? spec.podFailurePolicy : undefined;
  for (const rule of Array.isArray(pfp?.rules) ? (pfp!.rules as unknown[]) : []) {
    if (!isRecord(rule)) continue;
    for (const c of Array.isArray(rule.onPodConditions) ? rule.onPodConditions : []) if (isRecord(c)) setDefault(c, 'status', 'True');
  }
}

/**
 * The selector Kubernetes generates for a job without manualSelector: controller-uid in the
 * selector, controller-uid and job-name (both spellings) in the template labels. Needs the uid
 * and name, so it runs once they are assigned.
 */
export function generateSelector(job: KObject): void {
  const spec = ensure(job as Json, 'spec');
  if (spec.manualSelector === true) return;
  const uid = job.metadata.uid;
  const name = job.metadata.name;
  if (!uid || !name) return;
  const template = ensure(spec, 'template');
  const tmeta = ensure(template, 'metadata');
  const labels = ensure(tmeta, 'labels');
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) setDefault(labels, key, name);
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) setDefault(labels, key, uid);
  const selector = ensure(spec, 'selector');
  setDefault(ensure(selector, 'matchLabels'), CONTROLLER_UID_LABEL, uid);
}

/** ValidateGeneratedSelector: a job without manualSelector must carry its own uid and name. */
export function validateGeneratedSelector(job: KObject, errors: FieldError[]): void {
  const spec: Json = isRecord(job.spec) ? job.spec : {};
  if (spec.manualSelector === true) return;
  const uid = job.metadata.uid;
  if (!uid) return;
  const labels: Json = (getPath(spec, 'template.metadata.labels') as Json | undefined) ?? {};
  const path = 'spec.template.metadata.labels';
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) {
    if (labels[key] !== undefined && labels[key] !== uid) errors.push(invalid(path, labels, `\`selector\` not auto-generated: ${key} must be '${uid}'`));
  }
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) {
    if (labels[key] !== undefined && labels[key] !== job.metadata.name) errors.push(invalid(path, labels, `\`selector\` not auto-generated: ${key} must be '${job.metadata.name ?? ''}'`));
  }
  const sel = getPath(spec, 'selector.matchLabels') as Json | undefined;
  if (sel && sel[CONTROLLER_UID_LABEL] !== undefined && sel[CONTROLLER_UID_LABEL] !== uid) {
    errors.push(invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
  }
}

/** ValidateJobSpec. `requireSelector`: false inside a CronJob's jobTemplate (the Job gets one). */
export function validateJobSpec(spec: Json, path: string, errors: FieldError[], requireSelector: boolean): void {
  validateNonNegative(spec.parallelism, child(path, 'parallelism'), errors);
  validateNonNegative(spec.completions, child(path, 'completions'), errors);
  validateNonNegative(spec.backoffLimit, child(path, 'backoffLimit'), errors);
  validatePositive(spec.activeDeadlineSeconds, child(path, 'activeDeadlineSeconds'), errors);
  validateNonNegative(spec.ttlSecondsAfterFinished, child(path, 'ttlSecondsAfterFinished'), errors);
  const mode = str(spec.completionMode);
  if (spec.completionMode !== undefined && !COMPLETION_MODES.includes(mode)) errors.push(notSupported(child(path, 'completionMode'), spec.completionMode, COMPLETION_MODES));
  if (mode === 'Indexed') {
    const completions = num(spec.completions);
    if (completions === undefined) errors.push(required(child(path, 'completions'), 'when completion mode is Indexed'));
    else if (completions > MAX_INDEXED_COMPLETIONS) errors.push(invalid(child(path, 'completions'), completions, `must be less than or equal to ${MAX_INDEXED_COMPLETIONS} when completion mode is Indexed`));
  }
  const selector = spec.selector;
  const labels = getPath(spec, 'template.metadata.labels');
  if (selector === undefined || selector === null) {
    if (requireSelector) errors.push(required(child(path, 'selector'), ''));
  } else {
    validateLabelSelector(selector, child(path, 'selector'), errors);
    if (!isEmptySelector(selector) && !selectorMatches(selector, labels)) {
      errors.push(invalid(child(path, 'template', 'metadata', 'labels'), labels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  validatePodTemplate(spec.template, child(path, 'template'), errors, { restartPolicies: JOB_RESTART_POLICIES });
}
