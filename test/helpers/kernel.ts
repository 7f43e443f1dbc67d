/**
 * In-process kernel helpers: write a Configuration into a temp dir, build or start a Server from it
 * (memory storage, plain HTTP on a free port, silent logs), and stop every started server after
 * each test.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { builtinPlugins } from '../../plugins';
import { startK8ts, type Started } from '../../core/cli/start';
import { loadConfig, type LoadedConfig } from '../../core/config/load';
import type { PluginDefinition } from '../../core/plugin/define';
import { buildServer, type Built } from '../../core/server/bootstrap';

export const silentLogger = () => pino({ level: 'silent' });

export interface TestServerOptions {
  /** the temp directory holding k8ts.yaml and the data dir */
  dir: string;
  /** Configuration fields over the test defaults (memory storage, port 0, plain HTTP, silent) */
  config?: Record<string, unknown>;
  /** plugins added to the built-in catalogue (as if they were in plugins/index.ts) */
  extraPlugins?: readonly PluginDefinition<any>[];
}

/** Write `<dir>/k8ts.yaml` from the test defaults plus `config`, and load it like the CLI does. */
export function writeTestConfig(dir: string, config: Record<string, unknown> = {}): LoadedConfig {
  const base: Record<string, unknown> = {
    dataDir: path.join(dir, 'data'),
    logLevel: 'silent',
    storage: { backend: 'memory' },
    // no simulated node: kernel tests watch the requests a server makes (pass nodes to get one)
    nodes: [],
  };
  const apiserver = { port: 0, insecureHttp: true, drainTimeoutSeconds: 5, ...(config.apiserver as object | undefined) };
  const file = path.join(dir, 'k8ts.yaml');
  fs.writeFileSync(file, stringify({ ...base, ...config, apiserver }));
  return loadConfig(file);
}

/** Config -> plugins -> Server, nothing opened. */
export function buildTestServer(opts: TestServerOptions): Built {
  const loaded = writeTestConfig(opts.dir, opts.config);
  return buildServer({ loaded, builtins: [...builtinPlugins, ...(opts.extraPlugins ?? [])], logger: silentLogger() });
}

export interface TestServers {
  /** start a server (listening on 127.0.0.1, a free port); stopped after the test */
  start(opts: TestServerOptions): Promise<Started>;
  /** build one without starting it; stopped after the test if it was started by hand */
  build(opts: TestServerOptions): Built;
}

/** Call inside a `describe`: every server built or started in a test is stopped after it. */
export function useTestServers(): TestServers {
  const servers: Built['server'][] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop(0).catch(() => undefined)));
  });
  return {
    async start(opts) {
      const loaded = writeTestConfig(opts.dir, opts.config);
      const started = await startK8ts({ loaded, builtins: [...builtinPlugins, ...(opts.extraPlugins ?? [])], logger: silentLogger() });
      servers.push(started.server);
      return started;
    },
    build(opts) {
      const built = buildTestServer(opts);
      servers.push(built.server);
      return built;
    },
  };
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request on a fresh connection (no keep-alive agent). */
export function httpRequest(
  baseUrl: string,
  urlPath: string,
  opts: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, baseUrl), { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A promise with its resolve function outside: a gate a test opens when it chooses. */
export function gate<T = void>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
