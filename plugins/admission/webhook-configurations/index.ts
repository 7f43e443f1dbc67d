/**
 * admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and ValidatingWebhookConfiguration
 * (cluster-scoped, stored): defaults (failurePolicy Fail, matchPolicy Equivalent, empty selectors,
 * timeoutSeconds 10, rule scope `*`, reinvocationPolicy Never) and validation (names, clientConfig
 * url xor service, https urls, timeouts 1..30, sideEffects, admissionReviewVersions, rules,
 * matchConditions that compile). The webhook plugins read them from storage at call time.
 */
import type { KObject } from '../../../core/registry/types';
import { child, index, invalid, notSupported, required, duplicate, type FieldError } from '../../resources/shared/field-errors';
import { defineResourcePlugin } from '../../resources/shared/resource-plugin';
import { isRecord, recs, type Json } from '../shared/admission';
import { compileError, MAX_CONDITIONS } from '../webhook/cel';

export const GROUP = 'admissionregistration.k8s.io';
const OPERATIONS = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];

function defaultWebhook(w: Json, mutating: boolean): void {
  w.failurePolicy ??= 'Fail';
  w.matchPolicy ??= 'Equivalent';
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  if (mutating) w.reinvocationPolicy ??= 'Never';
  for (const r of recs(w.rules)) r.scope ??= '*';
}

function validateWebhook(w: Json, path: string, mutating: boolean, errors: FieldError[]): void {
  const name = typeof w.name === 'string' ? w.name : '';
  if (!name) errors.push(required(child(path, 'name'), ''));
  else if (name.split('.').length < 3 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)) {
    errors.push(invalid(child(path, 'name'), name, 'should be a domain with at least three segments separated by dots'));
  }
  const cc: Json = isRecord(w.clientConfig) ? w.clientConfig : {};
  const hasUrl = typeof cc.url === 'string' && cc.url !== '';
  const hasService = isRecord(cc.service);
  if (hasUrl === hasService) errors.push(required(child(path, 'clientConfig'), 'exactly one of url or service is required'));
  if (hasUrl) {
    let u: URL | undefined;
    try {
      u = new URL(String(cc.url));
    } catch {
      errors.push(invalid(child(path, 'clientConfig.url'), cc.url, 'must be a valid URL'));
    }
    if (u && u.protocol !== 'https:') errors.push(invalid(child(path, 'clientConfig.url'), cc.url, "'https' is the only allowed URL scheme"));
    if (u && (u.hash || u.username || u.password)) errors.push(invalid(child(path, 'clientConfig.url'), cc.url, 'fragments, user information and query parameters are not permitted'));
  }
  if (hasService) {
    const svc = cc.service as Json;
    if (!svc.name) errors.push(required(child(path, 'clientConfig.service.name'), ''));
    if (!svc.namespace) errors.push(required(child(path, 'clientConfig.service.namespace'), ''));
  }
  if (typeof cc.caBundle === 'string' && cc.caBundle !== '' && !/^[A-Za-z0-9+/]+=*$/.test(cc.caBundle)) errors.push(invalid(child(path, 'clientConfig.caBundle'), '', 'must be base64'));
  if (!FAILURE_POLICIES.includes(String(w.failurePolicy))) errors.push(notSupported(child(path, 'failurePolicy'), w.failurePolicy, FAILURE_POLICIES));
  if (!SIDE_EFFECTS.includes(String(w.sideEffects))) errors.push(notSupported(child(path, 'sideEffects'), w.sideEffects ?? '', SIDE_EFFECTS));
  const t = w.timeoutSeconds;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 30) errors.push(invalid(child(path, 'timeoutSeconds'), t, 'the timeout value must be between 1 and 30 seconds'));
  const versions = Array.isArray(w.admissionReviewVersions) ? w.admissionReviewVersions.map(String) : [];
  if (!versions.includes('v1') && !versions.includes('v1beta1')) errors.push(required(child(path, 'admissionReviewVersions'), 'must specify one of v1, v1beta1'));
  if (mutating && !['Never', 'IfNeeded'].includes(String(w.reinvocationPolicy))) errors.push(notSupported(child(path, 'reinvocationPolicy'), w.reinvocationPolicy, ['Never', 'IfNeeded']));
  recs(w.rules).forEach((r, i) => {
    const rp = index(child(path, 'rules'), i);
    for (const op of Array.isArray(r.operations) ? r.operations : []) if (!OPERATIONS.includes(String(op))) errors.push(notSupported(child(rp, 'operations'), op, OPERATIONS));
    if (!Array.isArray(r.operations) || r.operations.length === 0) errors.push(required(child(rp, 'operations'), ''));
    if (!Array.isArray(r.resources) || r.resources.length === 0) errors.push(required(child(rp, 'resources'), ''));
    if (!SCOPES.includes(String(r.scope))) errors.push(notSupported(child(rp, 'scope'), r.scope, SCOPES));
  });
  const conditions = recs(w.matchConditions);
  if (conditions.length > MAX_CONDITIONS) errors.push(invalid(child(path, 'matchConditions'), conditions.length, `must have at most ${MAX_CONDITIONS} items`));
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    const cp = index(child(path, 'matchConditions'), i);
    const n = String(c.name ?? '');
    if (!n) errors.push(required(child(cp, 'name'), ''));
    else if (seen.has(n)) errors.push(duplicate(child(cp, 'name'), n));
    seen.add(n);
    const expr = typeof c.expression === 'string' ? c.expression : '';
    if (!expr) errors.push(required(child(cp, 'expression'), ''));
    else {
      const e = compileError(expr);
      if (e) errors.push(invalid(child(cp, 'expression'), expr, `compilation failed: ${e}`));
    }
  });
}

function configurationPlugin(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration') {
  const mutating = kind === 'MutatingWebhookConfiguration';
  const plural = `${kind.toLowerCase()}s`;
  return defineResourcePlugin({
    name: kind,
    description: `${GROUP}/v1 ${plural}: webhook defaults and validation (read by ${mutating ? 'MutatingAdmissionWebhook' : 'ValidatingAdmissionWebhook'})`,
    definition: {
      group: GROUP,
      versions: [{ name: 'v1', served: true, storage: true, schemaRef: `io.k8s.api.admissionregistration.v1.${kind}` }],
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, categories: ['api-extensions'] },
      namespaced: false,
      generation: 'spec',
      printer: {
        columns: [
          { name: 'Name', type: 'string', format: 'name', priority: 0, description: 'Name must be unique within a namespace.' },
          { name: 'Webhooks', type: 'integer', priority: 0, description: 'Webhooks is a list of webhooks and the affected resources and operations.' },
          { name: 'Age', type: 'date', priority: 0, description: 'CreationTimestamp' },
        ],
        row: (obj: KObject, now: Date) => {
          const created = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : now.getTime();
          const s = Math.max(0, Math.floor((now.getTime() - created) / 1000));
          return [obj.metadata.name ?? '', recs(obj.webhooks).length, s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`];
        },
      },
    },
    defaults(obj) {
      for (const w of recs(obj.webhooks)) defaultWebhook(w, mutating);
    },
    validate(obj, errors) {
      const seen = new Set<string>();
      recs(obj.webhooks).forEach((w, i) => {
        const p = index('webhooks', i);
        validateWebhook(w, p, mutating, errors);
        if (typeof w.name === 'string' && seen.has(w.name)) errors.push(duplicate(child(p, 'name'), w.name));
        seen.add(String(w.name));
      });
    },
  });
}

export const MutatingWebhookConfiguration = configurationPlugin('MutatingWebhookConfiguration');
export const ValidatingWebhookConfiguration = configurationPlugin('ValidatingWebhookConfiguration');
