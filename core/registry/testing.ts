/**
 * Test support for the API machinery (not a test): a Server on the memory storage with the
 * KubeAPIServer plugin and the resource definitions a test registers, plus watch helpers.
 * Resource plugins can use it to test their definitions without the rest of the catalogue.
 */
import os from 'node:os';
import pino from 'pino';
import KubeAPIServer, { type KubeAPIServerOptions } from '../../plugins/apiserver/rest';
import { LifecycleStage } from '../../hooks/stages';
import type { InjectResponse } from '../pipeline/types';
import { Server } from '../server/server';
import { openMemoryStorage } from '../storage/memory';
import type { Storage } from '../storage/types';
import { getResourceRegistry } from './registry';
import type { ResourceDefinition } from './types';

export interface TestServerOptions {
  resources?: readonly ResourceDefinition[];
  plugin?: KubeAPIServerOptions;
  /** defaults to a fresh memory storage */
  storage?: () => Storage | Promise<Storage>;
  /** extra wiring before initialize (tap hooks, register more) */
  setup?: (server: Server) => void;
}

/** A started Server with the REST plugin; call `server.stop()` when done. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<Server> {
  const server = new Server({ config: {}, dataDir: os.tmpdir(), logger: pino({ level: 'silent' }) });
  server.hooks.initialize.tapPromise({ name: 'TestStorage', stage: LifecycleStage.STORAGE }, async () => {
    server.storage = opts.storage ? await opts.storage() : openMemoryStorage();
  });
  server.hooks.shutdown.tapPromise({ name: 'TestStorage', stage: LifecycleStage.STORAGE_CLOSE }, async () => {
    if (server.hasStorage) await server.storage.close();
  });
  KubeAPIServer.apply(server, opts.plugin ?? {});
  const registry = getResourceRegistry(server);
  for (const def of opts.resources ?? []) registry.register(def);
  opts.setup?.(server);
  server.hooks.afterPlugins.call(server);
  await server.initialize();
  await server.started();
  return server;
}

export interface WatchEventLine {
  type: string;
  object: Record<string, any>;
}

/** A watch opened with server.inject: events as they arrive, `waitFor`, `close`. */
export interface TestWatch {
  readonly events: WatchEventLine[];
  readonly status: Promise<number>;
  /** resolves once `n` events arrived (rejects after `timeoutMs`) */
  waitFor(n: number, timeoutMs?: number): Promise<WatchEventLine[]>;
  /** resolves when the server ended the stream */
  readonly ended: Promise<InjectResponse>;
  close(): Promise<void>;
}

export function openWatch(server: Server, url: string, headers: Record<string, string> = {}): TestWatch {
  const events: WatchEventLine[] = [];
  const abort = new AbortController();
  let buf = '';
  let waiters: Array<() => void> = [];
  const ended = server.inject({
    method: 'GET',
    url,
    headers,
    signal: abort.signal,
    onChunk: (chunk) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) events.push(JSON.parse(line) as WatchEventLine);
      }
      waiters.forEach((w) => w());
    },
  });
  let endedFlag = false;
  void ended.finally(() => {
    endedFlag = true;
    waiters.forEach((w) => w());
  });
  return {
    events,
    status: ended.then((r) => r.status),
    ended,
    waitFor(n, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (events.length >= n) {
            waiters = waiters.filter((w) => w !== check);
            clearTimeout(timer);
            resolve(events.slice(0, n));
          } else if (endedFlag) {
            waiters = waiters.filter((w) => w !== check);
            clearTimeout(timer);
            reject(new Error(`watch ended after ${events.length} events, wanted ${n}: ${JSON.stringify(events.map((e) => e.type))}`));
          }
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(new Error(`timed out with ${events.length} events, wanted ${n}: ${JSON.stringify(events.map((e) => e.type))}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async close() {
      abort.abort();
      await ended.catch(() => undefined);
    },
  };
}
