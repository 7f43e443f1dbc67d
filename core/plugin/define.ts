import type { Server } from '../server/server';

/** A JSON schema for a plugin's options (checked with ajv; `default`s are applied). */
export type OptionsSchema = Record<string, unknown>;

export interface PluginDefinition<O = unknown> {
  /** Kubernetes name where one exists (NamespaceLifecycle, NodeResourcesFit...); unique in its area */
  readonly name: string;
  /** filters authn authz resources apiextensions aggregator admission controllers scheduler kubelet proxy dns metrics ... */
  readonly area: string;
  readonly description?: string;
  /** JSON schema of the options; omitted = the plugin takes none */
  readonly optionsSchema?: OptionsSchema;
  /** names of plugins (`name` or `area/name`) that must be enabled too */
  readonly dependencies?: readonly string[];
  /** in the area's default set (default true) */
  readonly enabledByDefault?: boolean;
  /** synchronous: only taps hooks and registers things; async work goes into lifecycle taps */
  apply(server: Server, options: O): void;
}

const NAME = /^[A-Za-z][A-Za-z0-9._-]*$/;

/** Declare a plugin. Validates the shape and freezes it. */
export function definePlugin<O = Record<string, never>>(def: PluginDefinition<O>): PluginDefinition<O> {
  const problem = pluginShapeProblem(def);
  if (problem) throw new Error(`definePlugin: ${problem}`);
  return Object.freeze({ ...def });
}

/** Why `value` is not a plugin definition, or undefined if it is one. */
export function pluginShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const def = value as Partial<PluginDefinition>;
  if (typeof def.name !== 'string' || !NAME.test(def.name)) return `invalid plugin name ${JSON.stringify(def.name)}`;
  if (typeof def.area !== 'string' || !NAME.test(def.area)) return `plugin ${def.name}: invalid area ${JSON.stringify(def.area)}`;
  if (typeof def.apply !== 'function') return `plugin ${def.name}: apply must be a function`;
  if (def.optionsSchema !== undefined && (typeof def.optionsSchema !== 'object' || def.optionsSchema === null)) {
    return `plugin ${def.name}: optionsSchema must be an object`;
  }
  if (def.dependencies !== undefined && !Array.isArray(def.dependencies)) return `plugin ${def.name}: dependencies must be an array`;
  return undefined;
}

/** area -> name -> plugin */
export type Catalogue = Map<string, Map<string, PluginDefinition<any>>>;

/** Build a catalogue from definitions; a duplicate area/name is an error naming `source`. */
export function addToCatalogue(catalogue: Catalogue, plugins: readonly PluginDefinition<any>[], source: string): void {
  for (const p of plugins) {
    let area = catalogue.get(p.area);
    if (!area) catalogue.set(p.area, (area = new Map()));
    if (area.has(p.name)) throw new Error(`${source}: plugin ${p.area}/${p.name} is defined twice`);
    area.set(p.name, p);
  }
}
