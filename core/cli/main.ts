import { ConfigError } from '../config/errors';
import { pluginsCommand } from './plugins-cmd';
import { upCommand } from './up';

const USAGE = `Usage: k8ts <command> [flags]

Commands:
  up        start k8ts (apiserver and every enabled component) on the embedded default
  plugins   list every hook point with its taps, and every plugin with its options
  hooks     test Hook documents offline (hooks test), list hook points and DSL hooks (hooks list)
  scheduler run the scheduler alone against an apiserver (--kubeconfig FILE)

Run 'k8ts <command> --help' for the flags of a command.
`;

/** Thrown for bad command lines; printed as one line, exit 2. */
export class UsageError extends Error {}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'up':
        await upCommand(rest);
        return;
      case 'controller-manager': return await (await import('./controller-manager')).controllerManagerCommand(rest);
      case 'scheduler': return await (await import('./scheduler')).schedulerCommand(rest);
      case 'hooks': return await (await import('./hooks')).hooksCommand(rest);
      case 'plugins':
        await pluginsCommand(rest);
        return;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return;
      default:
        throw new UsageError(`unknown command "${command}" (known: up, plugins, hooks)`);
    }
  } catch (err) {
    fail(err);
  }
}

/** One clear line on stderr and a non-zero exit. */
export function fail(err: unknown): never {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`k8ts: ${msg.split('\n')[0]}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
}

export { ConfigError };
