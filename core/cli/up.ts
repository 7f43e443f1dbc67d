import path from 'node:path';
import { parseArgs } from 'node:util';
import { builtinPlugins } from '../../plugins';
import { loadConfig } from '../config/load';
import { fail, UsageError } from './main';
import type { Server } from '../server/server';
import { startK8ts } from './start';

export const UP_HELP = `Usage: k8ts up [flags]

Start k8ts: the apiserver and every enabled component, on the embedded SQLite store by default.

Flags:
  --config FILE         Configuration YAML (default: the embedded default)
  --port N              API port (default 6443; 0 picks a free port and prints it)
  --bind-address ADDR   address to listen on (default 127.0.0.1)
  --data-dir DIR        state, certificates and kubeconfig (default .k8ts)
  --insecure-http       serve plain HTTP instead of HTTPS (local experiments only)
  --simulated-nodes N   host N simulated nodes k8ts-node-0 … k8ts-node-<N-1> (replaces nodes: of the config)
  -h, --help            show this help
`;

export async function upCommand(args: string[]): Promise<void> {
  const values = parseFlags(args);
  if (values.help) {
    process.stdout.write(UP_HELP);
    return;
  }
  const loaded = loadConfig(values.config);
  const api = loaded.config.apiserver;
  if (values.port !== undefined) api.port = parsePort(values.port);
  if (values['bind-address'] !== undefined) api.bindAddress = values['bind-address'];
  if (values['insecure-http']) api.insecureHttp = true;
  if (values['data-dir'] !== undefined) loaded.config.dataDir = values['data-dir'];
  if (values['simulated-nodes'] !== undefined) loaded.config.nodes = parseSimulatedNodes(values['simulated-nodes']);

  // signal handlers go in before anything starts: a SIGTERM that arrives while starting (or right
  // after the URL is printed) is a graceful stop, never the default kill
  let server: Server | undefined;
  let signalled: NodeJS.Signals | undefined;
  const shutdown = (s: Server) =>
    s
      .stop(loaded.config.apiserver.drainTimeoutSeconds * 1000)
      .then(() => process.exit(0))
      .catch((err) => fail(err));
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`k8ts: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    signalled = signal;
    process.stdout.write(`k8ts: ${signal}: shutting down\n`);
    if (server) void shutdown(server);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = await startK8ts({ loaded, builtins: builtinPlugins });
  server = started.server;
  if (signalled) {
    void shutdown(server);
    return;
  }
  const { listener, kubeconfigPath } = started;
  const rel = path.relative(process.cwd(), kubeconfigPath) || kubeconfigPath;
  process.stdout.write(`k8ts is running at ${listener.url} (storage: ${loaded.config.storage.backend}, data: ${server.dataDir})\n`);
  process.stdout.write(`kubectl --kubeconfig ${rel.startsWith('..') ? kubeconfigPath : rel} get --raw /version\n`);
}

type UpFlags = { config?: string; port?: string; 'bind-address'?: string; 'data-dir'?: string; 'insecure-http'?: boolean; 'simulated-nodes'?: string; help?: boolean };

function parseFlags(args: string[]): UpFlags {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        'bind-address': { type: 'string' },
        'data-dir': { type: 'string' },
        'insecure-http': { type: 'boolean' },
        'simulated-nodes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values as UpFlags;
  } catch (err) {
    throw new UsageError(`up: ${(err as Error).message.split('\n')[0]} (see k8ts up --help)`);
  }
}

function parseSimulatedNodes(v: string): Array<{ name: string; count: number; runtime: string }> {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 16384) throw new UsageError(`up: --simulated-nodes: "${v}" is not a node count (0-16384)`);
  return n === 0 ? [] : [{ name: 'k8ts-node', count: n, runtime: 'simulated' }];
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`up: --port: "${v}" is not a port number (0-65535)`);
  return n;
}
