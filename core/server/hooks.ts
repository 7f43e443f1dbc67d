import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, SyncHook } from 'tapable';
import type { ApiResponse, Handler, RequestContext } from '../pipeline/types';
import type { Server } from './server';

/**
 * The Server's own hooks, declared once and frozen; their types are inferred from the
 * constructors. Every hook has a row in hooks/README.md.
 */
export function createServerHooks() {
  return Object.freeze({
    // lifecycle
    /** every enabled plugin has been applied; check cross-plugin wiring (sync) */
    afterPlugins: new SyncHook<[Server]>(['server']),
    /** async start-up before the listener opens (storage, registries), by LifecycleStage */
    initialize: new AsyncSeriesHook<[Server]>(['server']),
    /** after the listener opens; each tap is published as readiness check `poststarthook/<name>` */
    postStart: new AsyncParallelHook<[Server]>(['server']),
    /** shutdown began: readiness already fails; stop accepting work */
    preShutdown: new AsyncSeriesHook<[Server]>(['server']),
    /** in-flight requests drained: release resources, by LifecycleStage (storage last) */
    shutdown: new AsyncSeriesHook<[Server]>(['server']),
    // request pipeline
    /** fill or amend ctx.requestInfo (the core parses Kubernetes URLs before any tap) */
    requestInfo: new SyncHook<[RequestContext]>(['ctx']),
    /** the filter chain by FilterStage; return a response to stop the request there */
    filter: new AsyncSeriesBailHook<[RequestContext], ApiResponse | undefined>(['ctx']),
    /** the delegation chain by HandlerStage; the first tap to return a Handler serves the request */
    resolveHandler: new AsyncSeriesBailHook<[RequestContext], Handler | undefined>(['ctx']),
    /** the response is decided (audit, metrics); taps must not throw */
    responded: new SyncHook<[RequestContext, ApiResponse]>(['ctx', 'response']),
  });
}

export type ServerHooks = ReturnType<typeof createServerHooks>;
