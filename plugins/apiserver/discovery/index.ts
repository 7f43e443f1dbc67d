import { createHash } from 'node:crypto';
import { HandlerStage } from '../../../hooks/stages';
import { failure } from '../../../core/api/status';
import { etagMatches, negotiateDiscovery, type DiscoveryFormat } from '../../../core/api/openapi/media';
import type { ApiResponse, RequestContext } from '../../../core/pipeline/types';
import { SyncHook, SyncWaterfallHook } from 'tapable';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks, getResourceRegistry, type ResourceRegistry } from '../../../core/registry/registry';
import { defineComponentHooks } from '../../../core/server/hook-index';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, buildModel, externalApiGroup, type DiscoveryModel, type ExternalGroup } from './documents';

const PLUGIN_NAME = 'Discovery';

export * from './documents';

/**
 * Discovery's own hooks (owner `discovery`): groups served by other servers (the aggregator's
 * APIServices) join the documents as data, never as taps added at runtime.
 */
export const getDiscoveryHooks = defineComponentHooks('discovery', () => ({
  /** when the documents are rebuilt: taps append the groups they serve elsewhere */
  externalGroups: new SyncWaterfallHook<[ExternalGroup[]]>(['groups']),
  /** a tap's external groups changed: Discovery drops its documents, the next request rebuilds them */
  externalGroupsChanged: new SyncHook<[]>([]),
}));

interface Cached {
  body: Buffer;
  etag: string;
}

/** The discovery documents of one registry state, serialized once each (on first request). */
class DiscoveryCache {
  private modelValue?: DiscoveryModel;
  private readonly bytes = new Map<string, Cached>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly external: () => ExternalGroup[],
  ) {}

  get model(): DiscoveryModel {
    return (this.modelValue ??= { ...buildModel(this.registry.all()), external: this.external() });
  }

  /** Serialized document under `key`, built by `build` the first time. */
  get(key: string, build: () => unknown): Cached {
    let c = this.bytes.get(key);
    if (!c) {
      const body = Buffer.from(JSON.stringify(build()));
      c = { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
      this.bytes.set(key, c);
    }
    return c;
  }
}

/**
 * Serves the discovery documents from the resource registry: /api, /apis, /apis/<g>, /api/v1 and
 * /apis/<g>/<v>, and aggregated discovery (apidiscovery.k8s.io v2 / v2beta1) for /api and /apis
 * when the Accept header asks for it. Rebuilt lazily after `resourcesChanged`.
 */
export default definePlugin({
  name: PLUGIN_NAME,
  area: 'apiserver',
  description: 'Discovery documents (/api, /apis, aggregated discovery v2) built from the resource registry',
  apply(server) {
    let cache: DiscoveryCache | undefined;
    getApiHooks(server).resourcesChanged.tap(PLUGIN_NAME, () => {
      cache = undefined;
    });
    const hooks = getDiscoveryHooks(server);
    hooks.externalGroupsChanged.tap(PLUGIN_NAME, () => {
      cache = undefined;
    });
    const current = () => (cache ??= new DiscoveryCache(getResourceRegistry(server), () => hooks.externalGroups.call([])));

    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.DISCOVERY }, (ctx) => {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return undefined;
      // every request walks this tap: resource URLs (more than 3 segments) leave before any split
      if (moreSegmentsThan(ctx.path, 3)) return undefined;
      const parts = ctx.path.split('/').filter((p) => p !== '');
      if (parts[0] !== 'api' && parts[0] !== 'apis') return undefined;
      if (parts[0] === 'api' ? parts.length > 2 : parts.length > 3) return undefined;
      const route = resolve(current(), parts);
      if (!route) return undefined;
      return async (req) => respond(req, current(), route);
    });
  },
});

type Route =
  | { doc: 'root'; prefix: 'api' | 'apis' }
  | { doc: 'group'; group: string }
  | { doc: 'resources'; group: string; version: string };

/** Has `path` more than `max` non-empty `/`-separated segments? (reads no further than segment max + 1) */
export function moreSegmentsThan(path: string, max: number): boolean {
  let n = 0;
  let inSegment = false;
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) === 47 /* / */) inSegment = false;
    else if (!inSegment) {
      inSegment = true;
      if (++n > max) return true;
    }
  }
  return false;
}

/** Which document a path names, or undefined if no such group/version is served (delegated: 404). */
function resolve(cache: DiscoveryCache, parts: string[]): Route | undefined {
  const model = cache.model;
  if (parts.length === 1) return { doc: 'root', prefix: parts[0] as 'api' | 'apis' };
  if (parts[0] === 'api') {
    return model.core?.versions.some((v) => v.version === parts[1]) ? { doc: 'resources', group: '', version: parts[1] } : undefined;
  }
  const group = model.groups.find((g) => g.name === parts[1]);
  if (!group) {
    const external = model.external?.find((g) => g.name === parts[1] && g.versions.length > 0);
    return external && parts.length === 2 ? { doc: 'group', group: external.name } : undefined;
  }
  if (parts.length === 2) return { doc: 'group', group: group.name };
  return group.versions.some((v) => v.version === parts[2]) ? { doc: 'resources', group: group.name, version: parts[2] } : undefined;
}

async function respond(ctx: RequestContext, cache: DiscoveryCache, route: Route): Promise<ApiResponse> {
  const format = negotiateDiscovery(ctx.headers.accept);
  if (!format) {
    const status = failure('NotAcceptable', 'only the following media types are accepted: application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    return { status: status.code, body: status };
  }
  const model = cache.model;
  let doc: Cached;
  let contentType = 'application/json';
  if (route.doc === 'root') {
    if (format.aggregated) {
      const groups = route.prefix === 'api' ? (model.core ? [model.core] : []) : model.groups;
      const external = route.prefix === 'api' ? [] : (model.external ?? []);
      doc = cache.get(`${route.prefix}:${format.aggregated}`, () => aggregatedDiscovery(groups, format.aggregated as 'v2' | 'v2beta1', external));
      contentType = aggregatedContentType(format);
    } else if (route.prefix === 'api') {
      // serverAddressByClientCIDRs names the address the client used; not cached
      const body = Buffer.from(JSON.stringify(apiVersions(model, serverAddress(ctx))));
      return reply(ctx, { body, etag: '' }, contentType);
    } else {
      doc = cache.get('apis', () => apiGroupList(model));
    }
  } else if (route.doc === 'group') {
    const group = model.groups.find((g) => g.name === route.group);
    const external = model.external?.find((g) => g.name === route.group);
    doc = cache.get(`group:${route.group}`, () => (group ? apiGroup(group) : externalApiGroup(external!)));
  } else {
    const group = route.group === '' ? model.core : model.groups.find((g) => g.name === route.group);
    const version = group?.versions.find((v) => v.version === route.version);
    doc = cache.get(`resources:${route.group}/${route.version}`, () => apiResourceList(route.group, version!));
  }
  return reply(ctx, doc, contentType);
}

function aggregatedContentType(format: DiscoveryFormat): string {
  return `application/json;g=apidiscovery.k8s.io;v=${format.aggregated};as=APIGroupDiscoveryList`;
}

function reply(ctx: RequestContext, doc: Cached, contentType: string): ApiResponse {
  const headers: Record<string, string> = { 'Content-Type': contentType, Vary: 'Accept' };
  if (doc.etag) {
    headers.ETag = doc.etag;
    if (etagMatches(ctx.headers['if-none-match'], doc.etag)) return { status: 304, headers };
  }
  return { status: 200, headers, body: doc.body };
}

/** host:port the client reached us at (the Host header), as kube-apiserver's advertised address. */
function serverAddress(ctx: RequestContext): string {
  const host = ctx.headers.host;
  return typeof host === 'string' && host ? host : '127.0.0.1:6443';
}
