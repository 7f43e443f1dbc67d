/**
 * The top-level `nodes:` key: which nodes this process hosts. Absent means one simulated node
 * `k8ts-node-0`; `[]` means none. An entry with `count` stands for `count` nodes `<name>-<i>`.
 * Runtimes register their names here (`registerRuntime`) so a node naming an unknown runtime is a
 * startup error.
 */
import { ConfigError } from '../../../core/config/errors';
import type { NodeConfig } from './hooks';

type Json = Record<string, any>;

/** Node capacity when `nodes:` says nothing (kwok's fake node: 32 CPUs, 256 GiB, 110 pods). */
export const DEFAULT_CAPACITY: Readonly<Record<string, string>> = Object.freeze({ cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '100Gi' });
export const DEFAULT_NODE_NAME = 'k8ts-node';
export const DEFAULT_RUNTIME = 'simulated';
/** simulated pod CIDRs are 10.<128 + i/256>.<i%256>.0/24: this many nodes fit */
export const MAX_NODES = 64 * 256;

const runtimes = new WeakMap<object, Set<string>>();

/** A runtime plugin announces itself (in apply). */
export function registerRuntime(server: object, name: string): void {
  let set = runtimes.get(server);
  if (!set) runtimes.set(server, (set = new Set()));
  set.add(name);
}

export function registeredRuntimes(server: object): string[] {
  return [...(runtimes.get(server) ?? [])].sort();
}

const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries((v ?? {}) as Json).map(([k, x]) => [k, String(x)]));

/** The pod CIDR of the i-th simulated node. */
export function simulatedPodCIDR(i: number): string {
  return `10.${128 + (i >> 8)}.${i & 255}.0/24`;
}

/** Expand `nodes:` (already schema-checked) into one NodeConfig per node. */
export function expandNodes(raw: unknown): NodeConfig[] {
  const entries: Json[] = raw === undefined ? [{ name: DEFAULT_NODE_NAME, count: 1 }] : (raw as Json[]);
  const out: NodeConfig[] = [];
  const seen = new Set<string>();
  entries.forEach((e, at) => {
    const names = e.count === undefined ? [String(e.name)] : Array.from({ length: Number(e.count) }, (_, i) => `${e.name}-${i}`);
    for (const name of names) {
      if (seen.has(name)) throw new ConfigError('<config>', `nodes[${at}].name`, `node "${name}" is listed twice`);
      seen.add(name);
      const index = out.length;
      if (index >= MAX_NODES) throw new ConfigError('<config>', `nodes[${at}]`, `at most ${MAX_NODES} nodes per process`);
      const capacity = { ...DEFAULT_CAPACITY, ...strMap(e.capacity) };
      const { name: _n, count: _c, runtime, labels, annotations, taints, capacity: _cap, allocatable, podCIDR, ...rest } = e;
      out.push({
        ...rest,
        name,
        index,
        runtime: typeof runtime === 'string' ? runtime : DEFAULT_RUNTIME,
        labels: strMap(labels),
        annotations: strMap(annotations),
        taints: Array.isArray(taints) ? taints : [],
        capacity,
        allocatable: { ...capacity, ...strMap(allocatable) },
        podCIDR: typeof podCIDR === 'string' ? podCIDR : simulatedPodCIDR(index),
      });
    }
  });
  return out;
}

/** Every node's runtime must be a registered runtime plugin. */
export function checkRuntimes(server: object, nodes: readonly NodeConfig[]): void {
  const known = registeredRuntimes(server);
  const bad = nodes.find((n) => !known.includes(n.runtime));
  if (bad) throw new ConfigError('<config>', `nodes (${bad.name}).runtime`, `unknown runtime "${bad.runtime}" (enabled runtimes: ${known.join(', ') || 'none'})`);
}
