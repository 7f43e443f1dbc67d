import Ajv, { type ErrorObject } from 'ajv';
import { ConfigError } from '../config/errors';
import type { Catalogue, PluginDefinition } from './define';

/** A plugin named in YAML: `Name` or `{ name: Name, options: {...} }`. */
export type PluginEntry = string | { name: string; options?: unknown };

/** Per-area lists in the `plugins:` section. */
export interface AreaPluginSet {
  enabled?: PluginEntry[];
  disabled?: string[];
}

export interface ResolvedPlugin {
  plugin: PluginDefinition<any>;
  options: unknown;
  /** where it came from: `default` or the YAML path of its entry */
  source: string;
}

const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: false });

/**
 * The Kubernetes scheduler's merge rules, per area: defaults in catalogue order; `"*"` in disabled
 * drops every default; a default re-listed in enabled is reconfigured in place; others append in
 * YAML order. Options are validated (with defaults) against each plugin's schema; dependencies checked.
 */
export function resolvePlugins(catalogue: Catalogue, sets: Record<string, AreaPluginSet> | undefined, file: string): ResolvedPlugin[] {
  const all: ResolvedPlugin[] = [];
  for (const area of Object.keys(sets ?? {})) {
    if (!catalogue.has(area)) {
      throw new ConfigError(file, `plugins.${area}`, `unknown plugin area "${area}" (known: ${[...catalogue.keys()].sort().join(', ')})`);
    }
  }
  for (const [area, plugins] of catalogue) {
    all.push(...resolveArea(area, plugins, sets?.[area] ?? {}, file));
  }
  checkDependencies(all, file);
  return all;
}

function resolveArea(area: string, plugins: Map<string, PluginDefinition<any>>, set: AreaPluginSet, file: string): ResolvedPlugin[] {
  const base = `plugins.${area}`;
  const disabled = new Set(set.disabled ?? []);
  (set.disabled ?? []).forEach((name, i) => {
    if (name !== '*' && !plugins.has(name)) throw unknownPlugin(file, `${base}.disabled[${i}]`, area, name, plugins);
  });
  const enabled = new Map<string, { options: unknown; path: string }>();
  (set.enabled ?? []).forEach((entry, i) => {
    const path = `${base}.enabled[${i}]`;
    const name = typeof entry === 'string' ? entry : entry.name;
    if (!plugins.has(name)) throw unknownPlugin(file, path, area, name, plugins);
    if (enabled.has(name)) throw new ConfigError(file, path, `plugin "${name}" is enabled twice`);
    enabled.set(name, { options: typeof entry === 'string' ? undefined : entry.options, path });
  });

  const out: ResolvedPlugin[] = [];
  const placed = new Set<string>();
  for (const [name, plugin] of plugins) {
    if (plugin.enabledByDefault === false) continue;
    if (disabled.has('*') || disabled.has(name)) continue;
    const custom = enabled.get(name);
    out.push(withOptions(plugin, custom?.options, custom ? custom.path : `${base}(default ${name})`, file));
    placed.add(name);
  }
  for (const [name, { options, path }] of enabled) {
    if (placed.has(name)) continue;
    out.push(withOptions(plugins.get(name)!, options, path, file));
  }
  return out;
}

function withOptions(plugin: PluginDefinition<any>, raw: unknown, path: string, file: string): ResolvedPlugin {
  const options = structuredClone(raw ?? {});
  if (plugin.optionsSchema) {
    let validate: ReturnType<typeof ajv.compile>;
    try {
      validate = ajv.compile(plugin.optionsSchema);
    } catch (err) {
      throw new ConfigError(file, path, `plugin ${plugin.area}/${plugin.name}: invalid optionsSchema: ${(err as Error).message.split('\n')[0]}`);
    }
    if (!validate(options)) {
      const err = validate.errors?.[0];
      throw new ConfigError(file, `${path}.options${ajvPath(err)}`, `plugin ${plugin.area}/${plugin.name}: ${ajvMessage(err)}`);
    }
  } else if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Object.keys(raw).length > 0)) {
    throw new ConfigError(file, `${path}.options`, `plugin ${plugin.area}/${plugin.name} takes no options`);
  }
  return { plugin, options, source: path };
}

function checkDependencies(all: ResolvedPlugin[], file: string): void {
  const names = new Set<string>();
  for (const r of all) {
    names.add(r.plugin.name);
    names.add(`${r.plugin.area}/${r.plugin.name}`);
  }
  for (const r of all) {
    for (const dep of r.plugin.dependencies ?? []) {
      if (!names.has(dep)) {
        throw new ConfigError(file, r.source, `plugin ${r.plugin.area}/${r.plugin.name} requires plugin "${dep}", which is not enabled`);
      }
    }
  }
}

function unknownPlugin(file: string, path: string, area: string, name: string, plugins: Map<string, unknown>): ConfigError {
  return new ConfigError(file, path, `unknown plugin "${name}" in area ${area} (known: ${[...plugins.keys()].join(', ')})`);
}

/** `/a/0/b` -> `.a[0].b` */
export function ajvPath(err: ErrorObject | undefined): string {
  if (!err) return '';
  let path = err.instancePath
    .split('/')
    .slice(1)
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
  if (err.keyword === 'additionalProperties') path += `.${String(err.params.additionalProperty)}`;
  if (err.keyword === 'required') path += `.${String(err.params.missingProperty)}`;
  return path;
}

export function ajvMessage(err: ErrorObject | undefined): string {
  if (!err) return 'invalid';
  switch (err.keyword) {
    case 'enum':
      return `must be one of: ${(err.params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'additionalProperties':
      return 'unknown field';
    case 'required':
      return 'required field is missing';
    default:
      return err.message ?? 'invalid';
  }
}
