import { SyncHook, SyncWaterfallHook } from 'tapable';
import { HandlerStage } from '../../../hooks/stages';
import { failure } from '../../../core/api/status';
import { buildGroupVersionDocument, documentHash, openApiIndex, servedGroupVersions, type GroupVersionResources } from '../../../core/api/openapi/document';
import { acceptsJson, etagMatches } from '../../../core/api/openapi/media';
import { getSchemaRegistry } from '../../../core/api/openapi/schemas';
import type { ApiResponse, RequestContext } from '../../../core/pipeline/types';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks, getResourceRegistry } from '../../../core/registry/registry';
import { defineComponentHooks } from '../../../core/server/hook-index';
import type { Server } from '../../../core/server/server';
import { versionInfo } from '../version';

const PLUGIN_NAME = 'OpenAPI';

/**
 * OpenAPI's own hooks (owner `openapi`): group-version documents served by other servers (the
 * aggregator's APIServices) join the index as data.
 */
export const getOpenApiHooks = defineComponentHooks('openapi', () => ({
  /** when the index is rebuilt: taps add documents by key (`apis/<group>/<version>`); a local group-version wins its key */
  externalDocuments: new SyncWaterfallHook<[Map<string, Buffer>]>(['documents']),
  /** a tap's documents changed: OpenAPI drops its cache, the next request rebuilds it */
  externalDocumentsChanged: new SyncHook<[]>([]),
}));

interface Doc {
  body: Buffer;
  hash: string;
}

/** The documents of one registry + schema state; each GV document is built and hashed once. */
class OpenApiCache {
  readonly groupVersions: Map<string, GroupVersionResources>;
  private readonly docs = new Map<string, Doc>();
  private indexDoc?: Doc;

  constructor(
    private readonly server: Server,
    readonly schemaGeneration: number,
    private readonly external: ReadonlyMap<string, Buffer> = new Map(),
  ) {
    this.groupVersions = new Map(servedGroupVersions(getResourceRegistry(server).all()).map((gv) => [gv.key, gv]));
  }

  /** every document key: the served group-versions, then those served elsewhere */
  keys(): string[] {
    return [...new Set([...this.groupVersions.keys(), ...this.external.keys()])];
  }

  has(key: string): boolean {
    return this.groupVersions.has(key) || this.external.has(key);
  }

  doc(key: string): Doc | undefined {
    let d = this.docs.get(key);
    if (!d) {
      const gv = this.groupVersions.get(key);
      const external = gv ? undefined : this.external.get(key);
      if (external) {
        d = { body: external, hash: documentHash(external) };
        this.docs.set(key, d);
        return d;
      }
      if (!gv) return undefined;
      const body = Buffer.from(JSON.stringify(buildGroupVersionDocument(gv, { schemas: getSchemaRegistry(this.server), kubernetesVersion: kubernetesVersion() })));
      d = { body, hash: documentHash(body) };
      this.docs.set(key, d);
    }
    return d;
  }

  index(): Doc {
    if (!this.indexDoc) {
      const hashes = new Map(this.keys().map((k) => [k, (this.doc(k) as Doc).hash]));
      const body = Buffer.from(JSON.stringify(openApiIndex(hashes)));
      this.indexDoc = { body, hash: documentHash(body) };
    }
    return this.indexDoc;
  }
}

function kubernetesVersion(): string {
  return versionInfo().gitVersion.replace(/\+.*$/, '');
}

/**
 * Serves /openapi/v3 (the index of group-version documents with content hashes) and
 * /openapi/v3/<api/v1|apis/G/V> (OpenAPI 3.0 with paths and the real Kubernetes schemas), with
 * kube-openapi's caching: ETag = hash, `Cache-Control: public, immutable` when `?hash=` matches, a
 * 301 to the current URL when it does not. /openapi/v2 (protobuf only in Kubernetes) is a 404, as
 * kubectl 1.32 needs nothing from it. Rebuilt lazily after `resourcesChanged` or a schema change.
 */
export default definePlugin({
  name: PLUGIN_NAME,
  area: 'apiserver',
  description: 'OpenAPI v3 documents (/openapi/v3) with Kubernetes schemas, for kubectl validation, explain and apply',
  apply(server) {
    let cache: OpenApiCache | undefined;
    getApiHooks(server).resourcesChanged.tap(PLUGIN_NAME, () => {
      cache = undefined;
    });
    const hooks = getOpenApiHooks(server);
    hooks.externalDocumentsChanged.tap(PLUGIN_NAME, () => {
      cache = undefined;
    });
    const current = () => {
      const generation = getSchemaRegistry(server).generation;
      if (!cache || cache.schemaGeneration !== generation) cache = new OpenApiCache(server, generation, hooks.externalDocuments.call(new Map()));
      return cache;
    };

    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.DISCOVERY }, (ctx) => {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return undefined;
      if (!ctx.path.startsWith('/openapi/')) return undefined;
      const path = ctx.path.replace(/\/+$/, '');
      if (path === '/openapi/v2' || path.startsWith('/openapi/v2/')) return async () => notFound();
      if (path === '/openapi/v3') return async (req) => serveIndex(req, current());
      if (!path.startsWith('/openapi/v3/')) return undefined;
      const key = path.slice('/openapi/v3/'.length);
      if (!current().has(key)) return async () => notFound();
      return async (req) => serveGroupVersion(req, current(), key);
    });
  },
});

function notFound(): ApiResponse {
  const status = failure('NotFound', 'the server could not find the requested resource', {});
  return { status: status.code, body: status };
}

function notAcceptable(): ApiResponse {
  const status = failure('NotAcceptable', 'only the following media types are accepted: application/json');
  return { status: status.code, body: status };
}

function serveIndex(ctx: RequestContext, cache: OpenApiCache): ApiResponse {
  if (!acceptsJson(ctx.headers.accept)) return notAcceptable();
  const doc = cache.index();
  const etag = `"${doc.hash}"`;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: etag };
  if (etagMatches(ctx.headers['if-none-match'], etag)) return { status: 304, headers };
  return { status: 200, headers, body: doc.body };
}

function serveGroupVersion(ctx: RequestContext, cache: OpenApiCache, key: string): ApiResponse {
  if (!acceptsJson(ctx.headers.accept)) return notAcceptable();
  const doc = cache.doc(key);
  if (!doc) return notFound();
  const etag = `"${doc.hash}"`;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: etag, Vary: 'Accept' };
  const hash = ctx.query.get('hash');
  if (hash) {
    if (hash !== doc.hash) {
      return { status: 301, headers: { Location: `/openapi/v3/${key}?hash=${doc.hash}`, 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Moved Permanently' };
    }
    headers['Cache-Control'] = 'public, immutable';
    const expires = new Date();
    expires.setUTCFullYear(expires.getUTCFullYear() + 1);
    headers.Expires = expires.toUTCString();
  }
  if (etagMatches(ctx.headers['if-none-match'], etag)) return { status: 304, headers };
  return { status: 200, headers, body: doc.body };
}
