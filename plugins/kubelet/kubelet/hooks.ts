/**
 * The kubelet component's hooks (owner `kubelet`) and the stages of `kubelet.syncPod`. Every
 * argument is plain JSON (the Pod and Node objects as the API serves them, plus small records), so
 * a declarative hook document can tap these points by declaring the argument shape.
 */
import { AsyncSeriesBailHook, AsyncSeriesHook, SyncHook } from 'tapable';
import { defineComponentHooks } from '../../../core/server/hook-index';

type Json = Record<string, any>;

/** Stages of `kubelet.syncPod` (lower runs first), the order of the upstream kubelet's SyncPod. */
export const SyncPodStage = Object.freeze({
  /** mount volumes, fetch secrets and config maps (no plugin yet) */
  VOLUMES: -300,
  /** create, start, stop containers: the runtime plugin (simulated, process, sandbox) */
  RUNTIME: -200,
  /** liveness, readiness and startup probes (no plugin yet) */
  PROBES: -100,
  /** pod phase and conditions computed from the container statuses (the kubelet itself) */
  STATUS: 0,
});

/** Stages of `kubelet.admitPod` (lower runs first). */
export const AdmitPodStage = Object.freeze({
  /** the node's own checks: resources (OutOfcpu, OutOfmemory, OutOfpods), node name */
  PREDICATES: -100,
  /** anything else (hook documents, eviction-manager style checks) */
  DEFAULT: 0,
});

/** One node as the kubelet hosts it (from `nodes:`), plain JSON. */
export interface NodeConfig {
  name: string;
  /** runtime plugin name: `simulated` */
  runtime: string;
  /** 0-based position among the process's nodes (fake addresses and CIDRs derive from it) */
  index: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  taints: Json[];
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  /** the pod CIDR of the node (the pod IP range of simulated runtimes) */
  podCIDR: string;
  /** extra per-node settings a runtime or proxy reads (e.g. `proxy: { mode }`) */
  [key: string]: unknown;
}

/** What `kubelet.admitPod` taps answer to refuse a pod: it ends Failed with this reason. */
export interface AdmitResult {
  admit: false;
  /** e.g. OutOfcpu, OutOfmemory, OutOfpods, NodeAffinity, UnexpectedAdmissionError */
  reason: string;
  message: string;
}

/** The argument of `kubelet.admitPod`. */
export interface AdmitPodAttributes {
  /** the pod to admit */
  pod: Json;
  /** the Node object as last posted */
  node: Json;
  /** pods already admitted on this node and still active (not terminal), reduced to metadata (name, namespace, uid, labels) and spec (nodeName, containers and initContainers with name and resources, overhead) */
  otherPods: Json[];
}

/** The argument of `kubelet.syncPod`: taps read `pod` and write `status` (a working copy). */
export interface SyncPodContext {
  pod: Json;
  node: NodeConfig;
  /** the node's runtime (`simulated`); runtime taps act only on their own */
  runtime: string;
  /** the pod has a deletionTimestamp: stop its containers */
  deleting: boolean;
  /** the status to write (starts as a copy of pod.status); the STATUS stage fills phase and conditions */
  status: Json;
  /** now, as epoch milliseconds (one value for the whole sync) */
  now: number;
  /** a tap that wants the pod synced again later sets the delay here (the smallest wins) */
  requeueAfterMs?: number;
  /** set by the runtime when every container of a deleting pod has stopped: the kubelet deletes the pod */
  containersStopped?: boolean;
  /** the node's InternalIP */
  hostIP: string;
  /** the pod IP the kubelet reserved from the node's pod CIDR (the host IP for hostNetwork pods) when the pod has none yet; a runtime that starts the pod's sandbox puts it into status.podIP */
  podIP?: string;
}

/** The argument of `kubelet.nodeStatus`: taps fill in `status` (and labels) of the Node. */
export interface NodeStatusContext {
  node: NodeConfig;
  /** the Node status being built: addresses, capacity, allocatable, conditions, nodeInfo, ... */
  status: Json;
  /** the Node labels being built (posted when the node registers) */
  labels: Record<string, string>;
  /** the status posted last time (undefined when registering) */
  previous?: Json;
  now: number;
}

/** The kubelet's hooks (owner `kubelet`). */
export const getKubeletHooks = defineComponentHooks('kubelet', () => ({
  /** may this node run the pod; a tap returns an AdmitResult to reject it (the pod ends Failed with its reason) */
  admitPod: new AsyncSeriesBailHook<[AdmitPodAttributes], AdmitResult | undefined>(['attrs']),
  /** bring one pod towards its desired state, by SyncPodStage: volumes < runtime < probes < status */
  syncPod: new AsyncSeriesHook<[SyncPodContext]>(['ctx']),
  /** contribute to a Node's status (addresses, capacity, conditions, nodeInfo, images) and labels */
  nodeStatus: new SyncHook<[NodeStatusContext]>(['ctx']),
}));
