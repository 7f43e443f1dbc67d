/** Endpoints (core/v1 endpoints): port defaults, address and port validation, the ENDPOINTS printer. */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { PROTOCOLS } from '../../shared/container-validation';
import { child, duplicate, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum } from '../../shared/names';
import { arr, isRecord, recs, setDefaultString, str } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

/** formatEndpoints: up to 3 `ip:port`, then ` + N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: KObject): string {
  const subsets = recs(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = recs(ss.addresses);
    const ports = recs(ss.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(str(a.ip));
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length >= max) break;
        const ip = str(a.ip);
        list.push(ip.includes(':') ? `[${ip}]:${String(p.port)}` : `${ip}:${String(p.port)}`);
      }
    }
  }
  const joined = list.join(',');
  return count > max ? `${joined} + ${count - max} more...` : joined;
}

function validateAddresses(list: unknown, path: string, errors: FieldError[]): void {
  arr(list).forEach((a, i) => {
    const p = index(path, i);
    if (!isRecord(a)) return void errors.push(invalid(p, a, 'must be an object'));
    const ip = str(a.ip);
    if (!ip) errors.push(required(child(p, 'ip'), ''));
    else for (const msg of isValidIP(ip)) errors.push(invalid(child(p, 'ip'), ip, msg));
    const node = str(a.nodeName);
    if (node) for (const msg of isDNS1123Subdomain(node)) errors.push(invalid(child(p, 'nodeName'), node, msg));
    const host = str(a.hostname);
    if (host) for (const msg of isDNS1123Label(host)) errors.push(invalid(child(p, 'hostname'), host, msg));
  });
}

export function validateEndpointPorts(list: unknown, path: string, errors: FieldError[]): void {
  const ports = arr(list);
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = index(path, i);
    if (!isRecord(port)) return void errors.push(invalid(p, port, 'must be an object'));
    const name = str(port.name);
    if (ports.length > 1 && !name) errors.push(required(child(p, 'name'), ''));
    if (name) {
      for (const msg of isDNS1123Label(name)) errors.push(invalid(child(p, 'name'), name, msg));
      if (names.has(name)) errors.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    for (const msg of isValidPortNum(port.port)) errors.push(invalid(child(p, 'port'), port.port ?? 0, msg));
    if (!PROTOCOLS.includes(str(port.protocol))) errors.push(notSupported(child(p, 'protocol'), port.protocol ?? '', PROTOCOLS));
  });
}

export default defineResourcePlugin({
  name: 'Endpoints',
  description: 'core/v1 endpoints: port defaults, validation, printer',
  definition: {
    group: '',
    versions: onlyV1('', 'Endpoints'),
    names: { plural: 'endpoints', singular: 'endpoints', kind: 'Endpoints', listKind: 'EndpointsList', shortNames: ['ep'] },
    namespaced: true,
    generation: 'none',
    printer: {
      columns: [NAME_COLUMN, column('Endpoints', 'Endpoints of the service'), AGE_COLUMN],
      row: (obj: KObject, now: Date) => [obj.metadata.name ?? '', formatEndpoints(obj), age(obj, now)],
    },
  },
  defaults(obj) {
    for (const ss of recs(obj.subsets)) for (const p of recs(ss.ports)) setDefaultString(p, 'protocol', 'TCP');
  },
  validate(obj, errors) {
    recs(obj.subsets).forEach((ss, i) => {
      const p = index('subsets', i);
      validateAddresses(ss.addresses, child(p, 'addresses'), errors);
      validateAddresses(ss.notReadyAddresses, child(p, 'notReadyAddresses'), errors);
      validateEndpointPorts(ss.ports, child(p, 'ports'), errors);
    });
  },
});
