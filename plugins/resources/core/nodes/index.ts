/**
 * Node (core/v1 nodes, cluster-scoped): allocatable defaults, taint and pod CIDR validation, status
 * (set on create too), the STATUS/ROLES/VERSION printer, field selector spec.unschedulable.
 */
import type { RequestContext } from '../../../../core/pipeline/types';
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, duplicate, forbidden, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { isQualifiedName, isValidCIDR, isValidLabelValue } from '../../shared/names';
import { arr, clone, isRecord, recs, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN, wide } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const ADDRESS_TYPES = ['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS'];
const ROLE_PREFIX = 'node-role.kubernetes.io/';

function statusOf(node: KObject): Json {
  return isRecord(node.status) ? node.status : {};
}

/** `Ready`, `NotReady` or `Unknown` (no Ready condition), plus `,SchedulingDisabled`. */
export function nodeStatusCell(node: KObject): string {
  const ready = recs(statusOf(node).conditions).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (isRecord(node.spec) && node.spec.unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the `kubernetes.io/role` label. */
export function nodeRoles(node: KObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

function address(node: KObject, type: string): string {
  return str(recs(statusOf(node).addresses).find((a) => a.type === type)?.address) || '<none>';
}

function info(node: KObject, key: string): string {
  return str((statusOf(node).nodeInfo as Json | undefined)?.[key]);
}

/** The `status` of a JSON create body (POST), if any. */
function statusFromBody(ctx: RequestContext | undefined): Json | undefined {
  if (!ctx || ctx.method !== 'POST' || ctx.body.length === 0) return undefined;
  const type = String(ctx.headers['content-type'] ?? 'application/json');
  if (!type.includes('json')) return undefined;
  try {
    const body = JSON.parse(ctx.body.toString('utf8')) as unknown;
    return isRecord(body) && isRecord(body.status) ? body.status : undefined;
  } catch {
    return undefined;
  }
}

function validateTaints(list: unknown, path: string, errors: FieldError[]): void {
  const seen = new Set<string>();
  arr(list).forEach((t, i) => {
    const p = index(path, i);
    if (!isRecord(t)) return void errors.push(invalid(p, t, 'must be an object'));
    const key = str(t.key);
    if (!key) errors.push(required(child(p, 'key'), ''));
    else for (const msg of isQualifiedName(key)) errors.push(invalid(child(p, 'key'), key, msg));
    for (const msg of isValidLabelValue(str(t.value))) errors.push(invalid(child(p, 'value'), t.value, msg));
    if (!str(t.effect)) errors.push(required(child(p, 'effect'), ''));
    else if (!TAINT_EFFECTS.includes(str(t.effect))) errors.push(notSupported(child(p, 'effect'), t.effect, TAINT_EFFECTS));
    const id = `${key}:${str(t.effect)}`;
    if (seen.has(id)) errors.push(duplicate(p, { key, effect: t.effect }));
    seen.add(id);
  });
}

export default defineResourcePlugin({
  name: 'Node',
  description: 'core/v1 nodes: allocatable defaults, validation, status, printer, spec.unschedulable field selector',
  keepStatusOnCreate: true,
  definition: {
    group: '',
    versions: onlyV1('', 'Node'),
    names: { plural: 'nodes', singular: 'node', kind: 'Node', listKind: 'NodeList', shortNames: ['no'] },
    namespaced: false,
    generation: 'none',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Status', 'The status of the node'),
        column('Roles', 'The roles of the node'),
        AGE_COLUMN,
        column('Version', 'Kubelet Version reported by the node.'),
        wide('Internal-IP', 'List of addresses reachable to the node.'),
        wide('External-IP', 'List of addresses reachable to the node.'),
        wide('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
        wide('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
        wide('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
      ],
      row: (node: KObject, now: Date) => [
        node.metadata.name ?? '',
        nodeStatusCell(node),
        nodeRoles(node),
        age(node, now),
        info(node, 'kubeletVersion'),
        address(node, 'InternalIP'),
        address(node, 'ExternalIP'),
        info(node, 'osImage') || '<unknown>',
        info(node, 'kernelVersion') || '<unknown>',
        info(node, 'containerRuntimeVersion') || '<unknown>',
      ],
    },
    fieldSelectors: { 'spec.unschedulable': (o: KObject) => String(isRecord(o.spec) && o.spec.unschedulable === true) },
  },
  prepareForCreate(obj, ctx) {
    // nodes may register with their status (the kubelet does); the generic store drops status of
    // kinds with a status subresource before the strategy runs, so take it from a JSON body again
    if (obj.status === undefined || (isRecord(obj.status) && Object.keys(obj.status).length === 0)) {
      const status = statusFromBody(ctx);
      if (status) obj.status = status;
    }
  },
  defaults(obj) {
    const status = statusOf(obj);
    if (isRecord(obj.status) && status.allocatable === undefined && isRecord(status.capacity)) status.allocatable = clone(status.capacity);
  },
  validate(obj, errors) {
    const spec: Json = isRecord(obj.spec) ? obj.spec : {};
    const cidrs = arr(spec.podCIDRs).map(String);
    cidrs.forEach((c, i) => {
      for (const msg of isValidCIDR(c)) errors.push(invalid(index('spec.podCIDRs', i), c, msg));
    });
    if (cidrs.length > 2) errors.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    if (str(spec.podCIDR) && cidrs.length && cidrs[0] !== spec.podCIDR) errors.push(invalid('spec.podCIDR', spec.podCIDR, 'must match the first element of podCIDRs'));
    validateTaints(spec.taints, 'spec.taints', errors);
    recs(statusOf(obj).addresses).forEach((a, i) => {
      if (!ADDRESS_TYPES.includes(str(a.type))) errors.push(notSupported(child(index('status.addresses', i), 'type'), a.type ?? '', ADDRESS_TYPES));
    });
  },
  validateUpdate(obj, old, errors) {
    const spec: Json = isRecord(obj.spec) ? obj.spec : {};
    const prev: Json = isRecord(old.spec) ? old.spec : {};
    const before = arr(prev.podCIDRs).map(String);
    if (before.length > 0 && JSON.stringify(arr(spec.podCIDRs).map(String)) !== JSON.stringify(before)) {
      errors.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    }
    if (str(prev.providerID) && spec.providerID !== prev.providerID) {
      errors.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
    }
  },
  validateStatusUpdate(obj, _old, errors) {
    recs(statusOf(obj).addresses).forEach((a, i) => {
      if (!ADDRESS_TYPES.includes(str(a.type))) errors.push(notSupported(child(index('status.addresses', i), 'type'), a.type ?? '', ADDRESS_TYPES));
    });
  },
});
