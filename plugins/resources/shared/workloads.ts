/**
 * What the replicated workloads (ReplicationController, ReplicaSet, Deployment, StatefulSet,
 * DaemonSet, Job) share: replica counts, the selector that must select the template's labels,
 * workload template rules, immutable fields.
 */
import type { KObject } from '../../../core/registry/types';
import { child, immutable, invalid, required, type FieldError } from './field-errors';
import { getPath, isRecord, num, semanticEqual, type Json } from './object';
import { validatePodTemplate } from './pod-validation';
import { isEmptySelector, selectorMatches, validateLabelSelector } from './selectors';

/** A non-negative integer field (replicas, revisionHistoryLimit...). */
export function validateNonNegative(value: unknown, path: string, errors: FieldError[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) errors.push(invalid(path, value, 'must be an integer'));
  else if (value < 0) errors.push(invalid(path, value, 'must be greater than or equal to 0'));
}

/** A positive integer field, when set. */
export function validatePositive(value: unknown, path: string, errors: FieldError[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) errors.push(invalid(path, value, 'must be an integer'));
  else if (value <= 0) errors.push(invalid(path, value, 'must be greater than 0'));
}

/**
 * `spec.selector` (a LabelSelector) is required, not empty, and selects the template's labels
 * (apps ValidateDeploymentSpec and friends).
 */
export function validateSelectorAndTemplate(specObj: Json, path: string, errors: FieldError[], opts: { restartPolicies?: readonly string[] } = {}): void {
  const selector = specObj.selector;
  const selPath = child(path, 'selector');
  if (selector === undefined || selector === null) errors.push(required(selPath, ''));
  else {
    validateLabelSelector(selector, selPath, errors);
    if (isEmptySelector(selector)) errors.push(invalid(selPath, selector, 'empty selector is invalid for deployment'));
  }
  const template = specObj.template;
  const tPath = child(path, 'template');
  if (!isRecord(template)) {
    errors.push(required(tPath, ''));
    return;
  }
  const labels = getPath(template, 'metadata.labels');
  if (isRecord(selector) && !isEmptySelector(selector) && !selectorMatches(selector, labels)) {
    errors.push(invalid(child(tPath, 'metadata', 'labels'), labels ?? {}, '`selector` does not match template `labels`'));
  }
  validatePodTemplate(template, tPath, errors, { restartPolicies: opts.restartPolicies ?? ['Always'], forbidActiveDeadline: true });
}

/** Push `field is immutable` when the value at `path` (relative to the objects) changed. */
export function checkImmutable(obj: KObject, old: KObject, path: string, errors: FieldError[]): void {
  const now = getPath(obj, path);
  if (!semanticEqual(now, getPath(old, path))) errors.push(immutable(path, now ?? null));
}

/** An int-or-percent (`25%`, 1): the value's problem, or undefined. */
export function intOrPercentProblem(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? undefined : 'must be greater than or equal to 0';
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (!m) return "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
    return undefined;
  }
  return 'must be an integer or percentage (e.g \'5%\')';
}

/** The value of an int-or-percent against a total (percent rounded up, as maxSurge; or down). */
export function intOrPercentValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  if (!m) return 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function isZeroIntOrPercent(v: unknown): boolean {
  return v === 0 || v === '0%' || v === '0';
}

export function percentOver100(v: unknown): boolean {
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  return !!m && Number(m[1]) > 100;
}

export function replicasOf(specObj: Json | undefined): number {
  return num(specObj?.replicas) ?? 0;
}
