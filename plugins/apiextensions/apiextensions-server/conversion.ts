/**
 * Conversion webhooks on the serving path. A request on a CRD with `conversion.strategy: Webhook`
 * in a version other than the storage version is served by the generic handler in the storage
 * version and converted around it with the schema library's `convertObjects` (ConversionReview
 * v1 over HTTPS): request bodies to the storage version, objects, lists and watch events back to
 * the request's version. A PATCH is applied to the object in the request's version and written as
 * an update. Table and metadata-only answers and /scale need no conversion. Strategy None never
 * comes here (the codec rewrites apiVersion, synchronously).
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { requestMediaType } from '../../../core/api/negotiate';
import { statusError, toStatus } from '../../../core/api/status';
import type { Client } from '../../../core/client';
import type { ApiResponse, Handler, RequestContext } from '../../../core/pipeline/types';
import { APPLY_PATCH, applyPatchTo } from '../../../core/registry/patcher';
import type { RegisteredResource } from '../../../core/registry/registry';
import { getStore, type StoreHost } from '../../../core/registry/store';
import type { KObject } from '../../../core/registry/types';
import { convertObjects, endpointsResolver, type CustomResourceDefinition } from '../schema';

/** Does a request in `version` of this CRD need the webhook? */
export function needsWebhook(crd: CustomResourceDefinition, resource: RegisteredResource, version: string, subresource: string): boolean {
  return crd.spec.conversion?.strategy === 'Webhook' && version !== resource.storageVersion.name && subresource !== 'scale';
}

const MAX_PATCH_ATTEMPTS = 8;

function statusResponse(err: unknown): ApiResponse {
  const s = toStatus(err);
  return { status: s.code, body: s };
}

export class WebhookConverter {
  constructor(
    private readonly host: StoreHost,
    private readonly client: Client,
  ) {}

  private convert(crd: CustomResourceDefinition, objs: KObject[], apiVersion: string): Promise<KObject[]> {
    return convertObjects(crd, objs, apiVersion, { resolveService: endpointsResolver(this.client) });
  }

  /** Serve `ctx` (in a non-storage version) through `inner` resolved for the storage version. */
  async serve(crd: CustomResourceDefinition, resource: RegisteredResource, ctx: RequestContext, resolveInner: (c: RequestContext) => Handler | undefined): Promise<ApiResponse> {
    const group = resource.definition.group;
    const version = ctx.requestInfo.apiVersion;
    const want = `${group}/${version}`;
    const storage = `${group}/${resource.storageVersion.name}`;
    const inner: RequestContext = { ...ctx, requestInfo: { ...ctx.requestInfo, apiVersion: resource.storageVersion.name } };
    try {
      if (ctx.method === 'PATCH') return await this.patch(crd, resource, ctx, inner, resolveInner, want, storage);
      if (ctx.method === 'POST' || ctx.method === 'PUT') {
        const body = parseBody(ctx);
        if (body && body.apiVersion === want) {
          const [converted] = await this.convert(crd, [body], storage);
          inner.body = Buffer.from(JSON.stringify(converted));
          inner.headers = { ...ctx.headers, 'content-type': 'application/json' };
        }
      }
      const handler = resolveInner(inner);
      if (!handler) throw statusError('NotFound', 'the server could not find the requested resource');
      return await this.back(crd, await handler(inner), want, storage);
    } catch (err) {
      return statusResponse(err);
    }
  }

  /** PATCH in the request's version: read, convert, patch, convert back, update (retried on conflicts). */
  private async patch(crd: CustomResourceDefinition, resource: RegisteredResource, ctx: RequestContext, inner: RequestContext, resolveInner: (c: RequestContext) => Handler | undefined, want: string, storage: string): Promise<ApiResponse> {
    const info = ctx.requestInfo;
    const store = getStore(this.host, resource);
    const namespace = resource.definition.namespaced ? info.namespace : '';
    const contentType = requestMediaType(ctx.headers['content-type']);
    for (let attempt = 1; ; attempt++) {
      const current = await store.read(namespace, info.name);
      let live: KObject | undefined;
      if (current) [live] = await this.convert(crd, [structuredClone(current.obj)], want);
      if (!live && contentType !== APPLY_PATCH) throw store.notFound(info.name);
      const patched = await applyPatchTo(contentType, live, ctx.body, {
        fieldManager: ctx.query.get('fieldManager') ?? undefined,
        force: ctx.query.get('force') === 'true',
        subresource: info.subresource,
        apiVersion: want,
        kind: resource.definition.names.kind,
      });
      const [back] = await this.convert(crd, [patched], storage);
      // a conflict with a write between our read and our update is retried; a stale resourceVersion in the patch is not
      const ours = !!live && back.metadata?.resourceVersion === live.metadata.resourceVersion;
      const write: RequestContext = {
        ...inner,
        method: live ? 'PUT' : 'POST',
        body: Buffer.from(JSON.stringify(back)),
        headers: { ...ctx.headers, 'content-type': 'application/json' },
        requestInfo: { ...inner.requestInfo, verb: live ? 'update' : 'create', ...(live ? {} : { name: '', parts: inner.requestInfo.parts.slice(0, 1) }) },
      };
      const handler = resolveInner(write);
      if (!handler) throw statusError('NotFound', 'the server could not find the requested resource');
      const res = await handler(write);
      if (res.status === 409 && ours && attempt < MAX_PATCH_ATTEMPTS) continue;
      return this.back(crd, res, want, storage);
    }
  }

  /** Convert what the inner handler answered (objects, lists, watch events) to `want`. */
  private async back(crd: CustomResourceDefinition, res: ApiResponse, want: string, storage: string): Promise<ApiResponse> {
    if (res.stream) return { ...res, stream: (sink) => this.convertStream(crd, res.stream!, sink, want, storage) };
    if (!Buffer.isBuffer(res.body) || res.status >= 300) return res;
    const type = String(res.headers?.['Content-Type'] ?? res.headers?.['content-type'] ?? '');
    const yaml = type.includes('yaml');
    const value = (yaml ? parseYaml(res.body.toString()) : JSON.parse(res.body.toString())) as KObject & { items?: KObject[] };
    if (value.apiVersion === storage && Array.isArray(value.items)) {
      value.items = await this.convert(crd, value.items.map((i) => ({ ...i, apiVersion: i.apiVersion ?? storage, kind: i.kind ?? crd.spec.names.kind })), want);
      value.apiVersion = want;
    } else if (value.apiVersion === storage) {
      const [one] = await this.convert(crd, [value], want);
      return { ...res, body: Buffer.from(yaml ? stringifyYaml(one) : JSON.stringify(one)) };
    } else return res;
    return { ...res, body: Buffer.from(yaml ? stringifyYaml(value) : JSON.stringify(value)) };
  }

  private async convertStream(crd: CustomResourceDefinition, stream: NonNullable<ApiResponse['stream']>, sink: Parameters<NonNullable<ApiResponse['stream']>>[0], want: string, storage: string): Promise<void> {
    let pending = '';
    let chain = Promise.resolve();
    const out = {
      get closed() {
        return sink.closed;
      },
      onClose: (cb: () => void) => sink.onClose(cb),
      write: (chunk: string | Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim() !== '')) {
          chain = chain.then(async () => {
            const ev = JSON.parse(line) as { type: string; object: KObject };
            if (ev.object?.apiVersion === storage) {
              try {
                [ev.object] = await this.convert(crd, [ev.object], want);
              } catch (err) {
                const s = toStatus(err);
                sink.write(`${JSON.stringify({ type: 'ERROR', object: s })}\n`);
                return;
              }
            }
            if (!sink.closed) sink.write(`${JSON.stringify(ev)}\n`);
          });
        }
        return true;
      },
    };
    await stream(out);
    await chain;
  }
}

function parseBody(ctx: RequestContext): KObject | undefined {
  if (!ctx.body || ctx.body.length === 0) return undefined;
  try {
    const type = requestMediaType(ctx.headers['content-type']);
    return (type.includes('yaml') ? parseYaml(ctx.body.toString()) : JSON.parse(ctx.body.toString())) as KObject;
  } catch {
    return undefined; // the inner handler answers the decoding error
  }
}
