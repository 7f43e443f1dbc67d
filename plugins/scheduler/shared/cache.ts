/**
 * The scheduler cache: every node as a NodeInfo (by name, with requested resources, ports and pods
 * kept up to date incrementally), fed by the node and pod informers, plus the pods this scheduler
 * assumed (placed before their binding is observed; forgotten when the binding fails).
 */
import { nodeAllocatable, podHasAffinity, podInfoOf, records } from './pod';
import { emptyResources, type Json, type NodeInfo, type Pod, type PodInfo } from './types';

function newNodeInfo(name: string): NodeInfo {
  return {
    name,
    node: { metadata: { name } },
    labels: {},
    taints: [],
    unschedulable: false,
    allocatable: emptyResources(),
    requested: emptyResources(),
    nonZeroRequested: { milliCPU: 0, memory: 0 },
    pods: new Map(),
    podsWithAffinity: 0,
    usedPorts: new Map(),
    images: new Map(),
    generation: 0,
  };
}

function setNode(ni: NodeInfo, node: Json): void {
  ni.node = node;
  ni.labels = node.metadata?.labels ?? {};
  ni.taints = records(node.spec?.taints);
  ni.unschedulable = node.spec?.unschedulable === true;
  ni.allocatable = nodeAllocatable(node);
  ni.images.clear();
  for (const img of records(node.status?.images)) {
    for (const n of Array.isArray(img.names) ? img.names : []) ni.images.set(String(n), Number(img.sizeBytes ?? 0));
  }
  ni.generation++;
}

function addPodTo(ni: NodeInfo, pi: PodInfo, sign: 1 | -1): void {
  const r = pi.requests;
  ni.requested.milliCPU += sign * r.milliCPU;
  ni.requested.memory += sign * r.memory;
  ni.requested.ephemeralStorage += sign * r.ephemeralStorage;
  ni.requested.pods += sign;
  for (const [k, v] of Object.entries(r.scalar)) ni.requested.scalar[k] = (ni.requested.scalar[k] ?? 0) + sign * v;
  ni.nonZeroRequested.milliCPU += sign * pi.nonZero.milliCPU;
  ni.nonZeroRequested.memory += sign * pi.nonZero.memory;
  if (podHasAffinity(pi)) ni.podsWithAffinity += sign;
  for (const p of pi.ports) {
    const k = `${p.protocol}/${p.port}`;
    let ips = ni.usedPorts.get(k);
    if (sign > 0) {
      if (!ips) ni.usedPorts.set(k, (ips = new Set()));
      ips.add(p.hostIP);
    } else if (ips) {
      ips.delete(p.hostIP);
      if (ips.size === 0) ni.usedPorts.delete(k);
    }
  }
  if (sign > 0) ni.pods.set(pi.key, pi);
  else ni.pods.delete(pi.key);
  ni.generation++;
}

/** Pods in a terminal phase hold no resources. */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export class SchedulerCache {
  /** every NodeInfo, also of nodes deleted while pods still point at them */
  private readonly infos = new Map<string, NodeInfo>();
  /** nodes that exist */
  private readonly live = new Set<string>();
  /** pod key -> the node it is counted on */
  private readonly podNode = new Map<string, string>();
  private listCache?: NodeInfo[];

  /** The existing nodes (stable array until a node is added or removed). */
  nodes(): NodeInfo[] {
    if (!this.listCache) this.listCache = [...this.live].map((n) => this.infos.get(n)!);
    return this.listCache;
  }

  node(name: string): NodeInfo | undefined {
    return this.live.has(name) ? this.infos.get(name) : undefined;
  }

  get nodeCount(): number {
    return this.live.size;
  }

  private info(name: string): NodeInfo {
    let ni = this.infos.get(name);
    if (!ni) this.infos.set(name, (ni = newNodeInfo(name)));
    return ni;
  }

  upsertNode(node: Json): void {
    const name = String(node.metadata?.name ?? '');
    setNode(this.info(name), node);
    if (!this.live.has(name)) {
      this.live.add(name);
      this.listCache = undefined;
    }
  }

  removeNode(name: string): void {
    if (!this.live.delete(name)) return;
    this.listCache = undefined;
    const ni = this.infos.get(name);
    if (ni && ni.pods.size === 0) this.infos.delete(name);
  }

  /** The pod's current placement in the cache (assumed or observed). */
  placed(key: string): PodInfo | undefined {
    const n = this.podNode.get(key);
    return n === undefined ? undefined : this.infos.get(n)?.pods.get(key);
  }

  isAssumed(key: string): boolean {
    return this.placed(key)?.assumed === true;
  }

  /** An assigned pod as observed by the informer (add or update); terminal pods are removed. */
  observePod(pod: Pod): void {
    const nodeName: string | undefined = pod.spec?.nodeName;
    const pi = podInfoOf(pod);
    if (!nodeName || isTerminal(pod)) {
      // an unbound pod is only in the cache while assumed
      if (!nodeName && this.isAssumed(pi.key)) return;
      this.removePod(pi.key);
      return;
    }
    this.removePod(pi.key);
    this.put(pi, nodeName);
  }

  /** Place a pod on `nodeName` before its binding is observed. */
  assume(pi: PodInfo, nodeName: string): void {
    this.removePod(pi.key);
    this.put({ ...pi, assumed: true }, nodeName);
  }

  /** Undo `assume` (the binding failed); observed pods are left alone. */
  forget(key: string): void {
    if (this.isAssumed(key)) this.removePod(key);
  }

  removePod(key: string): void {
    const n = this.podNode.get(key);
    if (n === undefined) return;
    this.podNode.delete(key);
    const ni = this.infos.get(n);
    const pi = ni?.pods.get(key);
    if (ni && pi) addPodTo(ni, pi, -1);
    if (ni && !this.live.has(n) && ni.pods.size === 0) this.infos.delete(n);
  }

  private put(pi: PodInfo, nodeName: string): void {
    addPodTo(this.info(nodeName), pi, 1);
    this.podNode.set(pi.key, nodeName);
  }

  /** Every pod counted on an existing node. */
  *allPods(): IterableIterator<PodInfo> {
    for (const ni of this.nodes()) yield* ni.pods.values();
  }
}

/** A copy of `ni` that can take pods in or out without touching the cache (preemption, nominated pods). */
export function cloneNodeInfo(ni: NodeInfo): NodeInfo {
  return {
    ...ni,
    requested: { ...ni.requested, scalar: { ...ni.requested.scalar } },
    nonZeroRequested: { ...ni.nonZeroRequested },
    pods: new Map(ni.pods),
    usedPorts: new Map([...ni.usedPorts].map(([k, v]) => [k, new Set(v)])),
  };
}

/** Add (`1`) or remove (`-1`) a pod on a cloned NodeInfo. */
export function addOrRemovePod(ni: NodeInfo, pi: PodInfo, sign: 1 | -1): void {
  addPodTo(ni, pi, sign);
}
