import type { Logger } from 'pino';
import { failure, toStatus } from '../api/status';
import { parseRequestInfo } from '../pipeline/request-info';
import type { ApiResponse, InjectRequest, InjectResponse, RequestContext } from '../pipeline/types';
import type { Storage } from '../storage/types';
import { HealthChecks } from './health';
import { HookIndex } from './hook-index';
import { createServerHooks, type ServerHooks } from './hooks';
import { buildContext, runInject } from './inject';

export type ServerState = 'new' | 'initializing' | 'running' | 'stopping' | 'stopped';

export interface ServerOptions {
  /** the validated Configuration (core/config) */
  config: Record<string, unknown> & { storage?: unknown };
  /** where state, certificates and the kubeconfig live */
  dataDir: string;
  logger: Logger;
}

/** A listener the Server drains on stop (core/http creates it). */
export interface Listener {
  readonly url: string;
  /** stop accepting connections; resolves when every connection is closed */
  close(): Promise<void>;
}

const LIFECYCLE = ['afterPlugins', 'initialize', 'postStart', 'preShutdown', 'shutdown'] as const;
const PIPELINE = ['requestInfo', 'filter', 'resolveHandler', 'responded'] as const;

/**
 * The kernel: owns the frozen hook record, the hook-point index, health checks, storage (once
 * initialized) and the request pipeline shared by HTTP and `inject`.
 */
export class Server {
  readonly hooks: ServerHooks = createServerHooks();
  readonly hookIndex = new HookIndex();
  readonly health = new HealthChecks();
  readonly config: ServerOptions['config'];
  readonly dataDir: string;
  readonly logger: Logger;
  private stateValue: ServerState = 'new';
  private storageValue?: Storage;
  private readonly listeners: Listener[] = [];
  private inFlight = 0;
  private readonly drainWaiters: Array<() => void> = [];
  private readonly shutdownController = new AbortController();
  private stopping?: Promise<void>;

  constructor(opts: ServerOptions) {
    this.config = opts.config;
    this.dataDir = opts.dataDir;
    this.logger = opts.logger;
    this.hookIndex.register('lifecycle', pick(this.hooks, LIFECYCLE));
    this.hookIndex.register('apiserver', pick(this.hooks, PIPELINE));
    this.health.add('ping', () => undefined);
    this.health.add(
      'shutdown',
      () => {
        if (this.stateValue === 'stopping' || this.stateValue === 'stopped') throw new Error('server is shutting down');
      },
      ['readyz'],
    );
    this.publishPostStartHooks();
  }

  get state(): ServerState {
    return this.stateValue;
  }

  /** the storage backend; available from LifecycleStage.STORAGE of `initialize` on */
  get storage(): Storage {
    if (!this.storageValue) throw new Error('storage is not initialized yet');
    return this.storageValue;
  }

  set storage(storage: Storage) {
    if (this.storageValue) throw new Error('storage is already set');
    this.storageValue = storage;
  }

  get hasStorage(): boolean {
    return this.storageValue !== undefined;
  }

  /** aborted when the server begins to shut down (long-running requests end on it) */
  get shutdownSignal(): AbortSignal {
    return this.shutdownController.signal;
  }

  /** Run `initialize`; call after every plugin was applied. */
  async initialize(): Promise<void> {
    if (this.stateValue !== 'new') throw new Error(`cannot initialize a server in state ${this.stateValue}`);
    this.stateValue = 'initializing';
    await this.hooks.initialize.promise(this);
  }

  /** Attach a listener to drain on stop. */
  addListener(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Run `postStart`; the server is running (readiness follows each postStart tap). */
  async started(): Promise<void> {
    this.stateValue = 'running';
    await this.hooks.postStart.promise(this);
  }

  /**
   * Graceful stop: readiness fails first, `preShutdown`, listeners stop accepting and in-flight
   * requests drain (at most `drainTimeoutMs`), long-running requests are cut, then `shutdown`.
   */
  stop(drainTimeoutMs = 10_000): Promise<void> {
    // a second caller waits for the same stop
    this.stopping ??= this.doStop(drainTimeoutMs);
    return this.stopping;
  }

  private async doStop(drainTimeoutMs: number): Promise<void> {
    const wasStarted = this.stateValue !== 'new';
    this.stateValue = 'stopping';
    try {
      if (wasStarted) await this.hooks.preShutdown.promise(this);
    } finally {
      const closing = this.listeners.map((l) => l.close());
      await this.drain(drainTimeoutMs);
      this.shutdownController.abort();
      await Promise.allSettled(closing);
      try {
        if (wasStarted) await this.hooks.shutdown.promise(this);
      } finally {
        this.stateValue = 'stopped';
      }
    }
  }

  /** The request pipeline: requestInfo -> filter -> resolveHandler -> handler -> responded. */
  async handle(ctx: RequestContext): Promise<ApiResponse> {
    let response: ApiResponse;
    const counted = !ctx.longRunning;
    if (counted) this.inFlight++;
    try {
      response = await this.pipeline(ctx);
    } catch (err) {
      const status = toStatus(err);
      if (status.code >= 500) this.logger.error({ err, path: ctx.path }, 'request failed');
      response = { status: status.code, body: status };
    } finally {
      if (counted && --this.inFlight === 0) this.drainWaiters.splice(0).forEach((w) => w());
    }
    if (ctx.warnings.length > 0) {
      response.headers = { ...response.headers, Warning: ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
    }
    try {
      this.hooks.responded.call(ctx, response);
    } catch (err) {
      this.logger.error({ err }, 'a responded tap threw');
    }
    return response;
  }

  /** Serve a request in-process through the same pipeline, no socket. */
  async inject(req: InjectRequest): Promise<InjectResponse> {
    const ctx = buildContext(req, this.shutdownSignal);
    this.fillRequestInfo(ctx);
    return runInject(ctx, req, await this.handle(ctx));
  }

  /** The core parses Kubernetes URLs, then `requestInfo` taps may amend. */
  fillRequestInfo(ctx: RequestContext): void {
    ctx.requestInfo = parseRequestInfo(ctx.method, ctx.path, ctx.query);
    ctx.longRunning = isLongRunning(ctx.requestInfo);
    this.hooks.requestInfo.call(ctx);
  }

  private async pipeline(ctx: RequestContext): Promise<ApiResponse> {
    if (this.stateValue === 'stopped') {
      const status = failure('ServiceUnavailable', 'the server is shut down');
      return { status: status.code, body: status };
    }
    const stopped = await this.hooks.filter.promise(ctx);
    if (stopped) return stopped;
    const handler = await this.hooks.resolveHandler.promise(ctx);
    if (!handler) {
      const status = failure('NotFound', 'the server could not find the requested resource', {});
      return { status: status.code, body: status };
    }
    return handler(ctx);
  }

  private drain(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Each postStart tap becomes readiness check `poststarthook/<name>`, failing until it finished. */
  private publishPostStartHooks(): void {
    this.hooks.postStart.intercept({
      register: (tap) => {
        const name = `poststarthook/${tap.name}`;
        let done = false;
        let failed: unknown;
        this.health.add(name, () => {
          if (failed) throw new Error('failed');
          if (!done) throw new Error('not finished');
        });
        const fn = tap.fn as (server: Server) => Promise<void>;
        if (tap.type !== 'promise') throw new Error(`postStart tap ${tap.name} must use tapPromise`);
        return {
          ...tap,
          fn: async (server: Server) => {
            try {
              await fn(server);
              done = true;
            } catch (err) {
              failed = err;
              throw err;
            }
          },
        };
      },
    });
  }
}

/** Kubernetes' long-running request check: these are not counted as in-flight for drain. */
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'log', 'portforward', 'proxy']);
function isLongRunning(info: RequestContext['requestInfo']): boolean {
  return info.verb === 'watch' || info.verb === 'proxy' || LONG_RUNNING_SUBRESOURCES.has(info.subresource);
}

function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = obj[k];
  return out;
}
