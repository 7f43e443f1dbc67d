/**
 * The scheduling framework's shapes. Hook arguments stay plain data (the pod as the API returns
 * it, a NodeInfo summary of plain fields) plus a CycleState, so a declarative hook (hooks DSL, CEL)
 * can tap `scheduler.filter` / `scheduler.score` by declaring the argument shape.
 */

export type Json = Record<string, any>;

/** A pod as the API returns it. */
export type Pod = Json;

/** Framework status codes (upstream framework.Code). */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip';

/** What a tap returns to say no (or Skip); `undefined` is Success. */
export interface PluginStatus {
  code: Code;
  /** human reasons, counted in the FailedScheduling message (`3 Insufficient cpu`) */
  reasons?: string[];
  /** the plugin that failed (filled by the framework) */
  plugin?: string;
}

export const unschedulable = (...reasons: string[]): PluginStatus => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): PluginStatus => ({ code: 'UnschedulableAndUnresolvable', reasons });
export const SKIP: PluginStatus = Object.freeze({ code: 'Skip' }) as PluginStatus;

/** Resource amounts: cpu in millicores, memory and ephemeral storage in bytes, extended resources by name. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
  scalar: Record<string, number>;
}

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: {} };
}

/** A pod in the cache: the object plus what plugins need precomputed. */
export interface PodInfo {
  key: string;
  pod: Pod;
  /** effective requests (max(sum containers, each init container) + overhead) */
  requests: Resources;
  /** requests with the non-zero defaults for scoring (100m cpu, 200Mi memory when unset) */
  nonZero: { milliCPU: number; memory: number };
  /** host ports: `protocol/hostIP/port` */
  ports: Array<{ protocol: string; hostIP: string; port: number }>;
  priority: number;
  labels: Record<string, string>;
  namespace: string;
  /** assumed by this scheduler, binding not yet observed */
  assumed?: boolean;
}

/**
 * A node and its pods as the scheduler sees them (requested resources precomputed, updated
 * incrementally as pods come and go).
 */
export interface NodeInfo {
  name: string;
  node: Json;
  labels: Record<string, string>;
  taints: Json[];
  unschedulable: boolean;
  allocatable: Resources;
  requested: Resources;
  nonZeroRequested: { milliCPU: number; memory: number };
  /** pods on the node by key */
  pods: Map<string, PodInfo>;
  /** pods with required or preferred (anti-)affinity terms (InterPodAffinity) */
  podsWithAffinity: number;
  /** used host ports: `protocol/port` -> host IPs */
  usedPorts: Map<string, Set<string>>;
  /** image name -> size in bytes (from node.status.images) */
  images: Map<string, number>;
  /** bumped on each change */
  generation: number;
}

/** Per-cycle scratch space shared by the plugins of one pod's scheduling attempt. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** nodes pre-filter plugins restricted the cycle to (undefined = all) */
  preFilterNodeNames?: Set<string>;
  /** set when a PreScore/Score pass skipped a plugin */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();
  constructor(
    /** the profile's schedulerName */
    readonly profile: string,
    /** every node (for plugins that count over all nodes) */
    readonly allNodes: readonly NodeInfo[],
    /** the profile's pluginConfig: per plugin, args over the plugin's options */
    readonly pluginConfig: Readonly<Record<string, Record<string, unknown>>> = {},
  ) {}
  /** a plugin's args in this profile: its options overlaid with the profile's pluginConfig */
  args<T extends object>(plugin: string, options: T): T {
    const over = this.pluginConfig[plugin];
    return over ? { ...options, ...over } : options;
  }
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  /** a copy for preemption dry runs (plugins that keep mutable state implement their own clone) */
  clone(): CycleState {
    const c = new CycleState(this.profile, this.allNodes, this.pluginConfig);
    for (const [k, v] of this.data) c.data.set(k, v && typeof (v as { clone?: unknown }).clone === 'function' ? (v as { clone(): unknown }).clone() : v);
    c.preFilterNodeNames = this.preFilterNodeNames;
    for (const s of this.skipFilter) c.skipFilter.add(s);
    for (const s of this.skipScore) c.skipScore.add(s);
    return c;
  }
}

/** One node's score for one plugin (normalizeScore rewrites `score` in place). */
export interface NodeScore {
  name: string;
  score: number;
}

/** Upstream MaxNodeScore. */
export const MAX_NODE_SCORE = 100;

/** What the PostFilter point (preemption) returns when it helped. */
export interface PostFilterResult {
  nominatedNodeName?: string;
  /** appended to the FailedScheduling message (`preemption: 0/3 nodes are available: ...`) */
  message?: string;
}

/** A pod waiting in the scheduling queue. */
export interface QueuedPodInfo {
  key: string;
  pod: Pod;
  priority: number;
  /** first time the pod entered the queue (ms) */
  initialAttemptTimestamp: number;
  /** when it was last added (ms) */
  timestamp: number;
  attempts: number;
  /** plugins that rejected the pod the last time (requeue decisions) */
  unschedulablePlugins: Set<string>;
}
