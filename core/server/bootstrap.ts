import path from 'node:path';
import pino, { type Logger } from 'pino';
import { LifecycleStage } from '../../hooks/stages';
import type { LoadedConfig } from '../config/load';
import { ConfigError } from '../config/errors';
import { addToCatalogue, type Catalogue, type PluginDefinition } from '../plugin/define';
import { loadPluginDirs } from '../plugin/dropin';
import { resolvePlugins, type ResolvedPlugin } from '../plugin/resolve';
import { openStorage } from '../storage';
import { Server } from './server';

const CORE = 'Core';

export interface BuildOptions {
  loaded: LoadedConfig;
  /** the built-in plugins (plugins/index.ts) */
  builtins: readonly PluginDefinition<any>[];
  /** overrides config.dataDir */
  dataDir?: string;
  logger?: Logger;
}

export interface Built {
  server: Server;
  plugins: ResolvedPlugin[];
  catalogue: Catalogue;
}

/**
 * Config -> plugins -> Server: build the catalogue (built-ins + drop-ins), resolve the enabled sets,
 * create the Server, tap the core's own lifecycle work (storage), apply every plugin, `afterPlugins`.
 * Pure and synchronous: nothing is opened or written here.
 */
export function buildServer(opts: BuildOptions): Built {
  const { config, file, baseDir } = opts.loaded;
  const catalogue: Catalogue = new Map();
  addToCatalogue(catalogue, opts.builtins, 'plugins/index.ts');
  const dropins = loadPluginDirs(config.pluginDirs, baseDir, file);
  try {
    addToCatalogue(catalogue, dropins, 'pluginDirs');
  } catch (err) {
    throw new ConfigError(file, 'pluginDirs', (err as Error).message.replace(/^pluginDirs: /, ''));
  }
  const plugins = resolvePlugins(catalogue, config.plugins, file);
  const dataDir = path.resolve(opts.dataDir ?? config.dataDir);
  const logger = opts.logger ?? pino({ level: config.logLevel, base: undefined }, pino.destination(2));
  const server = new Server({ config: config as unknown as Record<string, unknown>, dataDir, logger });

  server.hooks.initialize.tapPromise({ name: CORE, stage: LifecycleStage.STORAGE }, async () => {
    server.storage = await openStorage(config.storage, dataDir);
  });
  server.hooks.shutdown.tapPromise({ name: CORE, stage: LifecycleStage.STORAGE_CLOSE }, async () => {
    if (server.hasStorage) await server.storage.close();
  });

  for (const r of plugins) {
    try {
      r.plugin.apply(server, r.options);
    } catch (err) {
      throw new ConfigError(file, r.source, `plugin ${r.plugin.area}/${r.plugin.name} failed to apply: ${(err as Error).message}`);
    }
  }
  server.hooks.afterPlugins.call(server);
  return { server, plugins, catalogue };
}
