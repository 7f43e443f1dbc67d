/**
 * PodSecurity: the Pod Security Standards per namespace, from its labels
 * `pod-security.kubernetes.io/<mode>` (privileged | baseline | restricted) and `<mode>-version`
 * (`latest` or `v1.x`; every version is evaluated as latest). Pods that break the `enforce` level
 * are refused (403 Forbidden `violates PodSecurity "restricted:latest": ...`); `warn` adds
 * warnings; `audit` leaves an audit annotation in ctx.state. Pod templates of workload resources
 * are only warned and audited, as in Kubernetes.
 */
import { AdmissionStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks } from '../../../core/registry/registry';
import { jsonEqual } from '../../../core/registry/store-write';
import type { AdmissionAttributes } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { addAuditAnnotation, forbidden, isRecord, readObject, type Json } from '../shared/admission';
import { checkPod, describe, LEVELS, type Level } from './checks';

const PLUGIN_NAME = 'PodSecurity';
export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const AUDIT_VIOLATIONS_ANNOTATION = 'pod-security.kubernetes.io/audit-violations';
export const ENFORCE_POLICY_ANNOTATION = 'pod-security.kubernetes.io/enforce-policy';
const MODES = ['enforce', 'audit', 'warn'] as const;
type Mode = (typeof MODES)[number];

/** Where a pod template lives in each workload resource (group/resource -> path). */
const TEMPLATES: Record<string, string[]> = {
  '/podtemplates': ['template'],
  '/replicationcontrollers': ['spec', 'template'],
  'apps/replicasets': ['spec', 'template'],
  'apps/deployments': ['spec', 'template'],
  'apps/statefulsets': ['spec', 'template'],
  'apps/daemonsets': ['spec', 'template'],
  'batch/jobs': ['spec', 'template'],
  'batch/cronjobs': ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface PodSecurityOptions {
  /** levels for namespaces without labels (kube-apiserver's PodSecurityConfiguration defaults) */
  defaults?: Partial<Record<Mode | `${Mode}-version`, string>>;
  exemptions?: { usernames?: string[]; namespaces?: string[]; runtimeClasses?: string[] };
}

interface Policy {
  level: Level;
  version: string;
}

/** The policy of one mode: the namespace label, else the default; an invalid level is restricted. */
export function policyFor(labels: Record<string, string>, mode: Mode, defaults: PodSecurityOptions['defaults'] = {}): Policy {
  const raw = labels[`${LABEL_PREFIX}${mode}`] ?? defaults[mode] ?? 'privileged';
  const level = (LEVELS as readonly string[]).includes(raw) ? (raw as Level) : 'restricted';
  const v = labels[`${LABEL_PREFIX}${mode}-version`] ?? defaults[`${mode}-version`] ?? 'latest';
  const version = v === 'latest' || /^v1\.\d+$/.test(v) ? v : 'latest';
  return { level, version };
}

function dig(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

async function validate(server: Server, options: PodSecurityOptions, attrs: AdmissionAttributes): Promise<void> {
  if ((attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') || !attrs.object || !attrs.namespace) return;
  const gr = `${attrs.resource.group}/${attrs.resource.resource}`;
  const isPod = gr === '/pods';
  const templatePath = TEMPLATES[gr];
  if (!isPod && !templatePath) return;
  if (attrs.subresource !== '' && !(isPod && attrs.subresource === 'ephemeralcontainers')) return;
  const ex = options.exemptions ?? {};
  if (ex.namespaces?.includes(attrs.namespace) || (attrs.ctx.user && ex.usernames?.includes(attrs.ctx.user.username))) return;

  let meta: Json;
  let spec: unknown;
  if (isPod) {
    meta = attrs.object.metadata as Json;
    spec = attrs.object.spec;
    // updates that leave the pod spec alone (labels, status, finalizers) are not evaluated
    if (attrs.operation === 'UPDATE' && attrs.subresource === '' && jsonEqual(spec, attrs.oldObject?.spec)) return;
  } else {
    const template = dig(attrs.object, templatePath);
    if (!isRecord(template)) return;
    if (attrs.operation === 'UPDATE' && jsonEqual(template, dig(attrs.oldObject, templatePath))) return;
    meta = isRecord(template.metadata) ? template.metadata : {};
    spec = template.spec;
  }
  if (!isRecord(spec)) return;
  if (typeof spec.runtimeClassName === 'string' && ex.runtimeClasses?.includes(spec.runtimeClassName)) return;

  const ns = await readObject(server, '', 'namespaces', '', attrs.namespace);
  const labels = (ns?.metadata.labels ?? {}) as Record<string, string>;
  const cache = new Map<Level, string>();
  const evaluate = (p: Policy) => {
    if (!cache.has(p.level)) cache.set(p.level, describe(checkPod(p.level, meta, spec as Json)));
    return cache.get(p.level)!;
  };
  const enforce = policyFor(labels, 'enforce', options.defaults);
  if (isPod) {
    addAuditAnnotation(attrs.ctx, ENFORCE_POLICY_ANNOTATION, `${enforce.level}:${enforce.version}`);
    const violations = evaluate(enforce);
    if (violations) throw forbidden(attrs, `violates PodSecurity "${enforce.level}:${enforce.version}": ${violations}`);
  }
  const warn = policyFor(labels, 'warn', options.defaults);
  const warnText = evaluate(warn);
  if (warnText) {
    const who = isPod ? '' : `${attrs.kind.kind} "${attrs.name || String(attrs.object.metadata.generateName ?? '')}": `;
    attrs.ctx.warnings.push(`${who}would violate PodSecurity "${warn.level}:${warn.version}": ${warnText}`);
  }
  const audit = policyFor(labels, 'audit', options.defaults);
  const auditText = evaluate(audit);
  if (auditText) addAuditAnnotation(attrs.ctx, AUDIT_VIOLATIONS_ANNOTATION, `would violate PodSecurity "${audit.level}:${audit.version}": ${auditText}`);
}

const levelSchema = { type: 'string', enum: [...LEVELS] };
const versionSchema = { type: 'string', pattern: '^(latest|v1\\.[0-9]+)$' };

export default definePlugin<PodSecurityOptions>({
  name: PLUGIN_NAME,
  area: 'admission',
  description: 'Pod Security Standards (privileged/baseline/restricted) from namespace labels: enforce, audit, warn',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      defaults: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enforce: levelSchema,
          'enforce-version': versionSchema,
          audit: levelSchema,
          'audit-version': versionSchema,
          warn: levelSchema,
          'warn-version': versionSchema,
        },
      },
      exemptions: {
        type: 'object',
        additionalProperties: false,
        properties: {
          usernames: { type: 'array', items: { type: 'string' } },
          namespaces: { type: 'array', items: { type: 'string' } },
          runtimeClasses: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
  apply(server, options) {
    getApiHooks(server).validatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.POD_SECURITY }, (attrs) => validate(server, options ?? {}, attrs));
  },
});
