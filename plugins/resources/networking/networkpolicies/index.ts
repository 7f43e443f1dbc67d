/**
 * NetworkPolicy (networking.k8s.io/v1 networkpolicies): defaults (policyTypes, port protocol),
 * validation of selectors, ports and peers (ipBlock CIDRs strictly containing their exceptions),
 * the POD-SELECTOR printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, forbidden, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { isValidCIDR, isValidPortName, isValidPortNum } from '../../shared/names';
import { arr, ensure, isRecord, recs, setDefault, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { formatLabelSelector, validateLabelSelector } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';

export const GROUP = 'networking.k8s.io';
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

function specOf(obj: KObject): Json {
  return isRecord(obj.spec) ? obj.spec : {};
}

function validatePort(port: Json, path: string, errors: FieldError[]): void {
  if (port.protocol !== undefined && port.protocol !== null && !PROTOCOLS.includes(str(port.protocol))) {
    errors.push(notSupported(child(path, 'protocol'), port.protocol, PROTOCOLS));
  }
  const hasEnd = port.endPort !== undefined && port.endPort !== null;
  if (port.port === undefined || port.port === null) {
    if (hasEnd) errors.push(invalid(child(path, 'endPort'), port.endPort, 'may not be specified when `port` is not specified'));
    return;
  }
  if (typeof port.port === 'number') {
    for (const msg of isValidPortNum(port.port)) errors.push(invalid(child(path, 'port'), port.port, msg));
    if (hasEnd) {
      if (typeof port.endPort !== 'number' || port.endPort < port.port) errors.push(invalid(child(path, 'endPort'), port.endPort, 'must be greater than or equal to `port`'));
      for (const msg of isValidPortNum(port.endPort)) errors.push(invalid(child(path, 'endPort'), port.endPort, msg));
    }
    return;
  }
  if (hasEnd) errors.push(invalid(child(path, 'endPort'), port.endPort, 'may not be specified when `port` is non-numeric'));
  for (const msg of isValidPortName(str(port.port))) errors.push(invalid(child(path, 'port'), port.port, msg));
}

function cidrRange(cidr: string): { family: 4 | 6; bits: number; value: bigint } | undefined {
  if (isValidCIDR(cidr).length) return undefined;
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (ip.includes(':')) {
    const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
    return { family: 6, bits, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n) };
  }
  return { family: 4, bits, value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n) };
}

/** Is `inner` inside `outer` with a longer prefix (a strict subset)? */
function strictSubset(outer: string, inner: string): boolean {
  const a = cidrRange(outer);
  const b = cidrRange(inner);
  if (!a || !b || a.family !== b.family || b.bits <= a.bits) return false;
  const width = BigInt(a.family === 4 ? 32 : 128);
  const shift = width - BigInt(a.bits);
  return a.value >> shift === b.value >> shift;
}

function validateIPBlock(block: Json, path: string, errors: FieldError[]): void {
  const cidr = str(block.cidr);
  if (!cidr) {
    errors.push(required(child(path, 'cidr')));
    return;
  }
  const problems = isValidCIDR(cidr);
  for (const msg of problems) errors.push(invalid(child(path, 'cidr'), cidr, msg));
  if (problems.length) return;
  arr(block.except).forEach((e, i) => {
    const except = str(e);
    const p = index(child(path, 'except'), i);
    const bad = isValidCIDR(except);
    for (const msg of bad) errors.push(invalid(p, except, msg));
    if (!bad.length && !strictSubset(cidr, except)) errors.push(invalid(p, except, 'must be a strict subset of `cidr`'));
  });
}

function validatePeer(peer: Json, path: string, errors: FieldError[]): void {
  let n = 0;
  if (isRecord(peer.podSelector)) {
    n++;
    validateLabelSelector(peer.podSelector, child(path, 'podSelector'), errors);
  }
  if (isRecord(peer.namespaceSelector)) {
    n++;
    validateLabelSelector(peer.namespaceSelector, child(path, 'namespaceSelector'), errors);
  }
  if (isRecord(peer.ipBlock)) {
    n++;
    validateIPBlock(peer.ipBlock, child(path, 'ipBlock'), errors);
  }
  if (n === 0) errors.push(required(path, 'must specify a peer'));
  else if (n > 1 && isRecord(peer.ipBlock)) errors.push(forbidden(path, 'may not specify both ipBlock and another peer'));
}

export function validateNetworkPolicySpec(spec: Json, errors: FieldError[]): void {
  validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector', errors);
  for (const [list, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    arr(spec[list]).forEach((r, i) => {
      const path = index(`spec.${list}`, i);
      const rule: Json = isRecord(r) ? r : {};
      arr(rule.ports).forEach((p, j) => validatePort(isRecord(p) ? p : {}, index(child(path, 'ports'), j), errors));
      arr(rule[peers]).forEach((p, j) => validatePeer(isRecord(p) ? p : {}, index(child(path, peers), j), errors));
    });
  }
  const types = arr(spec.policyTypes);
  if (types.length > POLICY_TYPES.length) {
    errors.push(invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(str(t))) errors.push(notSupported(index('spec.policyTypes', i), t, POLICY_TYPES));
  });
}

export default defineResourcePlugin({
  name: 'NetworkPolicy',
  description: 'networking.k8s.io/v1 networkpolicies: policyTypes and protocol defaults, selector/port/peer validation, POD-SELECTOR printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'NetworkPolicy'),
    names: { plural: 'networkpolicies', singular: 'networkpolicy', kind: 'NetworkPolicy', listKind: 'NetworkPolicyList', shortNames: ['netpol'] },
    namespaced: true,
    generation: 'spec',
    printer: {
      columns: [NAME_COLUMN, column('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'), AGE_COLUMN],
      row: (obj: KObject, now: Date) => [obj.metadata.name ?? '', formatLabelSelector(specOf(obj).podSelector), age(obj, now)],
    },
  },
  defaults(obj) {
    const spec = ensure(obj as Json, 'spec');
    setDefault(spec, 'podSelector', {});
    for (const list of ['ingress', 'egress']) for (const rule of recs(spec[list])) for (const p of recs(rule.ports)) setDefault(p, 'protocol', 'TCP');
    if (arr(spec.policyTypes).length === 0) {
      spec.policyTypes = arr(spec.egress).length ? ['Ingress', 'Egress'] : ['Ingress'];
    }
  },
  validate(obj, errors) {
    validateNetworkPolicySpec(specOf(obj), errors);
  },
});
