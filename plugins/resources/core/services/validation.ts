/** Service validation (core ValidateService / ValidateServiceUpdate). */
import type { KObject } from '../../../../core/registry/types';
import { PROTOCOLS } from '../../shared/container-validation';
import { child, duplicate, forbidden, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { validateLabels } from '../../shared/meta-validation';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortName, isValidPortNum } from '../../shared/names';
import { arr, isRecord, num, str, type Json } from '../../shared/object';

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];

export function needsClusterIP(spec: Json): boolean {
  return spec.type !== 'ExternalName';
}

export function needsNodePort(spec: Json): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

export function validateService(svc: KObject, errors: FieldError[]): void {
  const name = svc.metadata.name ?? '';
  // the store checks DNS-1123 labels; services must also start with a letter (DNS-1035)
  if (name && isDNS1123Label(name).length === 0) for (const msg of isDNS1035Label(name)) errors.push(invalid('metadata.name', name, msg));
  const spec: Json = isRecord(svc.spec) ? svc.spec : {};
  const type = str(spec.type);
  if (!SERVICE_TYPES.includes(type)) errors.push(notSupported('spec.type', spec.type ?? '', SERVICE_TYPES));
  const headless = spec.clusterIP === 'None';
  const ports = arr(spec.ports);
  if (type === 'ExternalName') {
    const ext = str(spec.externalName);
    if (!ext) errors.push(required('spec.externalName', ''));
    else for (const msg of isDNS1123Subdomain(ext.replace(/\.$/, ''))) errors.push(invalid('spec.externalName', ext, msg));
    if (str(spec.clusterIP) && !headless) errors.push(forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  } else if (ports.length === 0 && !headless) {
    errors.push(required('spec.ports', ''));
  }
  validatePorts(spec, errors);
  const clusterIP = str(spec.clusterIP);
  if (clusterIP && clusterIP !== 'None') for (const msg of isValidIP(clusterIP)) errors.push(invalid('spec.clusterIP', clusterIP, msg));
  arr(spec.externalIPs).forEach((ip, i) => {
    for (const msg of isValidIP(str(ip))) errors.push(invalid(index('spec.externalIPs', i), ip, msg));
  });
  if (spec.sessionAffinity !== undefined && !AFFINITIES.includes(str(spec.sessionAffinity))) {
    errors.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES));
  }
  if (spec.sessionAffinity === 'ClientIP') {
    const t = num((spec.sessionAffinityConfig as Json | undefined)?.clientIP && ((spec.sessionAffinityConfig as Json).clientIP as Json).timeoutSeconds);
    if (t !== undefined && (t <= 0 || t > 86400)) errors.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
  }
  validateLabels(spec.selector, 'spec.selector', errors);
  if (spec.externalTrafficPolicy !== undefined) {
    if (type !== 'NodePort' && type !== 'LoadBalancer') errors.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set when `type` is \'NodePort\' or \'LoadBalancer\''));
    else if (!TRAFFIC_POLICIES.includes(str(spec.externalTrafficPolicy))) errors.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  }
  if (spec.internalTrafficPolicy !== undefined && !TRAFFIC_POLICIES.includes(str(spec.internalTrafficPolicy))) {
    errors.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
}

function validatePorts(spec: Json, errors: FieldError[]): void {
  const ports = arr(spec.ports);
  const names = new Set<string>();
  const keys = new Set<string>();
  const nodePortsAllowed = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  ports.forEach((p, i) => {
    const path = index('spec.ports', i);
    if (!isRecord(p)) {
      errors.push(invalid(path, p, 'must be an object'));
      return;
    }
    const name = str(p.name);
    if (ports.length > 1 && !name) errors.push(required(child(path, 'name'), ''));
    if (name) {
      for (const msg of isDNS1123Label(name)) errors.push(invalid(child(path, 'name'), name, msg));
      if (names.has(name)) errors.push(duplicate(child(path, 'name'), name));
      names.add(name);
    }
    if (p.port === undefined) errors.push(required(child(path, 'port'), ''));
    else for (const msg of isValidPortNum(p.port)) errors.push(invalid(child(path, 'port'), p.port, msg));
    if (!PROTOCOLS.includes(str(p.protocol))) errors.push(notSupported(child(path, 'protocol'), p.protocol ?? '', PROTOCOLS));
    const key = `${String(p.port)}/${str(p.protocol)}`;
    if (keys.has(key)) errors.push(duplicate(path, { port: p.port, protocol: p.protocol }));
    keys.add(key);
    const target = p.targetPort;
    if (typeof target === 'number') {
      for (const msg of isValidPortNum(target)) errors.push(invalid(child(path, 'targetPort'), target, msg));
    } else if (typeof target === 'string' && target !== '') {
      for (const msg of isValidPortName(target)) errors.push(invalid(child(path, 'targetPort'), target, msg));
    }
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (!nodePortsAllowed) errors.push(forbidden(child(path, 'nodePort'), `may not be used when \`type\` is '${str(spec.type)}'`));
      else for (const msg of isValidPortNum(p.nodePort)) errors.push(invalid(child(path, 'nodePort'), p.nodePort, msg));
    }
  });
}

/** clusterIP may not change once set, except to or from ExternalName. */
export function validateServiceUpdate(svc: KObject, old: KObject, errors: FieldError[]): void {
  const spec: Json = isRecord(svc.spec) ? svc.spec : {};
  const prev: Json = isRecord(old.spec) ? old.spec : {};
  if (needsClusterIP(spec) && needsClusterIP(prev)) {
    const before = arr(prev.clusterIPs).map(String);
    const after = arr(spec.clusterIPs).map(String);
    if (before.length && after[0] !== before[0]) errors.push(invalid(index('spec.clusterIPs', 0), after[0] ?? '', 'may not change once set'));
    if (str(prev.clusterIP) && str(spec.clusterIP) !== str(prev.clusterIP)) errors.push(invalid('spec.clusterIP', spec.clusterIP ?? '', 'field is immutable'));
  }
}
