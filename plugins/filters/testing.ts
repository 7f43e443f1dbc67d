/** Test helpers for the filter plugins: a bare Server with a handler the test controls. */
import pino from 'pino';
import { HandlerStage } from '../../hooks/stages';
import type { PluginDefinition } from '../../core/plugin/define';
import type { ApiResponse, RequestContext, UserInfo } from '../../core/pipeline/types';
import { Server } from '../../core/server/server';

export interface GatedServer {
  server: Server;
  /** paths in the order their handler started */
  started: string[];
  /** requests whose handler is waiting */
  waiting(): number;
  /** let the oldest waiting handler (or the one for `path`) answer 200 */
  releaseOne(path?: string): void;
  releaseAll(): void;
}

/**
 * A Server with `plugins` applied and a handler for every path that waits until the test releases
 * it (paths under /fast or with ?fast answer at once; /slow/<ms> after ms; /throw throws a TypeError).
 */
export function gatedServer(plugins: Array<[PluginDefinition<any>, Record<string, unknown>]>): GatedServer {
  const server = new Server({ config: {}, dataDir: '/nonexistent', logger: pino({ level: 'silent' }) });
  for (const [p, opts] of plugins) p.apply(server, opts);
  const started: string[] = [];
  const gates: Array<{ path: string; open: () => void }> = [];
  server.hooks.resolveHandler.tapPromise({ name: 'TestHandler', stage: HandlerStage.BUILTIN }, async () => async (ctx: RequestContext): Promise<ApiResponse> => {
    const key = ctx.path + (ctx.query.get('n') ? `#${ctx.query.get('n')}` : '');
    started.push(key);
    if (ctx.path.startsWith('/throw')) throw new TypeError('boom');
    if (ctx.path.startsWith('/slow/')) {
      await new Promise((r) => setTimeout(r, Number(ctx.path.slice(6))));
    } else if (!ctx.path.startsWith('/fast') && !ctx.query.has('fast') && !ctx.longRunning) {
      await new Promise<void>((open) => gates.push({ path: key, open }));
    }
    return { status: 200, body: { kind: 'Ok', path: key, aborted: ctx.signal.aborted } };
  });
  return {
    server,
    started,
    waiting: () => gates.length,
    releaseOne(path) {
      const i = path === undefined ? 0 : gates.findIndex((g) => g.path === path);
      if (i < 0 || gates.length === 0) throw new Error(`no waiting handler ${path ?? ''}`);
      gates.splice(i, 1)[0].open();
    },
    releaseAll() {
      gates.splice(0).forEach((g) => g.open());
    },
  };
}

export const user = (username: string, groups: string[] = ['system:authenticated']): UserInfo => ({ username, groups });

/** Let queued promise callbacks and timers of 0 ms run. */
export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
