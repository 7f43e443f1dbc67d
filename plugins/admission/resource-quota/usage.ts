/**
 * Quota usage as plain functions: what one object charges against a ResourceQuota
 * (`count/<resource>[.<group>]`, pods, requests./limits. cpu/memory/ephemeral-storage, services,
 * services.nodeports/loadbalancers, configmaps, secrets, persistentvolumeclaims, requests.storage,
 * replicationcontrollers, resourcequotas), the quota scopes that apply to pods, and quantity
 * formatting for messages and status.
 */
import { parseQuantity } from '../../resources/shared/quantity';
import { isRecord, recs, type Json } from '../shared/admission';

export type Usage = Record<string, number>;

/** Resources with a legacy object-count name besides count/<resource>. */
const LEGACY_COUNTS: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

function map(v: unknown): Json {
  return isRecord(v) ? v : {};
}

/** Is a pod done (it no longer uses quota)? */
export function podTerminal(pod: Json): boolean {
  const phase = map(pod.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** A pod's compute requests/limits: max(sum of containers, largest init container) plus overhead. */
export function podCompute(spec: Json): Usage {
  const out: Usage = {};
  for (const which of ['requests', 'limits'] as const) {
    const sum: Usage = {};
    for (const c of recs(spec.containers)) for (const [r, q] of Object.entries(map(map(c.resources)[which]))) sum[r] = (sum[r] ?? 0) + (parseQuantity(q) ?? 0);
    for (const c of recs(spec.initContainers)) for (const [r, q] of Object.entries(map(map(c.resources)[which]))) sum[r] = Math.max(sum[r] ?? 0, parseQuantity(q) ?? 0);
    for (const [r, q] of Object.entries(map(spec.overhead))) sum[r] = (sum[r] ?? 0) + (parseQuantity(q) ?? 0);
    for (const [r, v] of Object.entries(sum)) {
      out[`${which}.${r}`] = v;
      if (which === 'requests' && (r === 'cpu' || r === 'memory' || r === 'ephemeral-storage')) out[r] = v;
    }
  }
  return out;
}

/** What one object charges: group '' for core. */
export function usageOf(group: string, resource: string, obj: Json): Usage {
  const u: Usage = { [`count/${group ? `${resource}.${group}` : resource}`]: 1 };
  if (!group && LEGACY_COUNTS[resource]) u[LEGACY_COUNTS[resource]] = 1;
  if (group || !isRecord(obj)) return u;
  const spec = map(obj.spec);
  if (resource === 'pods') {
    if (podTerminal(obj)) return {};
    Object.assign(u, podCompute(spec));
  } else if (resource === 'services') {
    if (spec.type === 'LoadBalancer') u['services.loadbalancers'] = 1;
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') u['services.nodeports'] = recs(spec.ports).length;
  } else if (resource === 'persistentvolumeclaims') {
    const storage = parseQuantity(map(map(spec.resources).requests).storage);
    if (storage !== undefined) u['requests.storage'] = storage;
    const cls = typeof spec.storageClassName === 'string' ? spec.storageClassName : '';
    if (cls) {
      u[`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
      if (storage !== undefined) u[`${cls}.storageclass.storage.k8s.io/requests.storage`] = storage;
    }
  }
  return u;
}

function bestEffort(spec: Json): boolean {
  return [...recs(spec.containers), ...recs(spec.initContainers)].every((c) => Object.keys(map(map(c.resources).requests)).length === 0 && Object.keys(map(map(c.resources).limits)).length === 0);
}

/** Does a quota's scopes select this object? Non-pods match only unscoped quotas. */
export function quotaMatches(quota: Json, resource: string, group: string, obj: Json): boolean {
  const spec = map(quota.spec);
  const scopes: string[] = [...(Array.isArray(spec.scopes) ? spec.scopes.map(String) : [])];
  const exprs = recs(map(spec.scopeSelector).matchExpressions);
  if (!scopes.length && !exprs.length) return true;
  if (group || resource !== 'pods') return false;
  const podSpec = map(obj.spec);
  const has = (scope: string): boolean => {
    switch (scope) {
      case 'Terminating':
        return typeof podSpec.activeDeadlineSeconds === 'number';
      case 'NotTerminating':
        return typeof podSpec.activeDeadlineSeconds !== 'number';
      case 'BestEffort':
        return bestEffort(podSpec);
      case 'NotBestEffort':
        return !bestEffort(podSpec);
      case 'PriorityClass':
        return typeof podSpec.priorityClassName === 'string' && podSpec.priorityClassName !== '';
      default:
        return false;
    }
  };
  for (const s of scopes) if (!has(s)) return false;
  for (const e of exprs) {
    const scope = String(e.scopeName);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    if (scope === 'PriorityClass' && (e.operator === 'In' || e.operator === 'NotIn')) {
      const cls = typeof podSpec.priorityClassName === 'string' ? podSpec.priorityClassName : '';
      if ((e.operator === 'In') !== values.includes(cls)) return false;
    } else if (e.operator === 'DoesNotExist' ? has(scope) : !has(scope)) return false;
  }
  return true;
}

/** The hard resources a usage touches (only resources named in hard count). */
export function add(a: Usage, b: Usage, sign = 1): Usage {
  const out: Usage = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + sign * v;
  return out;
}

const BINARY: Array<[string, number]> = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];

/** A quantity in a canonical-looking form: 2, 500m, 128Mi. */
export function formatQuantity(resource: string, v: number): string {
  const n = Math.round(v * 1000) / 1000;
  if (Number.isInteger(n)) {
    if (/memory|storage/.test(resource) && n !== 0) {
      for (const [suffix, f] of BINARY) if (n % f === 0) return `${n / f}${suffix}`;
    }
    return String(n);
  }
  return `${Math.round(n * 1000)}m`;
}

/** `pods=1,requests.cpu=500m` for the named resources, sorted. */
export function formatList(names: readonly string[], u: Usage): string {
  return [...names].sort().map((n) => `${n}=${formatQuantity(n, u[n] ?? 0)}`).join(',');
}
