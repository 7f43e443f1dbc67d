/**
 * Where an APIService's Service answers: the Service's port (by `spec.service.port`), then a ready
 * address and the matching port of its Endpoints, or else of its EndpointSlices
 * (`kubernetes.io/service-name`). Read from the stores (watch caches), at request time.
 */
import { getResourceRegistry } from '../../../core/registry/registry';
import { getStore } from '../../../core/registry/store';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';

/** Why no endpoint: the Available condition's reason in kube-aggregator's words. */
export type EndpointFailure = 'ServiceNotFound' | 'ServicePortError' | 'MissingEndpoints';

export class EndpointError extends Error {
  constructor(
    readonly reason: EndpointFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ServiceRef {
  namespace: string;
  name: string;
  port: number;
}

export interface Endpoint {
  host: string;
  port: number;
}

type Json = Record<string, unknown>;
const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : []);
const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

async function read(server: Server, group: string, plural: string, namespace: string, name: string): Promise<KObject | undefined> {
  const resource = getResourceRegistry(server).get(group, plural);
  if (!resource) return undefined;
  return (await getStore(server, resource).read(namespace, name))?.obj;
}

async function slicesOf(server: Server, namespace: string, service: string): Promise<KObject[]> {
  const resource = getResourceRegistry(server).get('discovery.k8s.io', 'endpointslices');
  if (!resource) return [];
  const listed = await getStore(server, resource).list({ namespace });
  return listed.items.map((i) => i.obj).filter((o) => o.metadata.labels?.['kubernetes.io/service-name'] === service);
}

/** The Service's port entry for `ref.port`, or an EndpointError. */
export async function servicePort(server: Server, ref: ServiceRef): Promise<Json> {
  const svc = await read(server, '', 'services', ref.namespace, ref.name);
  if (!svc) throw new EndpointError('ServiceNotFound', `service/${ref.name} in "${ref.namespace}" is not present`);
  const port = recs(rec(svc.spec).ports).find((p) => p.port === ref.port);
  if (!port) throw new EndpointError('ServicePortError', `service/${ref.name} in "${ref.namespace}" is not listening on port ${ref.port}`);
  return port;
}

/** Every ready address:port of the Service behind `ref` (Endpoints first, else EndpointSlices). */
export async function resolveEndpoints(server: Server, ref: ServiceRef): Promise<Endpoint[]> {
  const port = await servicePort(server, ref);
  const portName = typeof port.name === 'string' ? port.name : '';
  const out: Endpoint[] = [];
  const ep = await read(server, '', 'endpoints', ref.namespace, ref.name);
  for (const subset of recs(ep?.subsets)) {
    const p = recs(subset.ports).find((x) => (x.name ?? '') === portName);
    if (!p || typeof p.port !== 'number') continue;
    for (const a of recs(subset.addresses)) if (typeof a.ip === 'string') out.push({ host: a.ip, port: p.port });
  }
  if (out.length === 0) {
    for (const slice of await slicesOf(server, ref.namespace, ref.name)) {
      const p = recs(slice.ports).find((x) => (x.name ?? '') === portName);
      if (!p || typeof p.port !== 'number') continue;
      for (const e of recs(slice.endpoints)) {
        if (rec(e.conditions).ready === false) continue;
        for (const a of Array.isArray(e.addresses) ? e.addresses : []) if (typeof a === 'string') out.push({ host: a, port: p.port });
      }
    }
  }
  if (out.length === 0) throw new EndpointError('MissingEndpoints', `endpoints for service/${ref.name} in "${ref.namespace}" have no addresses with port name "${portName}"`);
  return out;
}

/** One endpoint, picked at random as kube-aggregator does. */
export async function resolveEndpoint(server: Server, ref: ServiceRef): Promise<Endpoint> {
  const all = await resolveEndpoints(server, ref);
  return all[Math.floor(Math.random() * all.length)];
}
