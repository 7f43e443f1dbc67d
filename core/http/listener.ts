/**
 * The only place that imports express: HTTP(S) requests <-> RequestContext/ApiResponse. express
 * only reads compressed request bodies (express.raw); every other request goes straight to `serve`.
 */
import express from 'express';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
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
  const limit = opts.maxBodyBytes ?? 3 * 1024 * 1024;
  // every in-flight request's AbortController: shutdown aborts them (cheaper than an
  // AbortSignal.any per request)
  const live = new Set<AbortController>();
  const onShutdown = () => {
    for (const c of live) c.abort(server.shutdownSignal.reason);
    live.clear();
  };
  if (!server.shutdownSignal.aborted) server.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
  // compressed bodies (Content-Encoding other than identity) go to express.raw, which inflates them
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.raw({ type: () => true, limit }));
  app.use((req, res) => {
    void serve(server, live, req, res, Buffer.isBuffer(req.body) ? req.body : EMPTY);
  });
  app.use((err: BodyError, _req: express.Request, res: express.Response, _next: express.NextFunction) => bodyError(res, err));
  // the common case (no Content-Encoding) skips express: the body is read here with express.raw's
  // limits and answers (413 over the limit, 400 when the body cannot be read)
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') {
      app(req, res);
      return;
    }
    if (req.headers['transfer-encoding'] === undefined && isNaN(req.headers['content-length'] as unknown as number)) {
      void serve(server, live, req, res, EMPTY);
      return;
    }
    readBody(req, limit, (err, body) => {
      if (err) bodyError(res, err);
      else void serve(server, live, req, res, body!);
    });
  };

  const nodeServer = opts.tls
    ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: opts.tls.requestCert ?? false, rejectUnauthorized: false }, handle)
    : http.createServer(handle);
  nodeServer.keepAliveTimeout = 65_000;
  // Connection: Upgrade requests leave the HTTP parser: the pipeline runs with ctx.upgrade set
  nodeServer.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void serveUpgrade(server, live, req, socket, head));
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

const EMPTY = Buffer.alloc(0);

/** How a request body could not be read (raw-body's error fields). */
interface BodyError {
  status?: number;
  type?: string;
}

/** 413 for a body over the limit, 400 for one that could not be read. */
function bodyError(res: http.ServerResponse, err: BodyError): void {
  const status =
    err.type === 'entity.too.large'
      ? failure('RequestEntityTooLarge', 'the request body is too large')
      : failure('BadRequest', 'the request body could not be read');
  void writeResponse(res, { status: status.code, body: status });
}

/**
 * The request body (raw-body's rules, as express.raw applies them): a Content-Length over `limit`
 * is refused before reading, a body that grows past it as soon as it does (413, error type
 * entity.too.large); a body shorter or longer than its Content-Length, or a request aborted
 * mid-body, is an error (400). After an error the rest of the request is read off, then `done`.
 */
function readBody(req: http.IncomingMessage, limit: number, done: (err: BodyError | undefined, body?: Buffer) => void): void {
  const declared = req.headers['content-length'] === undefined ? undefined : parseInt(req.headers['content-length'], 10);
  let finished = false;
  const fail = (type: string, status: number) => {
    if (finished) return;
    finished = true;
    cleanup();
    const err = { status, type };
    if (req.complete || req.destroyed) done(err);
    else {
      req.once('end', () => done(err));
      req.once('close', () => done(err));
      req.resume();
    }
  };
  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) fail('entity.too.large', 413);
    else chunks.push(chunk);
  };
  const onEnd = () => {
    if (finished) return;
    if (declared !== undefined && received !== declared) return fail('request.size.invalid', 400);
    finished = true;
    cleanup();
    done(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
  };
  const onError = () => fail('stream.error', 400);
  const cleanup = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onClose);
    req.off('error', onError);
  };
  const onClose = () => {
    if (!finished && !req.complete) fail('request.aborted', 400);
  };
  if (declared !== undefined && declared > limit) {
    fail('entity.too.large', 413);
    return;
  }
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('close', onClose);
  req.on('error', onError);
}

async function serve(server: Server, live: Set<AbortController>, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
  const abort = new AbortController();
  if (server.shutdownSignal.aborted) abort.abort(server.shutdownSignal.reason);
  else live.add(abort);
  // the client went away before the answer was complete (a finished answer aborts nothing)
  res.once('close', () => {
    live.delete(abort);
    if (!res.writableFinished) abort.abort();
  });
  const ctx = contextOf(req, body, abort);
  await writeResponse(res, await run(server, ctx), ctx.signal);
}

/** An upgrade request: the pipeline, then either the handler owns the socket or the answer is written raw and the connection closed. */
async function serveUpgrade(server: Server, live: Set<AbortController>, req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const abort = new AbortController();
  if (server.shutdownSignal.aborted) abort.abort(server.shutdownSignal.reason);
  else live.add(abort);
  socket.once('close', () => {
    live.delete(abort);
    abort.abort();
  });
  socket.on('error', () => socket.destroy());
  // a body with a Content-Length (e.g. a POST with Upgrade: h2c) is read off the detached socket
  const length = parseInt(req.headers['content-length'] ?? '0', 10) || 0;
  let body: Buffer = EMPTY;
  if (length > 0) {
    const read = await readDetached(socket, head, Math.min(length, 3 * 1024 * 1024));
    body = read.body;
    head = read.rest;
  }
  const ctx = contextOf(req, body, abort);
  ctx.upgrade = { socket, head };
  const response = await run(server, ctx);
  if (response.upgraded) return;
  await writeRawResponse(socket, response);
}

/** The first `length` bytes after the head of an upgrade request (what `head` holds, then the socket's). */
function readDetached(socket: Duplex, head: Buffer, length: number): Promise<{ body: Buffer; rest: Buffer }> {
  return new Promise((resolve) => {
    let buf = head;
    const done = () => {
      socket.off('data', onData);
      socket.off('close', done);
      socket.pause();
      resolve({ body: buf.subarray(0, length), rest: buf.subarray(length) });
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= length) done();
    };
    if (buf.length >= length) return done();
    socket.on('data', onData);
    socket.once('close', done);
  });
}

async function run(server: Server, ctx: RequestContext): Promise<ApiResponse> {
  try {
    server.fillRequestInfo(ctx);
    return await server.handle(ctx);
  } catch (err) {
    const status = failure('InternalError', `Internal error occurred: ${(err as Error).message}`);
    return { status: status.code, body: status };
  }
}

function contextOf(req: http.IncomingMessage, body: Buffer, abort: AbortController): RequestContext {
  const url = new URL(req.url ?? '/', 'http://localhost');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: safeDecode(url.pathname),
    query: url.searchParams,
    headers: req.headers,
    body,
    requestInfo: undefined as unknown as RequestContext['requestInfo'],
    tlsSocket: 'encrypted' in req.socket ? (req.socket as TLSSocket) : undefined,
    transport: 'encrypted' in req.socket ? 'https' : 'http',
    remoteAddress: req.socket.remoteAddress ?? '',
    startTime: process.hrtime.bigint(),
    signal: abort.signal,
    abort: (reason?: unknown) => abort.abort(reason),
    state: new Map(),
    warnings: [],
    longRunning: false,
  };
}

/** An answer to an upgrade request that did not switch protocols, on the bare socket; then the connection closes. */
async function writeRawResponse(socket: Duplex, response: ApiResponse): Promise<void> {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${response.status} ${http.STATUS_CODES[response.status] ?? ''}`];
  const headers: Record<string, string | string[]> = { ...response.headers };
  let body: Buffer | undefined;
  if (response.body !== undefined && !response.stream) {
    const s = serializeBody(response.body);
    body = s.buffer;
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = s.contentType;
  }
  for (const k of Object.keys(headers)) if (['content-length', 'transfer-encoding', 'connection'].includes(k.toLowerCase())) delete headers[k];
  headers.Connection = 'close';
  if (response.stream) headers['Transfer-Encoding'] = 'chunked';
  else headers['Content-Length'] = String(body?.length ?? 0);
  for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (response.stream) {
    let closed = false;
    const callbacks: Array<() => void> = [];
    const markClosed = () => {
      if (!closed) {
        closed = true;
        callbacks.splice(0).forEach((cb) => cb());
      }
    };
    socket.once('close', markClosed);
    await response.stream({
      write(chunk) {
        if (closed) return false;
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        if (b.length > 0) socket.write(Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]));
        return true;
      },
      get closed() {
        return closed;
      },
      onClose(cb) {
        if (closed) cb();
        else callbacks.push(cb);
      },
    });
    if (!closed) socket.write('0\r\n\r\n');
    markClosed();
  } else if (body && body.length > 0) {
    socket.write(body);
  }
  socket.end();
}

async function writeResponse(res: http.ServerResponse, response: ApiResponse, signal?: AbortSignal): Promise<void> {
  if (res.headersSent) return;
  // express's res.status() rule, which this replaced: an integer from 100 to 999
  if (!Number.isInteger(response.status)) throw new TypeError(`Invalid status code: ${JSON.stringify(response.status)}. Status code must be an integer.`);
  if (response.status < 100 || response.status > 999) throw new RangeError(`Invalid status code: ${JSON.stringify(response.status)}. Status code must be greater than 99 and less than 1000.`);
  res.statusCode = response.status;
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
    private readonly res: http.ServerResponse,
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
