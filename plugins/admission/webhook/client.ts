/**
 * The HTTPS call of one webhook: POST an AdmissionReview v1 to clientConfig.url, trusting
 * clientConfig.caBundle (else the system roots), within timeoutSeconds (max 30). Service
 * references are not reachable from k8ts yet (no service network): they fail as a call error and
 * the webhook's failurePolicy decides.
 */
import https from 'node:https';
import { isRecord, type Json } from '../shared/admission';

export const DEFAULT_TIMEOUT_SECONDS = 10;
export const MAX_TIMEOUT_SECONDS = 30;
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

export class WebhookCallError extends Error {}

export function webhookUrl(webhook: Json): string {
  const cc: Json = isRecord(webhook.clientConfig) ? webhook.clientConfig : {};
  if (typeof cc.url === 'string' && cc.url) return cc.url;
  const svc: Json = isRecord(cc.service) ? cc.service : {};
  return `https://${String(svc.name)}.${String(svc.namespace)}.svc:${Number(svc.port ?? 443)}${String(svc.path ?? '')}`;
}

/** POST the review; resolves the parsed response body, rejects with a WebhookCallError. */
export function callWebhook(webhook: Json, review: Json, signal?: AbortSignal): Promise<Json> {
  const cc: Json = isRecord(webhook.clientConfig) ? webhook.clientConfig : {};
  const url = webhookUrl(webhook);
  const timeoutMs = Math.min(Number(webhook.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS), MAX_TIMEOUT_SECONDS) * 1000;
  const prefix = `failed to call webhook: Post "${url}"`;
  if (!(typeof cc.url === 'string' && cc.url)) {
    return Promise.reject(new WebhookCallError(`${prefix}: service references are not supported by k8ts yet, use clientConfig.url`));
  }
  const body = Buffer.from(JSON.stringify(review));
  const ca = typeof cc.caBundle === 'string' && cc.caBundle ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: Error | undefined, value?: Json) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value!);
    };
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) req.destroy(new WebhookCallError(`${prefix}: response body too large`));
        else chunks.push(c);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return finish(new WebhookCallError(`${prefix}: expected response code 200, got ${String(res.statusCode)}`));
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          if (!isRecord(parsed)) throw new Error('not an object');
          finish(undefined, parsed);
        } catch (err) {
          finish(new WebhookCallError(`${prefix}: could not decode the response: ${(err as Error).message}`));
        }
      });
      res.on('error', (err) => finish(new WebhookCallError(`${prefix}: ${err.message}`)));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(new WebhookCallError(`${prefix}: context deadline exceeded`));
    }, timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish(new WebhookCallError(`${prefix}: context canceled`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(new WebhookCallError(`${prefix}: ${err.message}`)));
    req.end(body);
  });
}
