/**
 * EndpointSlice (discovery.k8s.io/v1 endpointslices): the addresses behind a Service, tied to it by
 * the `kubernetes.io/service-name` label. Defaults, validation (addressType required and immutable,
 * addresses by type, ports, hints), generation on any non-metadata change, the printer.
 */
import { isIP } from 'node:net';
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, duplicate, index, invalid, notSupported, required, tooMany, type FieldError } from '../../shared/field-errors';
import { isValidIPv4, isValidIPv6, nonSpecialIPProblems, validateFQDN, validateImmutable, validateOptionalString } from '../../shared/groups-validation';
import { validateLabels } from '../../shared/meta-validation';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum } from '../../shared/names';
import { arr, isRecord, recs, setDefault, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

export const GROUP = 'discovery.k8s.io';
/** the label that ties a slice to its Service (`kubectl get endpointslices -l kubernetes.io/service-name=web`) */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** the controller managing a slice (`endpointslice-controller.k8s.io` for the built-in one) */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
/** on update also the deprecated `IP` (objects stored before v1) */
const UPDATE_ADDRESS_TYPES = ['FQDN', 'IP', 'IPv4', 'IPv6'];
/** objects being created (prepareForCreate runs before validate on the same object) */
const creating = new WeakSet<KObject>();
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_HINT_ZONES = 8;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** The Service a slice belongs to (its `kubernetes.io/service-name` label), '' when none. */
export function serviceNameOf(slice: KObject): string {
  return slice.metadata.labels?.[LABEL_SERVICE_NAME] ?? '';
}

function validateAddress(address: string, addressType: string, path: string, errors: FieldError[]): void {
  switch (addressType) {
    case 'IP':
      for (const msg of isValidIP(address)) errors.push(invalid(path, address, msg));
      break;
    case 'IPv4':
      for (const msg of isValidIPv4(address)) errors.push(invalid(path, address, msg));
      break;
    case 'IPv6':
      for (const msg of isValidIPv6(address)) errors.push(invalid(path, address, msg));
      break;
    case 'FQDN':
      validateFQDN(address, path, errors);
      break;
  }
}

function validateHints(hints: unknown, path: string, errors: FieldError[]): void {
  if (!isRecord(hints)) return;
  const zonesPath = child(path, 'forZones');
  const zones = arr(hints.forZones);
  if (zones.length > MAX_HINT_ZONES) {
    errors.push(tooMany(zonesPath, zones.length, MAX_HINT_ZONES));
    return;
  }
  const seen = new Set<string>();
  zones.forEach((z, i) => {
    const name = str(isRecord(z) ? z.name : undefined);
    const p = child(index(zonesPath, i), 'name');
    if (!name) errors.push(required(p));
    else if (seen.has(name)) errors.push(duplicate(p, name));
    seen.add(name);
  });
}

function validateEndpoints(list: unknown, addressType: string, errors: FieldError[]): void {
  const endpoints = arr(list);
  if (endpoints.length > MAX_ENDPOINTS) {
    errors.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
    return;
  }
  endpoints.forEach((e, i) => {
    const p = index('endpoints', i);
    const ep: Json = isRecord(e) ? e : {};
    const addrPath = child(p, 'addresses');
    const addresses = arr(ep.addresses);
    if (addresses.length === 0) errors.push(required(addrPath, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errors.push(tooMany(addrPath, addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => validateAddress(str(a), addressType, index(addrPath, j), errors));
    if (ep.nodeName !== undefined && ep.nodeName !== null) {
      for (const msg of isDNS1123Subdomain(str(ep.nodeName))) errors.push(invalid(child(p, 'nodeName'), ep.nodeName, msg));
    }
    const topoPath = child(p, 'deprecatedTopology');
    if (isRecord(ep.deprecatedTopology)) {
      const n = Object.keys(ep.deprecatedTopology).length;
      if (n > MAX_TOPOLOGY_LABELS) errors.push(tooMany(topoPath, n, MAX_TOPOLOGY_LABELS));
      validateLabels(ep.deprecatedTopology, topoPath, errors);
      if (ZONE_LABEL in ep.deprecatedTopology) {
        errors.push({ type: 'InternalError', field: index(topoPath, ZONE_LABEL), message: 'Internal error: reserved key was not removed in conversion' });
      }
    }
    if (ep.hostname !== undefined && ep.hostname !== null) validateOptionalString(ep.hostname, child(p, 'hostname'), isDNS1123Label, errors);
    validateHints(ep.hints, child(p, 'hints'), errors);
  });
}

function validatePorts(list: unknown, errors: FieldError[]): void {
  const ports = arr(list);
  if (ports.length > MAX_PORTS) {
    errors.push(tooMany('ports', ports.length, MAX_PORTS));
    return;
  }
  const names = new Set<string>();
  ports.forEach((x, i) => {
    const p = index('ports', i);
    const port: Json = isRecord(x) ? x : {};
    const name = str(port.name);
    if (name) for (const msg of isDNS1123Label(name)) errors.push(invalid(child(p, 'name'), name, msg));
    if (names.has(name)) errors.push(duplicate(child(p, 'name'), name));
    names.add(name);
    if (port.protocol === undefined || port.protocol === null || port.protocol === '') errors.push(required(child(p, 'protocol')));
    else if (!PROTOCOLS.includes(str(port.protocol))) errors.push(notSupported(child(p, 'protocol'), port.protocol, PROTOCOLS));
    if (port.appProtocol !== undefined && port.appProtocol !== null) {
      for (const msg of isQualifiedName(str(port.appProtocol))) errors.push(invalid(child(p, 'appProtocol'), port.appProtocol, msg));
    }
    if (port.port !== undefined && port.port !== null) {
      for (const msg of isValidPortNum(port.port)) errors.push(invalid(child(p, 'port'), port.port, msg));
    }
  });
}

/**
 * ValidateNonSpecialIP on IPv4/IPv6 addresses: no unspecified, loopback or link-local addresses.
 * Kubernetes always applies it; k8ts only with the `strictAddresses` option, because its default
 * `process` runtime gives pods host (loopback) addresses and the apiserver often listens on 127.0.0.1.
 */
export function validateSpecialAddresses(obj: KObject, errors: FieldError[]): void {
  const o = obj as Json;
  if (o.addressType !== 'IPv4' && o.addressType !== 'IPv6') return;
  arr(o.endpoints).forEach((e, i) => {
    arr(isRecord(e) ? e.addresses : undefined).forEach((a, j) => {
      const address = str(a);
      if (isIP(address)) for (const msg of nonSpecialIPProblems(address)) errors.push(invalid(index(child(index('endpoints', i), 'addresses'), j), address, msg));
    });
  });
}

export function validateEndpointSlice(obj: KObject, errors: FieldError[], validAddressTypes: readonly string[] = ADDRESS_TYPES): void {
  const o = obj as Json;
  const addressType = str(o.addressType);
  if (!addressType) errors.push(required('addressType'));
  else if (!validAddressTypes.includes(addressType)) errors.push(notSupported('addressType', o.addressType, validAddressTypes));
  validateEndpoints(o.endpoints, addressType, errors);
  validatePorts(o.ports, errors);
}

/** formatDiscoveryPorts / formatDiscoveryEndpoints: three items then `+ N more...`; `<unset>` when empty. */
function listWithMore(items: string[]): string {
  const max = 3;
  if (items.length === 0) return '<unset>';
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

export function portsCell(ports: unknown): string {
  return listWithMore(
    recs(ports).map((p) => {
      if (typeof p.port === 'number') return String(p.port);
      if (typeof p.name === 'string') return p.name;
      return '*';
    }),
  );
}

export function endpointsCell(endpoints: unknown): string {
  return listWithMore(recs(endpoints).flatMap((e) => arr(e.addresses).map(String)));
}

export interface EndpointSliceOptions {
  /** refuse unspecified, loopback and link-local endpoint addresses, as Kubernetes does (default false) */
  strictAddresses?: boolean;
}

export default defineResourcePlugin<EndpointSliceOptions>({
  name: 'EndpointSlice',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { strictAddresses: { type: 'boolean', default: false } },
  },
  description: 'discovery.k8s.io/v1 endpointslices: defaults, address/port validation, immutable addressType, printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'EndpointSlice'),
    names: { plural: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', listKind: 'EndpointSliceList' },
    namespaced: true,
    generation: 'nonMetadata',
    printer: {
      columns: [
        NAME_COLUMN,
        column('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
        column('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
        column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
        AGE_COLUMN,
      ],
      row: (obj: KObject, now: Date) => {
        const o = obj as Json;
        return [obj.metadata.name ?? '', str(o.addressType), portsCell(o.ports), endpointsCell(o.endpoints), age(obj, now)];
      },
    },
  },
  defaults(obj) {
    for (const p of recs((obj as Json).ports)) {
      setDefault(p, 'name', '');
      setDefault(p, 'protocol', 'TCP');
    }
  },
  prepareForCreate(obj) {
    creating.add(obj);
  },
  validate(obj, errors) {
    // `IP` is accepted only on update (slices stored before v1); a create must use IPv4, IPv6 or FQDN
    validateEndpointSlice(obj, errors, creating.has(obj) ? ADDRESS_TYPES : UPDATE_ADDRESS_TYPES);
  },
  validateUpdate(obj, old, errors) {
    validateImmutable(obj, old, 'addressType', errors);
  },
  setup(_server, resource, options) {
    if (options.strictAddresses) resource.hooks.validate.tap('EndpointSlice', (obj, errors) => validateSpecialAddresses(obj, errors));
  },
});
