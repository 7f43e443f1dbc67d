/**
 * Test support for the scheduler (not a test): Node and Pod objects, NodeInfos for plugin table
 * tests, and a cluster with the scheduler (memory storage, no kubelet) where tests create nodes
 * through the API.
 */
import { gvr, inProcessClient, type Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { SchedulerCache } from './cache';
import type { Json, NodeInfo } from './types';

export const PODS = gvr('v1', 'pods');
export const NODES = gvr('v1', 'nodes');
export const EVENTS = gvr('v1', 'events');

export interface NodeShape {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Json[];
  unschedulable?: boolean;
  images?: Json[];
}

export function node(name: string, s: NodeShape = {}): Json {
  const allocatable = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: s.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(s.labels ?? {}) } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }], ...(s.images ? { images: s.images } : {}) },
  };
}

export function pod(name: string, spec: Json = {}, metadata: Json = {}, requests?: Json): KObject & Json {
  const containers = spec.containers ?? [{ name: 'c', image: 'nginx', ...(requests ? { resources: { requests } } : {}) }];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...metadata }, spec: { ...spec, containers } } as KObject & Json;
}

/** NodeInfos for plugin tests: nodes with `pods` placed on them (pod.spec.nodeName). */
export function nodeInfos(nodes: Json[], pods: Json[] = []): NodeInfo[] {
  const c = new SchedulerCache();
  for (const n of nodes) c.upsertNode(n);
  for (const p of pods) c.observePod(p);
  return c.nodes();
}

/** A cluster running the scheduler (leader election off) and a loopback client. */
export async function startSchedulerCluster(config: Record<string, unknown> = {}) {
  const plugins = (config.plugins as Json | undefined) ?? {};
  const cluster = await startCluster({
    scheduler: true,
    config: {
      ...config,
      plugins: { ...plugins, scheduler: plugins.scheduler ?? { enabled: [{ name: 'Scheduler', options: { leaderElection: { enabled: false } } }] } },
    },
  });
  const client: Client = inProcessClient(cluster.server);
  return { cluster, client };
}

/** Create a node with its status (allocatable, Ready). */
export async function createNode(client: Client, n: Json): Promise<void> {
  const created = await client.create(NODES, n as KObject);
  await client.updateStatus(NODES, { ...created, status: n.status } as KObject);
}

export async function nodeOf(client: Client, name: string, timeoutMs = 15_000): Promise<string> {
  return eventually(`pod ${name} bound`, async () => ((await client.get(PODS, { namespace: 'default', name })) as Json).spec?.nodeName as string | undefined, timeoutMs);
}

export async function eventsFor(client: Client, name: string, reason: string): Promise<Json[]> {
  const list = await client.list(EVENTS, { namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
  return (list.items as Json[]).filter((e) => e.reason === reason);
}

export { eventually };
