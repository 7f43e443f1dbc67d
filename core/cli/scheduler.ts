import path from 'node:path';
import { parseArgs } from 'node:util';
import { builtinPlugins } from '../../plugins';
import { loadConfig } from '../config/load';
import type { PluginEntry } from '../plugin/resolve';
import { buildServer } from '../server/bootstrap';
import type { Server } from '../server/server';
import { fail, UsageError } from './main';

export const SCHEDULER_HELP = `Usage: k8ts scheduler --kubeconfig FILE [flags]

Run the scheduler as its own process against a remote apiserver (HTTPS with the kubeconfig's
client certificate or token). Only the plugins of area "scheduler" apply, with the profiles of the
Configuration's top-level scheduler: section; there is no listener. Leader election on the Lease
kube-system/kube-scheduler makes several replicas (and the one inside "k8ts up") safe: only the
leader schedules.

Flags:
  --kubeconfig FILE   kubeconfig of the apiserver to run against (required)
  --config FILE       Configuration YAML: its scheduler: and plugins.scheduler sections are used
  -h, --help          show this help
`;

const AREA = 'scheduler';
const COMPONENT = 'Scheduler';

export async function schedulerCommand(args: string[]): Promise<void> {
  let values: { kubeconfig?: string; config?: string; help?: boolean };
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { kubeconfig: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    throw new UsageError(`scheduler: ${(err as Error).message.split('\n')[0]} (see k8ts scheduler --help)`);
  }
  if (values.help) {
    process.stdout.write(SCHEDULER_HELP);
    return;
  }
  if (!values.kubeconfig) throw new UsageError('scheduler: --kubeconfig is required (see k8ts scheduler --help)');
  const kubeconfig = path.resolve(values.kubeconfig);
  const loaded = loadConfig(values.config);
  const config = loaded.config;
  // this process stores nothing and hosts no node: the apiserver it talks to does
  config.storage = { backend: 'memory' };
  config.nodes = [];
  const set = config.plugins[AREA] ?? {};
  const enabled: PluginEntry[] = [...(set.enabled ?? [])];
  const i = enabled.findIndex((e) => (typeof e === 'string' ? e : e.name) === COMPONENT);
  const prior = i >= 0 && typeof enabled[i] !== 'string' ? ((enabled[i] as { options?: Record<string, unknown> }).options ?? {}) : {};
  const entry = { name: COMPONENT, options: { ...prior, kubeconfig } };
  if (i >= 0) enabled[i] = entry;
  else enabled.push(entry);
  config.plugins = { [AREA]: { ...set, enabled } };

  const built = buildServer({ loaded, builtins: builtinPlugins.filter((p) => p.area === AREA) });
  const server: Server = built.server;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`k8ts scheduler: ${signal}: shutting down\n`);
    server
      .stop(0)
      .then(() => process.exit(0))
      .catch((err) => fail(err));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await server.initialize();
  await server.started();
  const profiles = (config.scheduler?.profiles ?? []).map((p) => p.schedulerName).join(', ') || 'default-scheduler';
  process.stdout.write(`k8ts scheduler is running against the apiserver of ${kubeconfig} (profiles: ${profiles})\n`);
}
