/**
 * Names every hook point by a dotted path (`apiserver.filter`, `lifecycle.initialize`, later
 * `scheduler.filter`, `kubelet.syncPod`) so tools and the hooks DSL can find and tap any of them.
 * Components declare their hooks with `defineComponentHooks`, webpack's WeakMap registry pattern.
 */

/** The part of a tapable hook the index reads. */
export interface TapableLike {
  taps: ReadonlyArray<{ name: string; stage?: number; type: string }>;
  tap?: unknown;
  tapPromise?: unknown;
  readonly _args?: readonly string[];
  constructor: { name: string };
}

export interface HookPoint {
  /** dotted name: `<owner>.<hook>` */
  name: string;
  owner: string;
  hook: TapableLike;
  /** tapable class: SyncHook, AsyncSeriesBailHook, ... */
  kind: string;
  args: readonly string[];
}

export class HookIndex {
  private readonly points = new Map<string, HookPoint>();

  /** Register every hook of a frozen record under `owner.`. */
  register(owner: string, hooks: Readonly<Record<string, TapableLike>>): void {
    for (const [key, hook] of Object.entries(hooks)) {
      const name = `${owner}.${key}`;
      if (this.points.has(name)) throw new Error(`hook point ${name} is registered twice`);
      this.points.set(name, { name, owner, hook, kind: hook.constructor.name, args: hook._args ?? [] });
    }
  }

  /** Forget every hook of `owner` (a resource removed at runtime: a CRD's `resource.<plural>.<group>`). */
  unregister(owner: string): void {
    for (const [name, point] of this.points) if (point.owner === owner) this.points.delete(name);
  }

  get(name: string): HookPoint | undefined {
    return this.points.get(name);
  }

  list(): HookPoint[] {
    return [...this.points.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** Anything that owns a HookIndex (the Server). */
export interface HasHookIndex {
  readonly hookIndex: HookIndex;
}

/**
 * Declare a component's hooks once: `export const getSchedulerHooks = defineComponentHooks('scheduler', () => ({...}))`.
 * The first `getHooks(server)` creates the frozen record and registers it in the server's index.
 */
export function defineComponentHooks<H extends Record<string, TapableLike>>(
  owner: string,
  create: () => H,
): (server: HasHookIndex) => Readonly<H> {
  const registry = new WeakMap<HasHookIndex, Readonly<H>>();
  return (server) => {
    let hooks = registry.get(server);
    if (!hooks) {
      hooks = Object.freeze(create());
      registry.set(server, hooks);
      server.hookIndex.register(owner, hooks);
    }
    return hooks;
  };
}
