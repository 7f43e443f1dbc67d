/**
 * Conversion of custom resources between versions. Strategy None rewrites apiVersion; strategy
 * Webhook POSTs one ConversionReview (v1, or v1beta1 when the CRD accepts only that) over HTTPS
 * to clientConfig.url or to the Service's endpoint (`<name>.<namespace>.svc` is the name verified
 * against the webhook's certificate, caBundle the trusted CA). Objects already at the wanted
 * version are not sent. The webhook's metadata changes are dropped except labels and annotations.
 * Failures are Status errors: webhook unreachable, TLS failure or timeout -> 503
 * ServiceUnavailable; a non-200 answer, a wrong uid or object count, result Failure or a wrong
 * apiVersion/kind in what came back -> 500 InternalError with the reason.
 */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { statusError } from '../../../core/api/status';
import type { KObject } from '../../../core/registry/types';
import { isObj } from './types';

export interface WebhookService {
  namespace: string;
  name: string;
  path?: string;
  port?: number;
}

export interface ConvertOptions {
  /** where a webhook `service` listens (an endpoint address and port); undefined when it has none */
  resolveService?: (svc: WebhookService) => Promise<{ host: string; port: number } | undefined>;
  /** per webhook call (default 30 s, Kubernetes' webhook timeout) */
  timeoutMs?: number;
}

interface Target {
  host: string;
  port: number;
  path: string;
  servername: string;
  ca?: string;
}

interface CrdLike {
  spec: {
    group: string;
    names: { kind: string };
    conversion?: { strategy: string; webhook?: { conversionReviewVersions?: string[]; clientConfig?: { url?: string; caBundle?: string; service?: WebhookService } } };
  };
}

function describe(crd: CrdLike, apiVersion: string): string {
  return `conversion webhook for ${apiVersion}, Kind=${crd.spec.names.kind}`;
}

async function target(crd: CrdLike, what: string, opts: ConvertOptions): Promise<Target> {
  const cc = crd.spec.conversion?.webhook?.clientConfig ?? {};
  const ca = cc.caBundle ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  if (cc.url) {
    const u = new URL(cc.url);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 443), path: `${u.pathname}${u.search}`, servername: u.hostname.replace(/^\[|\]$/g, ''), ca };
  }
  const svc = cc.service;
  if (!svc) throw statusError('InternalError', `${what} failed: no webhook client config`);
  const where = opts.resolveService ? await opts.resolveService(svc) : undefined;
  if (!where) throw statusError('ServiceUnavailable', `${what} failed: service "${svc.namespace}/${svc.name}" has no endpoints`);
  return { host: where.host, port: where.port, path: svc.path || '/', servername: `${svc.name}.${svc.namespace}.svc`, ca };
}

function post(t: Target, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  // the certificate is checked against servername (a DNS name); an IP URL is checked against its IP SANs
  const isIP = /^[\d.]+$/.test(t.servername) || t.servername.includes(':');
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: t.host,
        port: t.port,
        path: t.path,
        method: 'POST',
        ca: t.ca,
        servername: isIP ? undefined : t.servername,
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Put back everything in metadata the webhook may not change (all but labels and annotations). */
function restoreMeta(original: KObject, converted: KObject): KObject {
  const meta = isObj(converted.metadata) ? converted.metadata : {};
  const out = { ...converted, metadata: { ...original.metadata } };
  if (meta.labels !== undefined) out.metadata.labels = meta.labels as Record<string, string>;
  else delete out.metadata.labels;
  if (meta.annotations !== undefined) out.metadata.annotations = meta.annotations as Record<string, string>;
  else delete out.metadata.annotations;
  return out;
}

async function webhookConvert(crd: CrdLike, objects: KObject[], apiVersion: string, opts: ConvertOptions): Promise<KObject[]> {
  const what = describe(crd, objects[0].apiVersion ?? apiVersion);
  const versions = crd.spec.conversion?.webhook?.conversionReviewVersions ?? ['v1'];
  const reviewVersion = versions.find((v) => v === 'v1' || v === 'v1beta1') ?? 'v1';
  const uid = randomUUID();
  const review = { apiVersion: `apiextensions.k8s.io/${reviewVersion}`, kind: 'ConversionReview', request: { uid, desiredAPIVersion: apiVersion, objects } };
  const t = await target(crd, what, opts);
  let answer: { status: number; text: string };
  try {
    answer = await post(t, JSON.stringify(review), opts.timeoutMs ?? 30_000);
  } catch (err) {
    throw statusError('ServiceUnavailable', `${what} failed: Post "https://${t.host}:${t.port}${t.path}": ${(err as Error).message}`);
  }
  const fail = (reason: string) => statusError('InternalError', `${what} failed: ${reason}`);
  if (answer.status !== 200) throw fail(`conversion webhook answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw fail('conversion webhook response is not JSON');
  }
  const response = isObj(body) && isObj(body.response) ? body.response : undefined;
  if (!response) throw fail('no response provided');
  if (response.uid !== uid) throw fail(`expected response uid ${JSON.stringify(uid)}, got ${JSON.stringify(response.uid)}`);
  const result = isObj(response.result) ? response.result : {};
  if (result.status !== 'Success') throw fail(`conversion request failed: ${typeof result.message === 'string' ? result.message : 'unknown reason'}`);
  const converted = Array.isArray(response.convertedObjects) ? (response.convertedObjects as KObject[]) : [];
  if (converted.length !== objects.length) throw fail(`expected ${objects.length} converted objects, got ${converted.length}`);
  return converted.map((c, i) => {
    if (!isObj(c) || c.apiVersion !== apiVersion) throw fail(`invalid converted object at index ${i}: invalid apiVersion ${JSON.stringify(isObj(c) ? c.apiVersion : c)}, expected ${JSON.stringify(apiVersion)}`);
    if (c.kind !== objects[i].kind) throw fail(`invalid converted object at index ${i}: invalid kind ${JSON.stringify(c.kind)}, expected ${JSON.stringify(objects[i].kind)}`);
    return restoreMeta(objects[i], c);
  });
}

/** Convert each object to `apiVersion`, in order; those already there are returned as they are. */
export async function convert(crd: CrdLike, objects: KObject[], apiVersion: string, opts: ConvertOptions = {}): Promise<KObject[]> {
  const pending = objects.map((o, i) => ({ o, i })).filter(({ o }) => o.apiVersion !== apiVersion);
  if (!pending.length) return objects;
  if (crd.spec.conversion?.strategy !== 'Webhook') return objects.map((o) => (o.apiVersion === apiVersion ? o : { ...o, apiVersion }));
  const converted = await webhookConvert(crd, pending.map((p) => p.o), apiVersion, opts);
  const out = [...objects];
  pending.forEach((p, j) => (out[p.i] = converted[j]));
  return out;
}
