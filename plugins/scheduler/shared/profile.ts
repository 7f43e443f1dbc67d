/**
 * Scheduling profiles: for each profile and extension point, the registered plugins enabled by
 * default (defaultPoints, in catalogue order) merged with the profile's `enabled` / `disabled`
 * lists by the Kubernetes scheduler's rules, which core/plugin/resolve.ts implements for plugin
 * areas: `"*"` disables every default, a re-listed default is reconfigured in place (its weight),
 * others are appended in YAML order. Errors name the YAML path.
 */
import { ConfigError } from '../../../core/config/errors';
import type { SchedulerConfiguration, SchedulerProfileConfig } from '../../../core/config/scheduler';
import type { Catalogue, PluginDefinition } from '../../../core/plugin/define';
import { resolvePlugins, type AreaPluginSet } from '../../../core/plugin/resolve';
import type { RegisteredSchedulerPlugin } from './define';
import type { ResolvedProfile } from './framework';
import { EXTENSION_POINTS, type ExtensionPoint } from './hooks';

const weightSchema = { type: 'object', additionalProperties: false, properties: { weight: { type: 'integer', minimum: 0, maximum: 100 } } };

/** Points where only one plugin may be enabled. */
const SINGLE: ReadonlySet<ExtensionPoint> = new Set(['queueSort']);

export function resolveProfile(profile: SchedulerProfileConfig, registered: readonly RegisteredSchedulerPlugin[], file: string, path: string): ResolvedProfile {
  // one pseudo-catalogue per profile: an "area" per extension point, a pseudo-plugin per registered plugin implementing it
  const catalogue: Catalogue = new Map();
  const weights = new Map<string, number>();
  for (const point of EXTENSION_POINTS) {
    const m = new Map<string, PluginDefinition<any>>();
    for (const r of registered) {
      if (!r.implements.has(point)) continue;
      m.set(r.name, { name: r.name, area: point, enabledByDefault: r.defaultPoints.has(point), optionsSchema: point === 'score' ? weightSchema : undefined, apply: () => undefined });
      weights.set(r.name, r.defaultWeight);
    }
    catalogue.set(point, m);
  }
  const sets: Record<string, AreaPluginSet> = {};
  for (const [point, set] of Object.entries(profile.plugins ?? {})) {
    sets[point] = {
      disabled: (set.disabled ?? []).map((d) => (typeof d === 'string' ? d : d.name)),
      enabled: (set.enabled ?? []).map((e) => (typeof e === 'string' ? e : { name: e.name, options: point === 'score' && e.weight !== undefined ? { weight: e.weight } : undefined })),
    };
  }
  let resolved;
  try {
    resolved = resolvePlugins(catalogue, sets, file);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(file, `${path}.${err.path.replace(/^plugins\./, 'plugins.')}`, err.detail);
    throw err;
  }
  const points = Object.fromEntries(EXTENSION_POINTS.map((p) => [p, [] as Array<{ name: string; weight: number }>])) as ResolvedProfile['points'];
  for (const r of resolved) {
    const point = r.plugin.area as ExtensionPoint;
    const w = (r.options as { weight?: number } | undefined)?.weight;
    points[point].push({ name: r.plugin.name, weight: w === undefined || w === 0 ? (weights.get(r.plugin.name) ?? 1) : w });
  }
  for (const p of SINGLE) {
    if (points[p].length > 1) throw new ConfigError(file, `${path}.plugins.${p}`, `only one ${p} plugin may be enabled (got ${points[p].map((x) => x.name).join(', ')})`);
  }
  const pluginConfig: ResolvedProfile['pluginConfig'] = {};
  for (const pc of profile.pluginConfig ?? []) pluginConfig[pc.name] = pc.args ?? {};
  return { schedulerName: profile.schedulerName, points, pluginConfig };
}

export function resolveProfiles(config: SchedulerConfiguration | undefined, registered: readonly RegisteredSchedulerPlugin[], file: string): ResolvedProfile[] {
  const profiles = config?.profiles?.length ? config.profiles : [{ schedulerName: 'default-scheduler' }];
  const seen = new Set<string>();
  return profiles.map((p, i) => {
    const path = `scheduler.profiles[${i}]`;
    if (seen.has(p.schedulerName)) throw new ConfigError(file, `${path}.schedulerName`, `duplicate schedulerName "${p.schedulerName}"`);
    seen.add(p.schedulerName);
    return resolveProfile(p, registered, file, path);
  });
}
