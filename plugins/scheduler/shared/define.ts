/**
 * Scheduler framework plugins: `defineSchedulerPlugin({ name, points, defaults })` is a plugin of
 * area `scheduler` whose apply() taps the `scheduler.*` hooks under its name and registers it with
 * the scheduler component, which builds each profile's plugin lists from the registered plugins
 * (defaults at the points named in `defaultPoints`, Kubernetes' merge rules for the profile YAML).
 */
import { definePlugin, type OptionsSchema, type PluginDefinition } from '../../../core/plugin/define';
import type { Server } from '../../../core/server/server';
import { getSchedulerHooks, type ExtensionPoint, type SchedulerHooks } from './hooks';
import type { CycleState, NodeInfo, NodeScore, PluginStatus, Pod, PostFilterResult, QueuedPodInfo } from './types';

export const SCHEDULER_AREA = 'scheduler';
export const SCHEDULER_PLUGIN = 'Scheduler';

/** What a framework plugin implements (any subset). */
export interface SchedulerPluginPoints {
  queueSort?(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  preFilter?(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]): PluginStatus | undefined;
  filter?(pod: Pod, nodeInfo: NodeInfo, state: CycleState): PluginStatus | undefined;
  postFilter?(pod: Pod, state: CycleState, statuses: Map<string, PluginStatus>): Promise<PostFilterResult | undefined>;
  preScore?(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]): PluginStatus | undefined;
  score?(pod: Pod, nodeInfo: NodeInfo, state: CycleState): number;
  normalizeScore?(pod: Pod, scores: NodeScore[], state: CycleState): void;
  reserve?(pod: Pod, nodeName: string, state: CycleState): PluginStatus | undefined;
  permit?(pod: Pod, nodeName: string, state: CycleState): Promise<PluginStatus | undefined>;
  preBind?(pod: Pod, nodeName: string, state: CycleState): Promise<PluginStatus | undefined>;
  bind?(pod: Pod, nodeName: string, state: CycleState): Promise<PluginStatus | undefined>;
  postBind?(pod: Pod, nodeName: string, state: CycleState): void;
}

export interface SchedulerPluginSpec<O = Record<string, never>> {
  /** the Kubernetes name: NodeResourcesFit, TaintToleration... */
  readonly name: string;
  readonly description?: string;
  readonly optionsSchema?: OptionsSchema;
  readonly enabledByDefault?: boolean;
  /** points where the default profile enables it (score: with `defaultWeight`) */
  readonly defaultPoints?: readonly ExtensionPoint[];
  readonly defaultWeight?: number;
  /** build the implementation (once per server) from the plugin's options */
  points(server: Server, options: O): SchedulerPluginPoints;
}

/** A framework plugin registered with a server's scheduler. */
export interface RegisteredSchedulerPlugin {
  readonly name: string;
  readonly implements: ReadonlySet<ExtensionPoint>;
  readonly defaultPoints: ReadonlySet<ExtensionPoint>;
  readonly defaultWeight: number;
  readonly options: unknown;
}

const registries = new WeakMap<object, RegisteredSchedulerPlugin[]>();

export function registeredSchedulerPlugins(server: object): readonly RegisteredSchedulerPlugin[] {
  return registries.get(server) ?? [];
}

/** Tap every point `impl` implements under `name`. */
export function tapPoints(hooks: SchedulerHooks, name: string, impl: SchedulerPluginPoints): ExtensionPoint[] {
  const done: ExtensionPoint[] = [];
  if (impl.queueSort) (hooks.queueSort.tap(name, impl.queueSort), done.push('queueSort'));
  if (impl.preFilter) (hooks.preFilter.tap(name, impl.preFilter), done.push('preFilter'));
  if (impl.filter) (hooks.filter.tap(name, impl.filter), done.push('filter'));
  if (impl.postFilter) (hooks.postFilter.tapPromise(name, impl.postFilter), done.push('postFilter'));
  if (impl.preScore) (hooks.preScore.tap(name, impl.preScore), done.push('preScore'));
  if (impl.score) (hooks.score.tap(name, impl.score), done.push('score'));
  if (impl.normalizeScore) hooks.normalizeScore.tap(name, (p, s, st) => (impl.normalizeScore!(p, s, st), undefined));
  if (impl.reserve) (hooks.reserve.tap(name, impl.reserve), done.push('reserve'));
  if (impl.permit) (hooks.permit.tapPromise(name, impl.permit), done.push('permit'));
  if (impl.preBind) (hooks.preBind.tapPromise(name, impl.preBind), done.push('preBind'));
  if (impl.bind) (hooks.bind.tapPromise(name, impl.bind), done.push('bind'));
  if (impl.postBind) (hooks.postBind.tap(name, impl.postBind), done.push('postBind'));
  return done;
}

/** Declare a scheduler framework plugin (area `scheduler`, depends on the Scheduler component). */
export function defineSchedulerPlugin<O = Record<string, never>>(spec: SchedulerPluginSpec<O>): PluginDefinition<O> {
  return definePlugin<O>({
    name: spec.name,
    area: SCHEDULER_AREA,
    description: spec.description,
    optionsSchema: spec.optionsSchema,
    enabledByDefault: spec.enabledByDefault,
    dependencies: [`${SCHEDULER_AREA}/${SCHEDULER_PLUGIN}`],
    apply(server, options) {
      const impl = spec.points(server, options);
      const points = tapPoints(getSchedulerHooks(server), spec.name, impl);
      let list = registries.get(server);
      if (!list) registries.set(server, (list = []));
      list.push(
        Object.freeze({
          name: spec.name,
          implements: new Set(points),
          defaultPoints: new Set((spec.defaultPoints ?? []).filter((p) => points.includes(p))),
          defaultWeight: spec.defaultWeight ?? 1,
          options,
        }),
      );
    },
  });
}
