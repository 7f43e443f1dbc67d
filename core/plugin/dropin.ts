import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors';
import { pluginShapeProblem, type PluginDefinition } from './define';

const MODULE_EXT = new Set(['.js', '.cjs']);

/**
 * Load every plugin module in the `pluginDirs` directories: `*.js`/`*.cjs` files and folders with
 * an index.js or package.json, in name order. A module exports a plugin (`module.exports = def`,
 * `exports.default`), an array of them, or `{ plugins: [...] }`.
 */
export function loadPluginDirs(dirs: readonly string[], baseDir: string, file: string): PluginDefinition<any>[] {
  const out: PluginDefinition<any>[] = [];
  dirs.forEach((dir, i) => {
    const at = `pluginDirs[${i}]`;
    const abs = path.resolve(baseDir, dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      throw new ConfigError(file, at, `cannot read plugin directory ${abs}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const modulePath = path.join(abs, entry.name);
      const isModule = entry.isFile() ? MODULE_EXT.has(path.extname(entry.name)) : entry.isDirectory() && isPackageDir(modulePath);
      if (!isModule || entry.name.startsWith('.')) continue;
      out.push(...loadModule(modulePath, `${at}: ${modulePath}`, file));
    }
  });
  return out;
}

function isPackageDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'index.js')) || fs.existsSync(path.join(dir, 'package.json'));
}

function loadModule(modulePath: string, where: string, file: string): PluginDefinition<any>[] {
  let exported: unknown;
  try {
    exported = require(modulePath);
  } catch (err) {
    throw new ConfigError(file, where, `failed to load: ${firstLine(err)}`);
  }
  const candidates = toList(exported);
  if (candidates.length === 0) throw new ConfigError(file, where, 'exports no plugin (module.exports = definePlugin({...}))');
  for (const c of candidates) {
    const problem = pluginShapeProblem(c);
    if (problem) throw new ConfigError(file, where, `not a plugin: ${problem}`);
  }
  return candidates as PluginDefinition<any>[];
}

function toList(exported: unknown): unknown[] {
  if (Array.isArray(exported)) return exported;
  if (typeof exported !== 'object' || exported === null) return [exported];
  const mod = exported as { default?: unknown; plugins?: unknown; apply?: unknown };
  if (typeof mod.apply === 'function') return [mod];
  if (Array.isArray(mod.plugins)) return mod.plugins;
  if (mod.default !== undefined) return toList(mod.default);
  return [];
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0];
}
