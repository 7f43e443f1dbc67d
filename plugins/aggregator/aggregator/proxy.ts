/**
 * The proxy to an extension API server (kube-aggregator's proxyHandler + UpgradeAwareHandler):
 * HTTPS to one endpoint of the APIService's Service, verifying `caBundle` (server name
 * `<service>.<namespace>.svc`) or not at all with `insecureSkipTLSVerify`, presenting the front
 * proxy's client certificate, and naming the already authenticated user in X-Remote-User,
 * X-Remote-Group and X-Remote-Extra-<key> after stripping any such header the client sent (and its
 * credentials). Redirects are never followed: a 3xx becomes 502. Responses with a length are
 * buffered; any other (watch, chunked) streams chunk by chunk.
 *
 * Upgrade requests (Connection: Upgrade) go over a connection of their own, never pooled
 * (CVE-2018-1002105): only a real `101 Switching Protocols` is an upgrade, and then the client's
 * connection (`ctx.upgrade`, from the HTTP listener) and the backend's are spliced until either
 * closes; any other answer is passed through as a plain response and the backend connection is
 * destroyed, never used again.
 */
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { failure } from '../../../core/api/status';
import type { KeyPairPem } from '../../../core/http/pki';
import type { ApiResponse, RequestContext, UserInfo } from '../../../core/pipeline/types';
import type { Endpoint } from './endpoints';

export interface ProxyTarget {
  endpoint: Endpoint;
  /** `<service>.<namespace>.svc`: the name the backend's certificate must carry */
  serverName: string;
  /** PEM of the APIService's caBundle */
  ca?: string;
  insecureSkipTLSVerify: boolean;
  /** the front proxy's client certificate */
  client: KeyPairPem;
}

/** The header prefixes of the request-header authenticator (--requestheader-*-headers). */
export const REQUEST_HEADERS = Object.freeze({ user: 'X-Remote-User', group: 'X-Remote-Group', extraPrefix: 'X-Remote-Extra-' });

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade', 'host', 'content-length']);
const MAX_BUFFERED = 3 * 1024 * 1024;

export const REDIRECT_MESSAGE = 'the backend attempted to redirect this request, which is not permitted';

/** True for `Connection: Upgrade` requests with an `Upgrade` header (websocket watch, exec, ...). */
export function isUpgradeRequest(headers: RequestContext['headers']): boolean {
  const conn = String(headers.connection ?? '').toLowerCase();
  return !!headers.upgrade && conn.split(',').some((t) => t.trim() === 'upgrade');
}

/** The headers sent to the backend: the client's minus hop-by-hop, credentials and X-Remote-*, plus the user. */
export function backendHeaders(headers: RequestContext['headers'], user: UserInfo | undefined, upgrade: boolean): Record<string, string | string[]> {
  const named = new Set(
    String(headers.connection ?? '')
      .toLowerCase()
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  );
  const lower = (s: string) => s.toLowerCase();
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = lower(k);
    if (v === undefined || HOP_BY_HOP.has(key) || named.has(key)) continue;
    if (key === 'authorization' || key.startsWith('impersonate-')) continue;
    if (key === lower(REQUEST_HEADERS.user) || key === lower(REQUEST_HEADERS.group) || key.startsWith(lower(REQUEST_HEADERS.extraPrefix))) continue;
    out[key] = v;
  }
  if (upgrade) {
    out.connection = 'Upgrade';
    out.upgrade = String(headers.upgrade);
  }
  if (user) {
    out[REQUEST_HEADERS.user] = user.username;
    if (user.groups.length) out[REQUEST_HEADERS.group] = [...user.groups];
    for (const [k, vals] of Object.entries(user.extra ?? {})) out[`${REQUEST_HEADERS.extraPrefix}${encodeURIComponent(k)}`] = [...vals];
  }
  return out;
}

/** The request path as sent on: each decoded segment encoded again, with the query. */
function requestPath(ctx: RequestContext): string {
  const p = ctx.path.split('/').map(encodeURIComponent).join('/');
  const q = ctx.query.toString();
  return q ? `${p}?${q}` : p;
}

/** Pooled keep-alive agents, one per TLS identity of a backend. */
export class AgentPool {
  private readonly agents = new Map<string, https.Agent>();

  get(t: ProxyTarget): https.Agent {
    const key = `${t.endpoint.host}:${t.endpoint.port}|${t.serverName}|${t.insecureSkipTLSVerify}|${t.ca ?? ''}`;
    let a = this.agents.get(key);
    if (!a) this.agents.set(key, (a = new https.Agent({ keepAlive: true, maxSockets: 64, ...tlsOptions(t) })));
    return a;
  }

  /** drop the agents (and their idle connections) of backends no longer in use */
  clear(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

function tlsOptions(t: ProxyTarget): https.AgentOptions {
  return {
    ca: t.ca,
    rejectUnauthorized: !t.insecureSkipTLSVerify,
    servername: t.serverName,
    cert: t.client.cert,
    key: t.client.key,
  };
}

function statusResponse(reason: 'ServiceUnavailable' | 'InternalError', message: string, code?: number): ApiResponse {
  const s = failure(reason, message, undefined, code);
  return { status: s.code, body: s };
}

function responseHeaders(res: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Forward one request to the backend; errors reaching it are 503 ServiceUnavailable Status. */
export function proxyRequest(ctx: RequestContext, target: ProxyTarget, pool: AgentPool, onBackendError?: (err: Error) => void): Promise<ApiResponse> {
  const upgrade = isUpgradeRequest(ctx.headers);
  const headers = backendHeaders(ctx.headers, ctx.user, upgrade);
  if (ctx.body.length > 0) headers['content-length'] = String(ctx.body.length);
  return new Promise<ApiResponse>((resolve) => {
    let settled = false;
    const settle = (r: ApiResponse) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const req = https.request({
      host: target.endpoint.host,
      port: target.endpoint.port,
      method: ctx.method,
      path: requestPath(ctx),
      headers,
      // an upgrade gets a connection of its own, never reused whatever the backend answers
      ...(upgrade ? { agent: false, ...tlsOptions(target) } : { agent: pool.get(target) }),
    });
    const onAbort = () => req.destroy();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      onBackendError?.(err);
      settle(statusResponse('ServiceUnavailable', `error trying to reach service: ${err.message}`));
    });
    req.on('upgrade', (res, backend, backendHead) => {
      // a real 101 Switching Protocols: splice the two connections
      const client = ctx.upgrade;
      if (!client || client.socket.destroyed) {
        backend.destroy();
        settle(statusResponse('InternalError', 'the backend switched protocols on a request that cannot be upgraded (not from the HTTP listener)', 502));
        return;
      }
      ctx.signal.removeEventListener('abort', onAbort);
      const lines = [`HTTP/1.1 101 ${res.statusMessage || 'Switching Protocols'}`];
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
      client.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (backendHead.length > 0) client.socket.write(backendHead);
      if (client.head.length > 0) backend.write(client.head);
      const close = () => {
        backend.destroy();
        client.socket.destroy();
      };
      backend.on('error', close).on('close', close);
      client.socket.on('error', close).on('close', close);
      ctx.signal.addEventListener('abort', close, { once: true });
      backend.pipe(client.socket);
      client.socket.pipe(backend);
      settle({ status: 101, upgraded: true });
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 502;
      // a failed upgrade: this connection is never used again (CVE-2018-1002105)
      const dropConnection = () => {
        if (upgrade) req.destroy();
      };
      if (status >= 300 && status < 400) {
        res.resume();
        dropConnection();
        settle(statusResponse('InternalError', REDIRECT_MESSAGE, 502));
        return;
      }
      const headersOut = responseHeaders(res);
      const length = Number(res.headers['content-length']);
      if (upgrade || (Number.isFinite(length) && length <= MAX_BUFFERED)) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          dropConnection();
          settle({ status, headers: headersOut, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => settle(statusResponse('ServiceUnavailable', `error reading from service: ${err.message}`)));
        return;
      }
      settle({
        status,
        headers: headersOut,
        stream: (sink) =>
          new Promise<void>((done) => {
            sink.onClose(() => {
              res.destroy();
              done();
            });
            res.on('data', (c: Buffer) => {
              if (!sink.write(c)) res.destroy();
            });
            res.on('end', () => done());
            res.on('error', () => done());
            res.on('close', () => done());
          }),
      });
    });
    req.end(ctx.body.length > 0 ? ctx.body : undefined);
  }).finally(() => undefined);
}
