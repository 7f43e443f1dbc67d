/**
 * The only place that imports express: HTTP(S) requests <-> RequestContext/ApiResponse.
 */
import express from 'express';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { failure } from '../api/status';
import { serializeBody } from '../pipeline/body';
import type { ApiResponse, RequestContext, ResponseSink } from '../pipeline/types';
import type { Listener, Server } from '../server/server';

export interface ListenOptions {
  host: string;
  /** 0 picks a free port */
  port: number;
  /** PEM material; omitted = plain HTTP */
  tls?: { key: string; cert: string; ca?: string; requestCert?: boolean };
  /** largest request body accepted (Kubernetes: 3 MiB) */
  maxBodyBytes?: number;
}

export interface HttpListener extends Listener {
  readonly port: number;
  readonly host: string;
}

/** Open a listener that feeds every request to `server.handle`. Rejects (nothing left open) on error. */
export async function listen(server: Server, opts: ListenOptions): Promise<HttpListener> {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.raw({ type: () => true, limit: opts.maxBodyBytes ?? 3 * 1024 * 1024 }));
  app.use((req, res) => {
    void serve(server, req, res);
  });
  app.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status =
      err.type === 'entity.too.large'
        ? failure('RequestEntityTooLarge', 'the request body is too large')
        : failure('BadRequest', 'the request body could not be read');
    writeResponse(res, { status: status.code, body: status });
  });

  const nodeServer = opts.tls
    ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: opts.tls.requestCert ?? false, rejectUnauthorized: false }, app)
    : http.createServer(app);
  nodeServer.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    nodeServer.once('error', reject);
    nodeServer.listen(opts.port, opts.host, () => {
      nodeServer.off('error', reject);
      resolve();
    });
  });
  const address = nodeServer.address() as AddressInfo;
  const scheme = opts.tls ? 'https' : 'http';
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    host: address.address,
    url: `${scheme}://${hostForUrl}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        nodeServer.close(() => resolve());
        nodeServer.closeIdleConnections();
        const idle = setInterval(() => nodeServer.closeIdleConnections(), 50);
        const cutLongRunning = () => setTimeout(() => nodeServer.closeAllConnections(), 1000).unref();
        if (server.shutdownSignal.aborted) cutLongRunning();
        else server.shutdownSignal.addEventListener('abort', cutLongRunning, { once: true });
        nodeServer.once('close', () => clearInterval(idle));
      });
      return closing;
    },
  };
}

async function serve(server: Server, req: express.Request, res: express.Response): Promise<void> {
  const url = new URL(req.originalUrl, 'http://localhost');
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  const ctx: RequestContext = {
    method: req.method.toUpperCase(),
    path: safeDecode(url.pathname),
    query: url.searchParams,
    headers: req.headers,
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    requestInfo: undefined as unknown as RequestContext['requestInfo'],
    tlsSocket: 'encrypted' in req.socket ? (req.socket as TLSSocket) : undefined,
    transport: 'encrypted' in req.socket ? 'https' : 'http',
    remoteAddress: req.socket.remoteAddress ?? '',
    startTime: process.hrtime.bigint(),
    signal: AbortSignal.any([abort.signal, server.shutdownSignal]),
    state: new Map(),
    warnings: [],
    longRunning: false,
  };
  let response: ApiResponse;
  try {
    server.fillRequestInfo(ctx);
    response = await server.handle(ctx);
  } catch (err) {
    const status = failure('InternalError', `Internal error occurred: ${(err as Error).message}`);
    response = { status: status.code, body: status };
  }
  await writeResponse(res, response, ctx.signal);
}

async function writeResponse(res: express.Response, response: ApiResponse, signal?: AbortSignal): Promise<void> {
  if (res.headersSent) return;
  res.status(response.status);
  for (const [k, v] of Object.entries(response.headers ?? {})) res.setHeader(k, v);
  if (response.stream) {
    if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'application/json');
    res.flushHeaders();
    const sink = new HttpSink(res, signal);
    try {
      await response.stream(sink);
    } finally {
      sink.end();
    }
    return;
  }
  if (response.body === undefined) {
    res.end();
    return;
  }
  const { buffer, contentType } = serializeBody(response.body);
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', buffer.length);
  res.end(buffer);
}

class HttpSink implements ResponseSink {
  private closedValue = false;
  private readonly callbacks: Array<() => void> = [];
  constructor(
    private readonly res: express.Response,
    signal?: AbortSignal,
  ) {
    res.once('close', () => this.markClosed());
    signal?.addEventListener('abort', () => this.end(), { once: true });
  }
  get closed(): boolean {
    return this.closedValue;
  }
  write(chunk: string | Buffer): boolean {
    if (this.closedValue) return false;
    this.res.write(chunk);
    return true;
  }
  onClose(cb: () => void): void {
    if (this.closedValue) cb();
    else this.callbacks.push(cb);
  }
  end(): void {
    if (!this.res.writableEnded) this.res.end();
    this.markClosed();
  }
  private markClosed(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.callbacks.splice(0).forEach((cb) => cb());
  }
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
