/**
 * One component of the control plane (the controller-manager, the scheduler) as its own process
 * against a remote apiserver: only the plugins of its area apply, the component plugin gets the
 * kubeconfig as an option, and nothing is stored or listened on here.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { builtinPlugins } from '../../plugins';
import type { Configuration } from '../config/schema';
import { loadConfig } from '../config/load';
import type { PluginEntry } from '../plugin/resolve';
import { buildServer, type Built } from '../server/bootstrap';
import { fail, UsageError } from './main';

export interface ComponentCommand {
  /** the subcommand, e.g. `scheduler` */
  command: string;
  help: string;
  /** the plugin area that runs in the process */
  area: string;
  /** the component plugin that takes the `kubeconfig` option */
  component: string;
  /** adjust the loaded Configuration before the server is built (e.g. host no node) */
  prepare?(config: Configuration): void;
  /** what the "is running" line says in parentheses */
  describe(built: Built, config: Configuration): string;
}

export async function runComponentCommand(spec: ComponentCommand, args: string[]): Promise<void> {
  const { command, area } = spec;
  let values: { kubeconfig?: string; config?: string; help?: boolean };
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { kubeconfig: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message.split('\n')[0]} (see k8ts ${command} --help)`);
  }
  if (values.help) {
    process.stdout.write(spec.help);
    return;
  }
  if (!values.kubeconfig) throw new UsageError(`${command}: --kubeconfig is required (see k8ts ${command} --help)`);
  const kubeconfig = path.resolve(values.kubeconfig);
  const loaded = loadConfig(values.config);
  const config = loaded.config;
  // this process stores nothing: the apiserver it talks to does
  config.storage = { backend: 'memory' };
  spec.prepare?.(config);
  const set = config.plugins[area] ?? {};
  const enabled: PluginEntry[] = [...(set.enabled ?? [])];
  const i = enabled.findIndex((e) => (typeof e === 'string' ? e : e.name) === spec.component);
  const prior = i >= 0 && typeof enabled[i] !== 'string' ? ((enabled[i] as { options?: Record<string, unknown> }).options ?? {}) : {};
  const entry = { name: spec.component, options: { ...prior, kubeconfig } };
  if (i >= 0) enabled[i] = entry;
  else enabled.push(entry);
  config.plugins = { [area]: { ...set, enabled } };

  const built = buildServer({ loaded, builtins: builtinPlugins.filter((p) => p.area === area) });
  const { server } = built;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`k8ts ${command}: ${signal}: shutting down\n`);
    server
      .stop(0)
      .then(() => process.exit(0))
      .catch((err) => fail(err));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await server.initialize();
  await server.started();
  process.stdout.write(`k8ts ${command} is running against the apiserver of ${kubeconfig} (${spec.describe(built, config)})\n`);
}
