/**
 * Test helpers for the authentication plugins: an in-process server (inject, memory storage) and
 * a started TLS server with the cluster CA at hand to issue client certificates, plus one HTTPS
 * request with optional client certificate and bearer token.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { Started } from '../../core/cli/start';
import type { KeyPairPem } from '../../core/http/pki';
import type { Server } from '../../core/server/server';
import type { TestServers } from '../../test/helpers/kernel';

/** Build and initialize a server (inject only, nothing listens); `config` goes over the test defaults. */
export async function initializedServer(servers: TestServers, dir: string, config: Record<string, unknown> = {}): Promise<Server> {
  const { server } = servers.build({ dir, config: { ...config, apiserver: { insecureHttp: false, ...(config.apiserver as object | undefined) } } });
  await server.initialize();
  await server.started();
  return server;
}

export interface TlsServer {
  started: Started;
  url: string;
  ca: KeyPairPem;
  admin: KeyPairPem;
}

/** Start a TLS server (port 0) and read its cluster CA and admin credentials from the data dir. */
export async function startTls(servers: TestServers, dir: string, config: Record<string, unknown> = {}): Promise<TlsServer> {
  const started = await servers.start({ dir, config: { ...config, apiserver: { insecureHttp: false, ...(config.apiserver as object | undefined) } } });
  const pki = path.join(started.server.dataDir, 'pki');
  const read = (f: string) => fs.readFileSync(path.join(pki, f), 'utf8');
  return { started, url: started.listener.url, ca: { cert: read('ca.crt'), key: read('ca.key') }, admin: { cert: read('admin.crt'), key: read('admin.key') } };
}

export interface HttpsResult {
  status: number;
  body: string;
  json(): any;
}

/** One HTTPS request (fresh connection) trusting `ca`, with an optional client cert and token. */
export function httpsRequest(
  baseUrl: string,
  urlPath: string,
  opts: { ca: string; client?: KeyPairPem; token?: string; method?: string; body?: unknown; headers?: Record<string, string> },
): Promise<HttpsResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(urlPath, baseUrl),
      { method: opts.method ?? 'GET', headers, ca: opts.ca, cert: opts.client?.cert, key: opts.client?.key, agent: false, servername: 'localhost' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
