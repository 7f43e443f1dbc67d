/**
 * Pod spec and pod template validation (core ValidatePodSpec / ValidatePodTemplateSpec), shared by
 * every kind that embeds a pod template, plus the pod update rule (spec is immutable but for images,
 * activeDeadlineSeconds, tolerations additions and scheduling gate removal).
 */
import { child, duplicate, forbidden, index, invalid, notSupported, required, type FieldError } from './field-errors';
import { validateContainers } from './container-validation';
import { validateAnnotations, validateLabels } from './meta-validation';
import { isDNS1123Label, isDNS1123Subdomain } from './names';
import { arr, clone, isRecord, num, recs, semanticEqual, str, type Json } from './object';
import { volumeSources } from './pod-defaults';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TOLERATION_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export interface PodSpecRules {
  /** restart policies this kind accepts (workloads: Always; jobs: OnFailure, Never) */
  restartPolicies?: readonly string[];
  /** activeDeadlineSeconds is not allowed in workload templates */
  forbidActiveDeadline?: boolean;
}

export function validatePodSpec(spec: unknown, path: string, errors: FieldError[], rules: PodSpecRules = {}): void {
  if (!isRecord(spec)) {
    errors.push(required(path, ''));
    return;
  }
  const volumes = validateVolumes(spec.volumes, child(path, 'volumes'), errors);
  const ctx = { names: new Set<string>(), volumes };
  validateContainers(spec.initContainers, child(path, 'initContainers'), ctx, errors, { init: true });
  if (arr(spec.containers).length === 0) errors.push(required(child(path, 'containers'), ''));
  else validateContainers(spec.containers, child(path, 'containers'), ctx, errors);
  validateContainers(spec.ephemeralContainers, child(path, 'ephemeralContainers'), ctx, errors);

  const restartPolicy = spec.restartPolicy;
  if (restartPolicy === undefined || restartPolicy === '') errors.push(required(child(path, 'restartPolicy'), ''));
  else if (!RESTART_POLICIES.includes(str(restartPolicy))) errors.push(notSupported(child(path, 'restartPolicy'), restartPolicy, RESTART_POLICIES));
  else if (rules.restartPolicies && !rules.restartPolicies.includes(str(restartPolicy))) {
    errors.push(notSupported(child(path, 'restartPolicy'), restartPolicy, rules.restartPolicies));
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(str(spec.dnsPolicy))) {
    errors.push(notSupported(child(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  } else if (spec.dnsPolicy === 'None' && !isRecord(spec.dnsConfig)) {
    errors.push(required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null) {
    if (rules.forbidActiveDeadline) errors.push(forbidden(child(path, 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
    else if (typeof deadline !== 'number' || deadline <= 0) errors.push(invalid(child(path, 'activeDeadlineSeconds'), deadline, 'must be greater than 0'));
  }
  validateLabels(spec.nodeSelector, child(path, 'nodeSelector'), errors);
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v) for (const msg of isDNS1123Label(v)) errors.push(invalid(child(path, f), v, msg));
  }
  const sa = str(spec.serviceAccountName);
  if (sa) for (const msg of isDNS1123Subdomain(sa)) errors.push(invalid(child(path, 'serviceAccountName'), sa, msg));
  const nodeName = str(spec.nodeName);
  if (nodeName) for (const msg of isDNS1123Subdomain(nodeName)) errors.push(invalid(child(path, 'nodeName'), nodeName, msg));
  validateTolerations(spec.tolerations, child(path, 'tolerations'), errors);
  const grace = num(spec.terminationGracePeriodSeconds);
  if (spec.terminationGracePeriodSeconds !== undefined && grace === undefined) {
    errors.push(invalid(child(path, 'terminationGracePeriodSeconds'), spec.terminationGracePeriodSeconds, 'must be an integer'));
  }
}

function validateVolumes(list: unknown, path: string, errors: FieldError[]): Set<string> {
  const names = new Set<string>();
  arr(list).forEach((v, i) => {
    const p = index(path, i);
    if (!isRecord(v)) {
      errors.push(invalid(p, v, 'must be an object'));
      return;
    }
    const name = str(v.name);
    if (!name) errors.push(required(child(p, 'name'), ''));
    else {
      for (const msg of isDNS1123Label(name)) errors.push(invalid(child(p, 'name'), name, msg));
      if (names.has(name)) errors.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    const sources = volumeSources(v);
    if (sources.length === 0) errors.push(required(p, 'must specify a volume type'));
    else if (sources.length > 1) errors.push(forbidden(child(p, sources[1]), 'may not specify more than 1 volume type'));
    if (isRecord(v.persistentVolumeClaim) && !str(v.persistentVolumeClaim.claimName)) {
      errors.push(required(child(p, 'persistentVolumeClaim', 'claimName'), ''));
    }
    if (isRecord(v.hostPath) && !str(v.hostPath.path)) errors.push(required(child(p, 'hostPath', 'path'), ''));
  });
  return names;
}

function validateTolerations(list: unknown, path: string, errors: FieldError[]): void {
  arr(list).forEach((t, i) => {
    const p = index(path, i);
    if (!isRecord(t)) {
      errors.push(invalid(p, t, 'must be an object'));
      return;
    }
    const op = t.operator ?? 'Equal';
    if (op === 'Exists') {
      if (str(t.value)) errors.push(invalid(child(p, 'operator'), t, "value must be empty when `operator` is 'Exists'"));
    } else if (op === 'Equal') {
      if (!str(t.key)) errors.push(invalid(child(p, 'operator'), op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    } else errors.push(notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    if (t.effect !== undefined && t.effect !== '' && !TOLERATION_EFFECTS.includes(str(t.effect))) {
      errors.push(notSupported(child(p, 'effect'), t.effect, TOLERATION_EFFECTS));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errors.push(invalid(child(p, 'effect'), t.effect ?? '', 'effect must be \'NoExecute\' when `tolerationSeconds` is set'));
    }
  });
}

/** A PodTemplateSpec (`spec.template`): metadata labels/annotations and the pod spec. */
export function validatePodTemplate(template: unknown, path: string, errors: FieldError[], rules: PodSpecRules = {}): void {
  if (!isRecord(template)) {
    errors.push(required(path, ''));
    return;
  }
  const meta = isRecord(template.metadata) ? template.metadata : {};
  validateLabels(meta.labels, child(path, 'metadata', 'labels'), errors);
  validateAnnotations(meta.annotations, child(path, 'metadata', 'annotations'), errors);
  validatePodSpec(template.spec, child(path, 'spec'), errors, rules);
}

const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** ValidatePodUpdate's spec rule. */
export function validatePodSpecUpdate(spec: unknown, old: unknown, path: string, errors: FieldError[]): void {
  if (!isRecord(spec) || !isRecord(old)) return;
  const mutable = clone(old) as Json;
  for (const list of ['containers', 'initContainers']) {
    const newList = recs(spec[list]);
    recs(mutable[list]).forEach((c, i) => {
      if (newList[i] && newList[i].name === c.name) c.image = newList[i].image;
    });
  }
  const oldDeadline = num(old.activeDeadlineSeconds);
  const newDeadline = num(spec.activeDeadlineSeconds);
  if (newDeadline !== undefined && (oldDeadline === undefined || newDeadline <= oldDeadline)) mutable.activeDeadlineSeconds = newDeadline;
  const oldTolerations = recs(old.tolerations);
  const newTolerations = recs(spec.tolerations);
  if (oldTolerations.every((t) => newTolerations.some((n) => semanticEqual(t, n)))) mutable.tolerations = spec.tolerations;
  const oldGates = recs(old.schedulingGates);
  const newGates = recs(spec.schedulingGates);
  if (newGates.every((g) => oldGates.some((o) => o.name === g.name))) mutable.schedulingGates = spec.schedulingGates;
  if (num(old.terminationGracePeriodSeconds) !== undefined && (old.terminationGracePeriodSeconds as number) < 0 && spec.terminationGracePeriodSeconds === 1) {
    mutable.terminationGracePeriodSeconds = 1;
  }
  if (!semanticEqual(mutable, spec)) errors.push(forbidden(path, POD_UPDATE_MESSAGE));
}
