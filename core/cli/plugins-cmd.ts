import { parseArgs } from 'node:util';
import pino from 'pino';
import { builtinPlugins } from '../../plugins';
import { loadConfig } from '../config/load';
import { buildServer } from '../server/bootstrap';
import { UsageError } from './main';

/** `k8ts plugins [--config f]`: every hook point with its taps, every plugin with area, state, options. */
export async function pluginsCommand(args: string[]): Promise<void> {
  let values: { config?: string; help?: boolean };
  try {
    values = parseArgs({ args, strict: true, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    throw new UsageError(`plugins: ${(err as Error).message.split('\n')[0]}`);
  }
  if (values.help) {
    process.stdout.write('Usage: k8ts plugins [--config FILE]\n\nList every hook point with its taps (name@stage) and every plugin.\n');
    return;
  }
  const loaded = loadConfig(values.config);
  const { server, plugins, catalogue } = buildServer({ loaded, builtins: builtinPlugins, logger: pino({ level: 'silent' }) });
  const out: string[] = ['HOOK POINTS'];
  for (const point of server.hookIndex.list()) {
    const taps = point.hook.taps.map((t) => `${t.name}@${t.stage ?? 0}`);
    out.push(`  ${point.name} (${point.kind}): ${taps.length ? taps.join(', ') : '-'}`);
  }
  out.push('', 'PLUGINS');
  const enabled = new Map(plugins.map((r) => [`${r.plugin.area}/${r.plugin.name}`, r]));
  for (const [area, byName] of [...catalogue].sort(([a], [b]) => a.localeCompare(b))) {
    for (const name of byName.keys()) {
      const r = enabled.get(`${area}/${name}`);
      out.push(`  ${area}/${name} ${r ? 'enabled' : 'disabled'}${r ? ` options=${JSON.stringify(r.options)}` : ''}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
