/**
 * Ingress (networking.k8s.io/v1 ingresses): validation of rules, paths, backends and TLS, the
 * `kubernetes.io/ingress.class` annotation rule, status (load balancer) validation, the
 * CLASS/HOSTS/ADDRESS/PORTS printer.
 */
import { isIP } from 'node:net';
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { hostProblems } from '../../shared/groups-validation';
import { isDNS1035Label, isDNS1123Subdomain, isValidIP, isValidPortName, isValidPortNum } from '../../shared/names';
import { arr, isRecord, recs, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { validateTypedLocalObjectReference } from '../references';

export const GROUP = 'networking.k8s.io';
export const ANNOTATION_INGRESS_CLASS = 'kubernetes.io/ingress.class';
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
/** objects being created (prepareForCreate runs before validate on the same object) */
const creating = new WeakSet<KObject>();

function specOf(obj: KObject): Json {
  return isRecord(obj.spec) ? obj.spec : {};
}

function validateBackend(backend: Json, path: string, errors: FieldError[]): void {
  const hasResource = isRecord(backend.resource);
  const service = isRecord(backend.service) ? backend.service : undefined;
  if (hasResource && service) {
    errors.push(invalid(path, '', 'cannot set both resource and service backends'));
    return;
  }
  if (hasResource) {
    validateTypedLocalObjectReference(backend.resource as Json, child(path, 'resource'), errors);
    return;
  }
  if (!service) {
    errors.push(invalid(path, '', 'resource or service backend is required'));
    return;
  }
  const name = str(service.name);
  if (!name) errors.push(required(child(path, 'service', 'name')));
  else for (const msg of isDNS1035Label(name)) errors.push(invalid(child(path, 'service', 'name'), name, msg));
  const port: Json = isRecord(service.port) ? service.port : {};
  const portName = str(port.name);
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName && portNumber) errors.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) for (const msg of isValidPortName(portName)) errors.push(invalid(child(path, 'service', 'port', 'name'), portName, msg));
  else if (portNumber) for (const msg of isValidPortNum(portNumber)) errors.push(invalid(child(path, 'service', 'port', 'number'), portNumber, msg));
  else errors.push(required(path, 'port name or number is required'));
}

function validateHTTPPath(p: Json, path: string, errors: FieldError[]): void {
  const pathType = p.pathType;
  if (pathType === undefined || pathType === null || pathType === '') {
    errors.push(required(child(path, 'pathType'), 'pathType must be specified'));
    return;
  }
  const value = str(p.path);
  switch (pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errors.push(invalid(child(path, 'path'), value, 'must be an absolute path'));
      if (value) {
        for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errors.push(invalid(child(path, 'path'), value, `must not contain '${seq}'`));
        for (const suf of INVALID_PATH_SUFFIXES) if (value.endsWith(suf)) errors.push(invalid(child(path, 'path'), value, `cannot end with '${suf}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (value && !value.startsWith('/')) errors.push(invalid(child(path, 'path'), value, 'must be an absolute path'));
      break;
    default:
      errors.push(notSupported(child(path, 'pathType'), pathType, PATH_TYPES));
  }
  validateBackend(isRecord(p.backend) ? p.backend : {}, child(path, 'backend'), errors);
}

function validateRules(rules: unknown[], errors: FieldError[]): void {
  rules.forEach((r, i) => {
    const path = index('spec.rules', i);
    const rule: Json = isRecord(r) ? r : {};
    const host = str(rule.host);
    if (host) {
      if (isIP(host)) errors.push(invalid(child(path, 'host'), host, 'must be a DNS name, not an IP address'));
      for (const msg of hostProblems(host)) errors.push(invalid(child(path, 'host'), host, msg));
    }
    if (isRecord(rule.http)) {
      const paths = arr(rule.http.paths);
      if (paths.length === 0) errors.push(required(child(path, 'http', 'paths')));
      paths.forEach((p, j) => validateHTTPPath(isRecord(p) ? p : {}, index(child(path, 'http', 'paths'), j), errors));
    }
  });
}

function validateTLS(tls: unknown[], errors: FieldError[]): void {
  tls.forEach((t, i) => {
    const path = index('spec.tls', i);
    const entry: Json = isRecord(t) ? t : {};
    arr(entry.hosts).forEach((h, j) => {
      const host = str(h);
      for (const msg of hostProblems(host)) errors.push(invalid(index(child(path, 'hosts'), j), host, msg));
    });
    const secret = str(entry.secretName);
    if (secret) for (const msg of isDNS1123Subdomain(secret)) errors.push(invalid(child(path, 'secretName'), secret, msg));
  });
}

export function validateIngressSpec(spec: Json, errors: FieldError[]): void {
  const rules = arr(spec.rules);
  if (rules.length === 0 && !isRecord(spec.defaultBackend)) {
    errors.push(invalid('spec', spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isRecord(spec.defaultBackend)) validateBackend(spec.defaultBackend, 'spec.defaultBackend', errors);
  validateRules(rules, errors);
  validateTLS(arr(spec.tls), errors);
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) {
    const name = str(spec.ingressClassName);
    for (const msg of isDNS1123Subdomain(name)) errors.push(invalid('spec.ingressClassName', name, msg));
  }
}

/** ValidateIngressLoadBalancerStatus */
export function validateIngressStatus(status: unknown, errors: FieldError[]): void {
  const lb = isRecord(status) && isRecord(status.loadBalancer) ? status.loadBalancer : {};
  recs(lb.ingress).forEach((ing, i) => {
    const path = index('status.loadBalancer.ingress', i);
    const ip = str(ing.ip);
    if (ip) for (const msg of isValidIP(ip)) errors.push(invalid(child(path, 'ip'), ip, msg));
    const hostname = str(ing.hostname);
    if (hostname) {
      for (const msg of isDNS1123Subdomain(hostname)) errors.push(invalid(child(path, 'hostname'), hostname, msg));
      if (isIP(hostname)) errors.push(invalid(child(path, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
}

/** formatHosts: up to three hosts, `*` when none, `+ N more...` */
export function hostsCell(rules: unknown): string {
  const list = recs(rules);
  const hosts: string[] = [];
  let more = false;
  for (const rule of list) {
    if (hosts.length === 3) more = true;
    if (!more && str(rule.host)) hosts.push(str(rule.host));
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${list.length - 3} more...` : hosts.join(',');
}

/** ingressLoadBalancerStatusStringer (wide): sorted unique IPs or hostnames. */
export function addressCell(status: unknown): string {
  const lb = isRecord(status) && isRecord(status.loadBalancer) ? status.loadBalancer : {};
  const seen = new Set<string>();
  for (const ing of recs(lb.ingress)) {
    if (str(ing.ip)) seen.add(str(ing.ip));
    else if (str(ing.hostname)) seen.add(str(ing.hostname));
  }
  return [...seen].sort().join(',');
}

export default defineResourcePlugin({
  name: 'Ingress',
  description: 'networking.k8s.io/v1 ingresses: rules/paths/backends/TLS validation, status, CLASS/HOSTS/ADDRESS/PORTS printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'Ingress'),
    names: { plural: 'ingresses', singular: 'ingress', kind: 'Ingress', listKind: 'IngressList', shortNames: ['ing'] },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
        column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
        column('Address', 'Address is a list containing ingress points for the load-balancer'),
        column('Ports', 'Ports of TLS configurations that open'),
        AGE_COLUMN,
      ],
      row: (obj: KObject, now: Date) => {
        const spec = specOf(obj);
        const cls = typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>';
        return [obj.metadata.name ?? '', cls, hostsCell(spec.rules), addressCell(obj.status), arr(spec.tls).length ? '80, 443' : '80', age(obj, now)];
      },
    },
  },
  prepareForCreate(obj) {
    creating.add(obj);
  },
  validate(obj, errors) {
    validateIngressSpec(specOf(obj), errors);
    // ValidateIngressCreate only: the annotation and the class field must agree
    const annotation = obj.metadata.annotations?.[ANNOTATION_INGRESS_CLASS];
    const cls = specOf(obj).ingressClassName;
    if (creating.has(obj) && annotation !== undefined && typeof cls === 'string' && annotation !== cls) {
      errors.push(invalid(`annotations.${ANNOTATION_INGRESS_CLASS}`, annotation, 'must match `ingressClassName` when both are specified'));
    }
  },
  validateStatusUpdate(obj, _old, errors) {
    validateIngressStatus(obj.status, errors);
  },
});
