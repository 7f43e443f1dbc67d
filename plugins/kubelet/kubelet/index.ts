/**
 * Kubelet (area `kubelet`): the node agent component for every node of the top-level `nodes:`
 * key (default: one simulated node `k8ts-node-0`; `nodes: []` runs none). Owns the hooks
 * `kubelet.admitPod`, `kubelet.syncPod` and `kubelet.nodeStatus`; taps them itself for the node's
 * own checks (PredicateAdmitHandler), the pod phase and conditions (STATUS stage) and the Node's
 * capacity, conditions and nodeInfo. Runtimes are their own plugins (`simulated`).
 */
import { inProcessClient } from '../../../core/client';
import { definePlugin } from '../../../core/plugin/define';
import type { Server } from '../../../core/server/server';
import { LifecycleStage } from '../../../hooks/stages';
import { checkRuntimes, expandNodes } from './config';
import { AdmitPodStage, getKubeletHooks, SyncPodStage } from './hooks';
import { KubeletHost, type KubeletOptions } from './kubelet';
import { baseNodeStatus } from './node-status';
import { predicateAdmit, statusStage } from './pod-status';

export const PLUGIN_NAME = 'Kubelet';
export { getKubeletHooks, SyncPodStage, AdmitPodStage, KubeletHost, type KubeletOptions };
export { registerRuntime, expandNodes } from './config';
export type { NodeConfig, SyncPodContext, AdmitPodAttributes, AdmitResult, NodeStatusContext } from './hooks';

const hosts = new WeakMap<Server, KubeletHost>();

/** The server's kubelet host (after postStart), for tests and tools. */
export function getKubelet(server: Server): KubeletHost | undefined {
  return hosts.get(server);
}

export default definePlugin<KubeletOptions>({
  name: PLUGIN_NAME,
  area: 'kubelet',
  description: 'node agent for the nodes of `nodes:`: registration, Lease, node status, pod admission and sync through the runtime plugins',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      leaseDurationSeconds: { type: 'integer', minimum: 1, default: 40 },
      renewIntervalSeconds: { type: 'number', exclusiveMinimum: 0, default: 10 },
      nodeStatusUpdateSeconds: { type: 'number', exclusiveMinimum: 0, default: 10 },
      nodeStatusReportSeconds: { type: 'number', exclusiveMinimum: 0, default: 300 },
      workers: { type: 'integer', minimum: 1, default: 32 },
      nodeConcurrency: { type: 'integer', minimum: 1, default: 16 },
    },
  },
  apply(server, options) {
    const hooks = getKubeletHooks(server);
    const nodes = expandNodes((server.config as { nodes?: unknown }).nodes);
    hooks.admitPod.tapPromise({ name: 'PredicateAdmitHandler', stage: AdmitPodStage.PREDICATES }, async (attrs) => predicateAdmit(attrs));
    hooks.syncPod.tapPromise({ name: PLUGIN_NAME, stage: SyncPodStage.STATUS }, async (ctx) => statusStage(ctx));
    const bootId = new Map<string, string>();
    hooks.nodeStatus.tap({ name: PLUGIN_NAME, stage: -100 }, (ctx) => {
      let id = bootId.get(ctx.node.name);
      if (!id) bootId.set(ctx.node.name, (id = crypto.randomUUID()));
      baseNodeStatus(ctx, ctx.previous, id);
    });
    server.hooks.afterPlugins.tap(PLUGIN_NAME, () => checkRuntimes(server, nodes));
    if (nodes.length === 0) return;
    server.hooks.postStart.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.COMPONENTS }, async () => {
      const host = new KubeletHost(server, inProcessClient(server), nodes, options);
      hosts.set(server, host);
      await host.start();
    });
    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => {
      const host = hosts.get(server);
      if (!host) return;
      await host.stop();
      host.client.close();
    });
  },
});
