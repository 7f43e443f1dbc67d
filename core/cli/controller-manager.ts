import path from 'node:path';
import { parseArgs } from 'node:util';
import { builtinPlugins } from '../../plugins';
import { loadConfig } from '../config/load';
import type { PluginEntry } from '../plugin/resolve';
import { buildServer } from '../server/bootstrap';
import type { Server } from '../server/server';
import { fail, UsageError } from './main';

export const CONTROLLER_MANAGER_HELP = `Usage: k8ts controller-manager --kubeconfig FILE [flags]

Run the controller-manager as its own process against a remote apiserver (HTTPS with the
kubeconfig's client certificate or token). Only the plugins of area "controllers" apply; there is
no listener. Leader election on the Lease kube-system/kube-controller-manager makes several
replicas (and the one inside "k8ts up") safe: only the leader acts.

Flags:
  --kubeconfig FILE   kubeconfig of the apiserver to run against (required)
  --config FILE       Configuration YAML: its plugins.controllers section is used
  -h, --help          show this help
`;

const AREA = 'controllers';
const MANAGER = 'ControllerManager';

export async function controllerManagerCommand(args: string[]): Promise<void> {
  let values: { kubeconfig?: string; config?: string; help?: boolean };
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { kubeconfig: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    throw new UsageError(`controller-manager: ${(err as Error).message.split('\n')[0]} (see k8ts controller-manager --help)`);
  }
  if (values.help) {
    process.stdout.write(CONTROLLER_MANAGER_HELP);
    return;
  }
  if (!values.kubeconfig) throw new UsageError('controller-manager: --kubeconfig is required (see k8ts controller-manager --help)');
  const kubeconfig = path.resolve(values.kubeconfig);
  const loaded = loadConfig(values.config);
  const config = loaded.config;
  // this process stores nothing: the apiserver it talks to does
  config.storage = { backend: 'memory' };
  const set = config.plugins[AREA] ?? {};
  const enabled: PluginEntry[] = [...(set.enabled ?? [])];
  const i = enabled.findIndex((e) => (typeof e === 'string' ? e : e.name) === MANAGER);
  const prior = i >= 0 && typeof enabled[i] !== 'string' ? ((enabled[i] as { options?: Record<string, unknown> }).options ?? {}) : {};
  const entry = { name: MANAGER, options: { ...prior, kubeconfig } };
  if (i >= 0) enabled[i] = entry;
  else enabled.push(entry);
  config.plugins = { [AREA]: { ...set, enabled } };

  const built = buildServer({ loaded, builtins: builtinPlugins.filter((p) => p.area === AREA) });
  const server: Server = built.server;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`k8ts controller-manager: ${signal}: shutting down\n`);
    server
      .stop(0)
      .then(() => process.exit(0))
      .catch((err) => fail(err));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await server.initialize();
  await server.started();
  process.stdout.write(`k8ts controller-manager is running against the apiserver of ${kubeconfig} (controllers: ${built.plugins.filter((p) => p.plugin.area === AREA).map((p) => p.plugin.name).join(', ')})\n`);
}
