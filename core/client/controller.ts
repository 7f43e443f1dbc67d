/**
 * Controllers as plugins: `defineController({ name, setup })` is a plugin of area `controllers`
 * that registers itself with the controller-manager component in apply(); the manager (plugin
 * `ControllerManager`) starts every registered controller when it holds the leader Lease, runs its
 * workers over a RateLimitingQueue, and passes every reconcile through `controllers.reconcile`.
 */
import { AsyncSeriesBailHook, SyncHook } from 'tapable';
import { definePlugin, type OptionsSchema, type PluginDefinition } from '../plugin/define';
import { defineComponentHooks } from '../server/hook-index';
import type { Server } from '../server/server';
import type { KObject } from '../registry/types';
import type { ClientLogger } from './informer';
import type { SharedInformerFactory } from './informer-factory';
import type { Client } from './types';
import type { RateLimitingQueue } from './workqueue';

/** What a `controllers.reconcile` tap sees. */
export interface ReconcileContext {
  /** the controller's name (ReplicaSet, GarbageCollector...) */
  readonly controller: string;
  /** the work-queue key (`namespace/name` or `name`, or the controller's own key shape) */
  readonly key: string;
  /** how many times this key was retried with backoff since its last success */
  readonly requeues: number;
  /** aborted when the controller stops */
  readonly signal: AbortSignal;
}

/** The controller-manager's hooks (owner `controllers`), tapped by plugins and the hooks DSL. */
export const getControllerHooks = defineComponentHooks('controllers', () => ({
  /** before each reconcile: observe it, or veto it by returning 'skip' (the key is dropped, not retried) */
  reconcile: new AsyncSeriesBailHook<[ReconcileContext], 'skip' | undefined>(['ctx']),
  /** after each reconcile; `error` is what it threw (then the key is retried with backoff) */
  reconciled: new SyncHook<[ReconcileContext, unknown]>(['ctx', 'error']),
  /** a controller's caches synced and its workers run */
  started: new SyncHook<[string]>(['controller']),
  /** this manager became leader (true) or lost/left leadership (false) */
  leaderChanged: new SyncHook<[boolean, string]>(['leading', 'identity']),
}));

/** What a controller's `setup` gets when the manager starts it. */
export interface ControllerContext {
  readonly name: string;
  readonly server: Server;
  /** the manager's client (in-process or HTTPS) */
  readonly client: Client;
  /** shared informers: ask for them in setup; the manager starts them and waits for sync */
  readonly informers: SharedInformerFactory;
  /** this controller's work queue (keys) */
  readonly queue: RateLimitingQueue<string>;
  readonly logger: ClientLogger;
  /** aborted when the controller stops (leadership lost, shutdown) */
  readonly signal: AbortSignal;
  /** queue an object's key (`keyOf`) or a key */
  enqueue(objOrKey: KObject | string): void;
  enqueueAfter(objOrKey: KObject | string, delayMs: number): void;
}

/** What `reconcile` may return: come back after a delay even on success. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface ControllerRuntime {
  /** reconcile one key: throw to retry with per-key exponential backoff */
  reconcile?(key: string, rc: ReconcileContext): Promise<void | ReconcileResult>;
  /** after caches synced and workers run: periodic work (must end when ctx.signal aborts) */
  run?(): void | Promise<void>;
  /** on stop, after workers ended */
  stop?(): void | Promise<void>;
}

export interface ControllerSpec<O = Record<string, never>> {
  /** the Kubernetes name where one exists: ReplicaSet, GarbageCollector, Namespace... */
  readonly name: string;
  readonly description?: string;
  readonly optionsSchema?: OptionsSchema;
  readonly enabledByDefault?: boolean;
  /** more plugin dependencies (ControllerManager is always one) */
  readonly dependencies?: readonly string[];
  /** concurrent reconciles (distinct keys); default 1; `options.workers` overrides when set */
  readonly workers?: number;
  /** synchronous wiring in apply() (e.g. enableGarbageCollectorFinalizers(server)) */
  apply?(server: Server, options: O): void;
  /** when the manager starts the controller: take informers, add handlers that enqueue; return the runtime */
  setup(ctx: ControllerContext, options: O): ControllerRuntime | void | Promise<ControllerRuntime | void>;
}

/** A controller registered with a server's controller-manager. */
export interface RegisteredController {
  readonly spec: ControllerSpec<any>;
  readonly options: unknown;
}

const registries = new WeakMap<object, RegisteredController[]>();

/** Register a controller with `server`'s controller-manager (defineController's apply does it). */
export function registerController<O>(server: Server, spec: ControllerSpec<O>, options: O): void {
  let list = registries.get(server);
  if (!list) registries.set(server, (list = []));
  if (list.some((c) => c.spec.name === spec.name)) throw new Error(`controller ${spec.name} is registered twice`);
  list.push({ spec, options });
}

/** The controllers registered with `server`, in registration order. */
export function registeredControllers(server: Server): readonly RegisteredController[] {
  return registries.get(server) ?? [];
}

export const CONTROLLER_MANAGER_PLUGIN = 'ControllerManager';

/**
 * Declare a controller plugin (area `controllers`). Its apply() registers it with the
 * controller-manager; the manager calls `setup` when it leads, then runs `workers` reconcilers.
 */
export function defineController<O = Record<string, never>>(spec: ControllerSpec<O>): PluginDefinition<O> {
  return definePlugin<O>({
    name: spec.name,
    area: 'controllers',
    description: spec.description,
    optionsSchema: spec.optionsSchema,
    enabledByDefault: spec.enabledByDefault,
    dependencies: [CONTROLLER_MANAGER_PLUGIN, ...(spec.dependencies ?? [])],
    apply(server, options) {
      registerController(server, spec, options);
      spec.apply?.(server, options);
    },
  });
}
