/**
 * The BUILTIN handler: routes a resource request (ctx.requestInfo) to the generic store of the
 * registered resource, answering 404 for unknown subresources and 405 for verbs the resource does
 * not serve. Reads are here; writes in handler-write.ts; /status and /scale in subresources.ts.
 */
import { parseListQuery } from '../api/options';
import { failure, StatusError, toStatus } from '../api/status';
import type { ApiResponse, Handler, RequestContext } from '../pipeline/types';
import { isStorageError } from '../storage/types';
import { getResourceRegistry, type RegisteredResource } from './registry';
import { listResponse, objectResponse } from './respond';
import { methodNotAllowed, notFound, responseFormat, type RestRequest } from './rest-request';
import { getStore, type StoreHost } from './store';
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './handler-write';
import { handleScale, handleStatus } from './subresources';
import { admitCustomSubresource } from './subresource-admission';
import { ALL_VERBS, type Verb } from './types';
import { DEFAULT_WATCH_SETTINGS, serveWatch, type WatchSettings } from './watch-serve';

/**
 * Find the registered resource a request addresses; undefined = not ours. `servedBy` picks the
 * resources of one handler (`definition.servedBy`; omitted = the built-in ones).
 */
export function resolveResourceHandler(
  host: StoreHost,
  ctx: RequestContext,
  settings: WatchSettings = DEFAULT_WATCH_SETTINGS,
  servedBy?: string,
  /** the resource as one version presents it (a CRD's per-version printer columns and selectable fields); the store stays the resource's */
  view?: (resource: RegisteredResource, version: string) => RegisteredResource,
): Handler | undefined {
  const info = ctx.requestInfo;
  if (!info?.isResourceRequest || (info.apiPrefix !== 'api' && info.apiPrefix !== 'apis')) return undefined;
  const resource = getResourceRegistry(host).lookup(info.apiGroup, info.apiVersion, info.resource);
  if (!resource || resource.definition.servedBy !== servedBy) return undefined;
  return (c) => serve(host, resource, c, settings, view);
}

/** The 404 for resource URLs nothing served. */
export function unknownResourceHandler(ctx: RequestContext): Handler | undefined {
  const info = ctx.requestInfo;
  if (!info?.isResourceRequest || (info.apiPrefix !== 'api' && info.apiPrefix !== 'apis')) return undefined;
  return async () => {
    const s = failure('NotFound', 'the server could not find the requested resource', {});
    return { status: s.code, body: s };
  };
}

async function serve(host: StoreHost, resource: RegisteredResource, ctx: RequestContext, settings: WatchSettings, view?: (r: RegisteredResource, version: string) => RegisteredResource): Promise<ApiResponse> {
  try {
    const req = route(host, resource, ctx, settings);
    if (view) req.resource = view(resource, req.version);
    return await dispatch(req);
  } catch (err) {
    let e = err;
    if (isStorageError(e)) e = getStore(host, resource).mapError(e);
    if (!(e instanceof StatusError)) throw e;
    return { status: e.status.code, body: e.status };
  }
}

function route(host: StoreHost, resource: RegisteredResource, ctx: RequestContext, settings: WatchSettings): RestRequest {
  const info = ctx.requestInfo;
  const def = resource.definition;
  const parts = info.parts;
  if (parts.length > 3) throw notFound();
  let namespace = info.namespace;
  const name = parts[1] ?? '';
  const subresource = parts[2] ?? '';
  if (!def.namespaced) {
    // /api/v1/namespaces/x is the namespace x itself, not "inside namespace x"
    if (namespace && !(parts[0] === 'namespaces' && name === namespace)) throw notFound();
    namespace = '';
  }
  const verb = info.verb;
  const req: RestRequest = { host, store: getStore(host, resource), resource, ctx, namespace, name, subresource, version: info.apiVersion, verb, settings };
  if (def.namespaced && !namespace && name) throw notFound();
  return req;
}

async function dispatch(req: RestRequest): Promise<ApiResponse> {
  const def = req.resource.definition;
  if (req.subresource) {
    if (!req.name) throw notFound();
    if (req.subresource === 'status' && def.subresources?.status) return handleStatus(req);
    if (req.subresource === 'scale' && def.subresources?.scale) return handleScale(req);
    const custom = def.subresources?.custom?.find((c) => c.name === req.subresource);
    if (!custom) throw notFound();
    if (!custom.verbs.includes(req.verb)) throw methodNotAllowed(req);
    await admitCustomSubresource(req.host, req.ctx, req.resource, custom, req);
    return custom.handle(req.ctx, { resource: req.resource, namespace: req.namespace, name: req.name, version: req.version });
  }
  const verbs = def.verbs ?? ALL_VERBS;
  if (!(ALL_VERBS as readonly string[]).includes(req.verb) || !verbs.includes(req.verb as Verb)) throw methodNotAllowed(req);
  const collection = !req.name;
  if (collection && (req.verb === 'update' || req.verb === 'patch' || req.verb === 'delete')) throw methodNotAllowed(req);
  if (!collection && req.verb === 'create') throw methodNotAllowed(req);
  if (def.namespaced && !req.namespace && (req.verb === 'create' || req.verb === 'deletecollection')) throw methodNotAllowed(req);
  switch (req.verb) {
    case 'get':
      return handleGet(req);
    case 'list':
      return handleList(req);
    case 'watch':
      return handleWatch(req);
    case 'create':
      return handleCreate(req);
    case 'update':
      return handleUpdate(req);
    case 'patch':
      return handlePatch(req);
    case 'delete':
      return handleDelete(req);
    case 'deletecollection':
      return handleDeleteCollection(req);
    default:
      throw methodNotAllowed(req);
  }
}

export async function handleGet(req: RestRequest): Promise<ApiResponse> {
  const fmt = responseFormat(req);
  const entry = await req.store.get(req.namespace, req.name);
  return objectResponse(req.store.codec, req.resource.definition.printer, 200, entry, fmt);
}

async function handleList(req: RestRequest): Promise<ApiResponse> {
  const fmt = responseFormat(req);
  const q = parseListQuery(req.ctx.query, req.resource.definition.fieldSelectors, false);
  const list = await req.store.list({ namespace: req.namespace, ...q });
  return listResponse(req.store.codec, req.resource.definition.printer, list, fmt);
}

async function handleWatch(req: RestRequest): Promise<ApiResponse> {
  const fmt = responseFormat(req);
  if (fmt.output.kind === 'yaml') fmt.output = { kind: 'json', metaVersion: 'v1' };
  const query = parseListQuery(req.ctx.query, req.resource.definition.fieldSelectors, true);
  return serveWatch({ store: req.store, namespace: req.namespace, name: req.name || undefined, query, fmt, ctx: req.ctx, settings: req.settings });
}

/** Map anything a handler throws to a response (StatusError as is, storage errors mapped). */
export function errorResponse(req: RestRequest, err: unknown): ApiResponse {
  const s = toStatus(isStorageError(err) ? req.store.mapError(err, req.name) : err);
  return { status: s.code, body: s };
}
