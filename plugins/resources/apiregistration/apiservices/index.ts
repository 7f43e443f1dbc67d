/**
 * APIService (apiregistration.k8s.io/v1 apiservices, cluster-scoped): which server answers a
 * group/version — `Local` (this apiserver) or a Service. Stored and validated here (name must be
 * `<version>.<group>`); the aggregator (plugins/aggregator) proxies to the Service and sets the
 * Available condition.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { isInteger } from '../../shared/groups-validation';
import { isDNS1035Label, isDNS1123Subdomain } from '../../shared/names';
import { isRecord, recs, setDefault, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

export const GROUP = 'apiregistration.k8s.io';
const CONDITION_STATUSES = ['True', 'False', 'Unknown'];

function specOf(obj: KObject): Json {
  return isRecord(obj.spec) ? obj.spec : {};
}

/** `<version>.<group>` — the only name an APIService may have */
export function apiServiceName(spec: Json): string {
  return `${str(spec.version)}.${str(spec.group)}`;
}

export function validateAPIService(obj: KObject, errors: FieldError[]): void {
  const spec = specOf(obj);
  const name = obj.metadata.name ?? '';
  const wanted = apiServiceName(spec);
  if (name && name !== wanted) errors.push(invalid('metadata.name', name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(wanted)}`));
  const group = str(spec.group);
  const version = str(spec.version);
  if (!group && version !== 'v1') errors.push(required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group) for (const msg of isDNS1123Subdomain(group)) errors.push(invalid('spec.group', group, msg));
  for (const msg of isDNS1035Label(version)) errors.push(invalid('spec.version', version, msg));
  const gpm = spec.groupPriorityMinimum;
  if (!isInteger(gpm) || gpm <= 0 || gpm > 20000) errors.push(invalid('spec.groupPriorityMinimum', gpm ?? 0, 'must be positive and less than 20000'));
  const vp = spec.versionPriority;
  if (!isInteger(vp) || vp <= 0 || vp > 1000) errors.push(invalid('spec.versionPriority', vp ?? 0, 'must be positive and less than 1000'));
  const caBundle = str(spec.caBundle);
  if (!isRecord(spec.service)) {
    if (caBundle) errors.push(invalid('spec.caBundle', `${Buffer.from(caBundle, 'base64').length} bytes`, 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify === true) errors.push(invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return;
  }
  if (!str(spec.service.namespace)) errors.push(required('spec.service.namespace', ''));
  if (!str(spec.service.name)) errors.push(required('spec.service.name', ''));
  if (spec.insecureSkipTLSVerify === true && caBundle) errors.push(invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
}

export function validateAPIServiceStatus(status: unknown, errors: FieldError[]): void {
  const s: Json = isRecord(status) ? status : {};
  recs(s.conditions).forEach((c, i) => {
    if (!CONDITION_STATUSES.includes(str(c.status))) errors.push(notSupported(child(index('status.conditions', i), 'status'), c.status ?? '', CONDITION_STATUSES));
  });
}

/** The AVAILABLE cell: `True`, `False (Reason)`, or `Unknown` without the condition. */
export function availableCell(status: unknown): string {
  const cond = recs(isRecord(status) ? status.conditions : undefined).find((c) => c.type === 'Available');
  if (!cond) return 'Unknown';
  const s = str(cond.status);
  if (s === 'True' || !str(cond.reason)) return s;
  return `${s} (${str(cond.reason)})`;
}

export default defineResourcePlugin({
  name: 'APIService',
  description: 'apiregistration.k8s.io/v1 apiservices: name <version>.<group>, priorities, service reference, status, SERVICE/AVAILABLE printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'APIService'),
    names: { plural: 'apiservices', singular: 'apiservice', kind: 'APIService', listKind: 'APIServiceList', categories: ['api-extensions'] },
    namespaced: false,
    generation: 'none',
    nameValidation: 'PathSegment',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Service', 'The reference to the service that hosts this API endpoint.'),
        column('Available', 'Whether this service is available.'),
        AGE_COLUMN,
      ],
      row: (obj: KObject, now: Date) => {
        const svc = specOf(obj).service;
        const service = isRecord(svc) ? `${str(svc.namespace)}/${str(svc.name)}` : 'Local';
        return [obj.metadata.name ?? '', service, availableCell(obj.status), age(obj, now)];
      },
    },
  },
  defaults(obj) {
    const svc = specOf(obj).service;
    if (isRecord(svc)) setDefault(svc, 'port', 443);
  },
  validate(obj, errors) {
    validateAPIService(obj, errors);
  },
  validateStatusUpdate(obj, _old, errors) {
    validateAPIServiceStatus(obj.status, errors);
  },
});
