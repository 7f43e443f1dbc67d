import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks, getResourceRegistry } from '../../../core/registry/registry';
import { resolveResourceHandler, unknownResourceHandler } from '../../../core/registry/handler';
import { allStores, configureStores, dropStore, getStore } from '../../../core/registry/store';
import { DEFAULT_WATCH_CACHE_OPTIONS } from '../../../core/registry/watch-cache';
import { DEFAULT_WATCH_SETTINGS, type WatchSettings } from '../../../core/registry/watch-serve';
import type { Server } from '../../../core/server/server';
import { HandlerStage, LifecycleStage } from '../../../hooks/stages';

const PLUGIN_NAME = 'KubeAPIServer';

export interface KubeAPIServerOptions {
  /** seconds between BOOKMARK events on watches that allow them (default 60) */
  bookmarkIntervalSeconds?: number;
  /** watch cache ring sizing, per resource */
  watchCache?: { minEvents?: number; maxEvents?: number; windowSeconds?: number; resourceVersionWaitSeconds?: number };
}

const optionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    bookmarkIntervalSeconds: { type: 'number', exclusiveMinimum: 0, default: 60 },
    watchCache: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minEvents: { type: 'integer', minimum: 1, default: DEFAULT_WATCH_CACHE_OPTIONS.minEvents },
        maxEvents: { type: 'integer', minimum: 1, default: DEFAULT_WATCH_CACHE_OPTIONS.maxEvents },
        windowSeconds: { type: 'number', minimum: 0, default: DEFAULT_WATCH_CACHE_OPTIONS.windowMs / 1000 },
        resourceVersionWaitSeconds: { type: 'number', minimum: 0, default: DEFAULT_WATCH_CACHE_OPTIONS.resourceVersionWaitMs / 1000 },
      },
      default: {},
    },
  },
};

/** Start the watch caches of every registered resource (storage is open from here on). */
async function startCaches(server: Server): Promise<void> {
  await Promise.all(getResourceRegistry(server).all().map((r) => getStore(server, r).cache.start()));
}

/**
 * kube-apiserver's built-in resources: the generic REST store and its watch caches serve every
 * registered resource (create/get/list/watch/update/patch/delete/deletecollection, /status, /scale,
 * custom subresources) at HandlerStage.BUILTIN.
 */
export default definePlugin<KubeAPIServerOptions>({
  name: PLUGIN_NAME,
  area: 'apiserver',
  description: 'Generic REST store and watch cache serving every registered resource under /api and /apis',
  optionsSchema,
  apply(server, options) {
    const opts = options ?? {};
    const settings: WatchSettings = {
      bookmarkIntervalMs: (opts.bookmarkIntervalSeconds ?? 60) * 1000,
      defaultTimeoutMs: DEFAULT_WATCH_SETTINGS.defaultTimeoutMs,
    };
    const wc = opts.watchCache ?? {};
    configureStores(server, {
      minEvents: wc.minEvents ?? DEFAULT_WATCH_CACHE_OPTIONS.minEvents,
      maxEvents: wc.maxEvents ?? DEFAULT_WATCH_CACHE_OPTIONS.maxEvents,
      windowMs: (wc.windowSeconds ?? DEFAULT_WATCH_CACHE_OPTIONS.windowMs / 1000) * 1000,
      resourceVersionWaitMs: (wc.resourceVersionWaitSeconds ?? DEFAULT_WATCH_CACHE_OPTIONS.resourceVersionWaitMs / 1000) * 1000,
    });
    let initialized = false;

    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.BUILTIN }, (ctx) => resolveResourceHandler(server, ctx, settings));
    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.NOT_FOUND - 1 }, (ctx) => unknownResourceHandler(ctx));

    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.REGISTRY }, async () => {
      await startCaches(server);
      initialized = true;
    });

    // resources come and go at runtime (CRDs): start the caches of new ones, stop removed ones
    getApiHooks(server).resourcesChanged.tap(PLUGIN_NAME, (registry) => {
      const current = new Set(registry.all());
      for (const store of allStores(server)) if (!current.has(store.resource)) dropStore(server, store.resource);
      if (!initialized || !server.hasStorage) return;
      for (const r of current) {
        getStore(server, r)
          .cache.start()
          .catch((err: unknown) => server.logger.warn({ err, resource: r.qualifiedName }, 'watch cache failed to start'));
      }
    });

    server.hooks.shutdown.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.REGISTRY }, async () => {
      for (const store of allStores(server)) store.cache.stop();
    });
  },
});
