/**
 * What the kubelet itself writes about its Node (the runtime adds addresses and its version
 * through `kubelet.nodeStatus`): labels, capacity/allocatable, the four conditions with the
 * upstream reasons and messages, nodeInfo, the daemon endpoint; the Lease in kube-node-lease.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { NodeConfig, NodeStatusContext } from './hooks';

type Json = Record<string, any>;

/** The kubelet version reported in nodeInfo (the apiserver's own version). */
export const KUBELET_VERSION = 'v1.32.4+k8ts';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const KUBELET_PORT = 10250;

/** RFC 3339 with second precision (metav1.Time). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with microseconds (metav1.MicroTime, Lease renewTime). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function goArch(arch: string = process.arch): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}

/** The labels every kubelet puts on its Node, then the configured ones. */
export function baseLabels(node: NodeConfig): Record<string, string> {
  const arch = goArch();
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    ...node.labels,
  };
}

const CONDITIONS = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
] as const;

function stableId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

/**
 * The kubelet's own `kubelet.nodeStatus` tap: capacity, allocatable, conditions (keeping each
 * lastTransitionTime while the status holds), nodeInfo, daemonEndpoints. `previous` is the last
 * status posted (undefined on registration).
 */
export function baseNodeStatus(ctx: NodeStatusContext, previous: Json | undefined, bootId: string): void {
  const { node, status, now } = ctx;
  const t = rfc3339(now);
  const before = new Map<string, Json>(((previous?.conditions ?? []) as Json[]).map((c) => [c.type, c]));
  status.capacity = { ...node.capacity };
  status.allocatable = { ...node.allocatable };
  status.conditions = CONDITIONS.map((c) => {
    const old = before.get(c.type);
    return { ...c, lastHeartbeatTime: t, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : t };
  });
  const id = stableId(`${os.hostname()}/${node.name}`);
  status.nodeInfo = {
    machineID: id,
    systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
    bootID: bootId,
    kernelVersion: os.release(),
    osImage: 'k8ts',
    containerRuntimeVersion: '',
    kubeletVersion: KUBELET_VERSION,
    kubeProxyVersion: '',
    operatingSystem: 'linux',
    architecture: goArch(),
    ...(status.nodeInfo ?? {}),
  };
  status.daemonEndpoints = { kubeletEndpoint: { Port: KUBELET_PORT } };
  status.addresses ??= [];
  status.images ??= [];
}

/** The Node object a kubelet registers. */
export function nodeObject(node: NodeConfig, labels: Record<string, string>, status: Json): Json {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels,
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', ...node.annotations },
    },
    spec: {
      podCIDR: node.podCIDR,
      podCIDRs: [node.podCIDR],
      ...(node.taints.length ? { taints: node.taints } : {}),
    },
    status,
  };
}

/** The node's Lease (kube-node-lease/<node>), owned by the Node so it goes with it. */
export function leaseObject(nodeName: string, nodeUid: string | undefined, durationSeconds: number, now: number): Json {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) },
  };
}

/** The status without heartbeat times: two nodes statuses that differ only there need no post. */
export function statusFingerprint(status: Json): string {
  return JSON.stringify({ ...status, conditions: ((status.conditions ?? []) as Json[]).map(({ lastHeartbeatTime: _h, ...c }) => c) });
}
