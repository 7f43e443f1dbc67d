/**
 * The two transports of the Client: in-process (`server.inject`, the same pipeline as HTTP, with
 * the caller's identity) and HTTP(S) from a kubeconfig (client certificate or token, cluster CA,
 * a keep-alive agent, chunked watch bodies).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { parse } from 'yaml';
import type { UserInfo } from '../pipeline/types';
import type { Server } from '../server/server';
import { DynamicClient } from './client';
import type { Client, RawRequest, RawResponse, Transport } from './types';

/** The identity of the in-process controller-manager once authorization is enforced. */
export const CONTROLLER_MANAGER_USER: Readonly<UserInfo> = Object.freeze({
  username: 'system:kube-controller-manager',
  groups: ['system:authenticated'],
});

function encodeBody(req: RawRequest): { body: Buffer | undefined; headers: Record<string, string> } {
  const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
  if (req.body === undefined || req.body === null) return { body: undefined, headers };
  if (Buffer.isBuffer(req.body)) return { body: req.body, headers };
  if (typeof req.body === 'string') {
    headers['content-type'] ??= 'application/json';
    return { body: Buffer.from(req.body), headers };
  }
  headers['content-type'] ??= 'application/json';
  return { body: Buffer.from(JSON.stringify(req.body)), headers };
}

/** In-process transport: every request runs through `server.inject` as `user` (default: loopback). */
export function inProcessTransport(server: Server, user?: UserInfo): Transport {
  const identity = user ? { ...user, groups: [...user.groups] } : undefined;
  return {
    description: 'in-process',
    async request(req) {
      const { body, headers } = encodeBody(req);
      const res = await server.inject({ method: req.method, url: req.path, headers, body, signal: req.signal, user: identity ? { ...identity } : undefined });
      return { status: res.status, headers: res.headers, body: res.body };
    },
    async stream(req, onResponse, onChunk) {
      const { body, headers } = encodeBody(req);
      let started = false;
      const res = await server.inject({
        method: req.method,
        url: req.path,
        headers,
        body,
        signal: req.signal,
        user: identity ? { ...identity } : undefined,
        onChunk: (chunk) => {
          if (!started) {
            started = true;
            onResponse(200, {});
          }
          onChunk(chunk);
        },
      });
      if (!started) onResponse(res.status, res.headers);
      return { status: res.status, headers: res.headers, body: res.body };
    },
  };
}

/**
 * A Client that calls `server` in-process, through the same pipeline as HTTPS (authn, authz,
 * admission). `user` defaults to the loopback identity (system:masters).
 */
export function inProcessClient(server: Server, user?: UserInfo): Client {
  return new DynamicClient(inProcessTransport(server, user));
}

/** What the HTTP transport takes from a kubeconfig. */
export interface KubeconfigConnection {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
}

type Named<T> = { name: string } & T;

/** Read the current context's cluster and user from a kubeconfig file. */
export function loadKubeconfig(file: string, context?: string): KubeconfigConnection {
  const doc = parse(fs.readFileSync(file, 'utf8')) as {
    'current-context'?: string;
    contexts?: Named<{ context: { cluster: string; user: string } }>[];
    clusters?: Named<{ cluster: Record<string, string | boolean> }>[];
    users?: Named<{ user: Record<string, string> }>[];
  };
  const dir = path.dirname(file);
  const ctxName = context ?? doc['current-context'];
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context ?? doc.contexts?.[0]?.context;
  const cluster = (ctx ? doc.clusters?.find((c) => c.name === ctx.cluster) : doc.clusters?.[0])?.cluster;
  if (!cluster || typeof cluster.server !== 'string') throw new Error(`kubeconfig ${file}: no cluster with a server for context ${ctxName ?? '(none)'}`);
  const user = (ctx ? doc.users?.find((u) => u.name === ctx.user) : doc.users?.[0])?.user ?? {};
  const read = (data: unknown, fileRef: unknown): Buffer | undefined => {
    if (typeof data === 'string') return Buffer.from(data, 'base64');
    if (typeof fileRef === 'string') return fs.readFileSync(path.resolve(dir, fileRef));
    return undefined;
  };
  return {
    server: cluster.server,
    ca: read(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    cert: read(user['client-certificate-data'], user['client-certificate']),
    key: read(user['client-key-data'], user['client-key']),
    token: typeof user.token === 'string' ? user.token : undefined,
  };
}

/** HTTP(S) transport with a keep-alive agent. */
export function httpTransport(conn: KubeconfigConnection): Transport {
  const base = new URL(conn.server);
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, ca: conn.ca, cert: conn.cert, key: conn.key, rejectUnauthorized: !conn.insecureSkipTLSVerify })
    : new http.Agent({ keepAlive: true });
  const basePath = base.pathname.replace(/\/$/, '');
  function send(req: RawRequest, onResponse?: (status: number, headers: RawResponse['headers']) => void, onChunk?: (c: Buffer) => void): Promise<RawResponse> {
    const { body, headers } = encodeBody(req);
    if (conn.token) headers.authorization = `Bearer ${conn.token}`;
    if (body) headers['content-length'] = String(body.length);
    return new Promise<RawResponse>((resolve, reject) => {
      const mod = secure ? https : http;
      const r = mod.request(
        { protocol: base.protocol, hostname: base.hostname.replace(/^\[|\]$/g, ''), port: base.port || (secure ? 443 : 80), method: req.method, path: basePath + req.path, headers, agent, signal: req.signal },
        (res) => {
          const status = res.statusCode ?? 0;
          const streaming = onChunk && status >= 200 && status < 300;
          onResponse?.(status, res.headers);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => (streaming ? onChunk(c) : chunks.push(c)));
          res.on('end', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', (err) => (streaming ? resolve({ status, headers: res.headers, body: Buffer.alloc(0) }) : reject(err)));
          res.on('aborted', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      r.on('error', (err) => {
        if (req.signal?.aborted) resolve({ status: 200, headers: {}, body: Buffer.alloc(0) });
        else reject(err);
      });
      if (body) r.write(body);
      r.end();
    });
  }
  return {
    description: conn.server,
    request: (req) => send(req),
    stream: (req, onResponse, onChunk) => send(req, onResponse, onChunk),
    close: () => agent.destroy(),
  };
}

/** A Client over HTTPS with the kubeconfig's current context (client certificate or token, CA). */
export function httpClient(kubeconfigPath: string, context?: string): Client {
  return new DynamicClient(httpTransport(loadKubeconfig(kubeconfigPath, context)));
}
