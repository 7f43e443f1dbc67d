/**
 * Test support (not a test): a full k8ts Server (every built-in plugin, memory storage, plain
 * HTTP on a free port) for controller integration tests, plus polling helpers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { builtinPlugins } from '../../index';
import { startK8ts, type Started } from '../../../core/cli/start';
import { loadConfig } from '../../../core/config/load';
import type { PluginDefinition } from '../../../core/plugin/define';

export interface ClusterOptions {
  /** Configuration fields over the defaults (memory storage, port 0, plain HTTP) */
  config?: Record<string, unknown>;
  extraPlugins?: readonly PluginDefinition<any>[];
  /** TLS (for kubectl) instead of plain HTTP */
  tls?: boolean;
  storage?: 'memory' | 'sqlite';
  /** run the controller-manager and every default controller (default: the area is disabled, tests host controllers themselves) */
  controllers?: boolean;
  /** host the default simulated node k8ts-node-0 (default: `nodes: []` unless config.nodes says otherwise; tests use the fake kubelet) */
  kubelet?: boolean;
  /** run the scheduler (default: the area is disabled; tests set nodeName or use the fake kubelet) */
  scheduler?: boolean;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Started & { dir: string; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ctrl-'));
  const config = opts.config ?? {};
  const apiserver = { port: 0, insecureHttp: !opts.tls, drainTimeoutSeconds: 1, ...(config.apiserver as object | undefined) };
  const file = path.join(dir, 'k8ts.yaml');
  let plugins = opts.controllers ? config.plugins : { ...(config.plugins as object | undefined), controllers: { disabled: ['*'] } };
  if (!opts.scheduler) plugins = { scheduler: { disabled: ['*'] }, ...(plugins as object | undefined) };
  const nodes = config.nodes === undefined && !opts.kubelet ? { nodes: [] } : {};
  fs.writeFileSync(file, stringify({ dataDir: path.join(dir, 'data'), logLevel: 'silent', storage: { backend: opts.storage ?? 'memory' }, ...nodes, ...config, ...(plugins ? { plugins } : {}), apiserver }));
  const started = await startK8ts({ loaded: loadConfig(file), builtins: [...builtinPlugins, ...(opts.extraPlugins ?? [])], logger: pino({ level: 'silent' }) });
  return {
    ...started,
    dir,
    async close() {
      await started.server.stop(0).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll `fn` until it returns a truthy value; rejects with the last value after `timeoutMs`. */
export async function eventually<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 25): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as Exclude<T, undefined | null | false | 0 | ''>;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}${lastErr ? ` (${String(lastErr)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
