/** HorizontalPodAutoscaler validation on the hub (v2) shape (autoscaling ValidateHorizontalPodAutoscaler). */
import type { KObject } from '../../../../core/registry/types';
import { child, forbidden, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { arr, isRecord, num, recs, str, type Json } from '../../shared/object';
import { parseQuantity } from '../../shared/quantity';

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_KEY: Record<string, string> = { Resource: 'resource', ContainerResource: 'containerResource', Pods: 'pods', Object: 'object', External: 'external' };
const POLICY_TYPES = ['Percent', 'Pods'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

function rec(v: unknown): Json {
  return isRecord(v) ? v : {};
}

function validateCrossVersionRef(ref: unknown, path: string, errors: FieldError[]): void {
  const r = rec(ref);
  if (!str(r.kind)) errors.push(required(child(path, 'kind'), ''));
  if (!str(r.name)) errors.push(required(child(path, 'name'), ''));
}

function validateTarget(target: unknown, path: string, errors: FieldError[], allowed: readonly string[]): void {
  const t = rec(target);
  const type = str(t.type);
  if (!type) return void errors.push(required(child(path, 'type'), 'must specify a metric target type'));
  if (!allowed.includes(type)) return void errors.push(notSupported(child(path, 'type'), type, allowed));
  if (type === 'Utilization') {
    const u = num(t.averageUtilization);
    if (u === undefined) errors.push(required(child(path, 'averageUtilization'), 'must set either a target raw value or a target utilization'));
    else if (u <= 0) errors.push(invalid(child(path, 'averageUtilization'), u, 'must be greater than 0'));
  } else {
    const key = type === 'Value' ? 'value' : 'averageValue';
    const q = parseQuantity(t[key]);
    if (t[key] === undefined) errors.push(required(child(path, key), 'must set either a target value or averageValue'));
    else if (q === undefined || q <= 0) errors.push(invalid(child(path, key), t[key], 'must be positive'));
  }
}

function validateMetric(m: Json, path: string, errors: FieldError[]): void {
  const type = str(m.type);
  if (!type) return void errors.push(required(child(path, 'type'), 'must specify a metric source type'));
  if (!METRIC_TYPES.includes(type)) return void errors.push(notSupported(child(path, 'type'), type, METRIC_TYPES));
  const key = SOURCE_KEY[type];
  for (const other of Object.values(SOURCE_KEY)) {
    if (other !== key && m[other] !== undefined && m[other] !== null) errors.push(forbidden(child(path, other), 'must populate the given metric source only'));
  }
  const src = m[key];
  if (!isRecord(src)) return void errors.push(required(child(path, key), 'must populate information for the given metric source'));
  const sp = child(path, key);
  if (type === 'Resource' || type === 'ContainerResource') {
    if (!str(src.name)) errors.push(required(child(sp, 'name'), 'must specify a resource name'));
    if (type === 'ContainerResource' && !str(src.container)) errors.push(required(child(sp, 'container'), 'must specify a container'));
    validateTarget(src.target, child(sp, 'target'), errors, ['AverageValue', 'Utilization']);
  } else {
    if (!str(rec(src.metric).name)) errors.push(required(child(sp, 'metric', 'name'), 'must specify a metric name'));
    if (type === 'Object') validateCrossVersionRef(src.describedObject, child(sp, 'describedObject'), errors);
    validateTarget(src.target, child(sp, 'target'), errors, type === 'Pods' ? ['AverageValue'] : ['AverageValue', 'Value']);
  }
}

function validateRules(rules: unknown, path: string, errors: FieldError[]): void {
  if (rules === undefined || rules === null) return;
  const r = rec(rules);
  const window = num(r.stabilizationWindowSeconds);
  if (window !== undefined && (window < 0 || window > MAX_STABILIZATION_WINDOW_SECONDS)) {
    errors.push(invalid(child(path, 'stabilizationWindowSeconds'), window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (r.selectPolicy !== undefined && !SELECT_POLICIES.includes(str(r.selectPolicy))) errors.push(notSupported(child(path, 'selectPolicy'), r.selectPolicy, SELECT_POLICIES));
  const policies = arr(r.policies);
  if (policies.length === 0 && r.selectPolicy !== 'Disabled') errors.push(required(child(path, 'policies'), 'must specify at least one Policy'));
  recs(r.policies).forEach((p, i) => {
    const pp = index(child(path, 'policies'), i);
    if (!POLICY_TYPES.includes(str(p.type))) errors.push(notSupported(child(pp, 'type'), p.type ?? '', POLICY_TYPES));
    const value = num(p.value);
    if (value === undefined || value <= 0) errors.push(invalid(child(pp, 'value'), p.value ?? 0, 'must be greater than zero'));
    const period = num(p.periodSeconds);
    if (period === undefined || period <= 0) errors.push(invalid(child(pp, 'periodSeconds'), p.periodSeconds ?? 0, 'must be greater than zero'));
    else if (period > MAX_PERIOD_SECONDS) errors.push(invalid(child(pp, 'periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
}

export function validateHPA(hpa: KObject, errors: FieldError[]): void {
  const spec = rec(hpa.spec);
  validateCrossVersionRef(spec.scaleTargetRef, 'spec.scaleTargetRef', errors);
  const min = num(spec.minReplicas);
  if (spec.minReplicas !== undefined && (min === undefined || min < 1)) errors.push(invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
  const max = num(spec.maxReplicas);
  if (max === undefined) errors.push(required('spec.maxReplicas', ''));
  else if (max < 1) errors.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  else if (min !== undefined && max < min) errors.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  recs(spec.metrics).forEach((m, i) => validateMetric(m, index('spec.metrics', i), errors));
  if (isRecord(spec.behavior)) {
    validateRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp', errors);
    validateRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown', errors);
  }
}
