/**
 * Test support for controllers (not a test): start k8ts with the built-in catalogue on memory
 * storage, a client, and `eventually` (poll with a deadline) for bounded waits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inProcessClient, type Client } from '../../../core/client';
import type { Started } from '../../../core/cli/start';
import type { PluginDefinition } from '../../../core/plugin/define';
import { useTestServers } from '../../../test/helpers/kernel';

export interface TestCluster {
  started: Started;
  client: Client;
  dir: string;
}

/** Call in a describe: `start()` gives a running k8ts (stopped after each test). */
export function useControllerCluster(): { start(config?: Record<string, unknown>, extraPlugins?: PluginDefinition<any>[]): Promise<TestCluster> } {
  const servers = useTestServers();
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return {
    async start(config = {}, extraPlugins = []) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ctrl-'));
      dirs.push(dir);
      const started = await servers.start({ dir, config, extraPlugins });
      return { started, client: inProcessClient(started.server), dir };
    },
  };
}

/** Poll `fn` until it returns a truthy value (or stops throwing); fail after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
