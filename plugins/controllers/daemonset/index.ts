/**
 * DaemonSet controller plugin (area `controllers`): one pod per eligible node, rolled out with
 * maxUnavailable/maxSurge. See README.md; logic in controller.ts and util.ts.
 */
import { defineController } from '../../../core/client';
import { PODS } from '../shared/pod-control';
import { CONTROLLERREVISIONS } from '../shared/sts-revisions';
import { DaemonSetController, DAEMONSETS, NODES } from './controller';

export interface DaemonSetPluginOptions {
  workers?: number;
  bindDirectly?: boolean;
  burstReplicas?: number;
}

export default defineController<DaemonSetPluginOptions>({
  name: 'DaemonSet',
  description: 'DaemonSets: one pod per eligible node (selectors, affinity, taints), RollingUpdate maxUnavailable/maxSurge, OnDelete, ControllerRevisions',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      workers: { type: 'integer', minimum: 1, default: 2, description: 'DaemonSets reconciled concurrently' },
      bindDirectly: { type: 'boolean', default: true, description: 'also set spec.nodeName on created pods (until a scheduler binds them)' },
      burstReplicas: { type: 'integer', minimum: 1, default: 250, description: 'most pods created or deleted per sync' },
    },
  },
  workers: 2,
  setup(ctx, options) {
    const controller = new DaemonSetController(
      {
        client: ctx.client,
        daemonSets: ctx.informers.informerFor(DAEMONSETS),
        pods: ctx.informers.informerFor(PODS),
        nodes: ctx.informers.informerFor(NODES),
        revisions: ctx.informers.informerFor(CONTROLLERREVISIONS),
        enqueue: (key) => ctx.enqueue(key),
        enqueueAfter: (key, ms) => ctx.enqueueAfter(key, ms),
        logger: ctx.logger,
      },
      { bindDirectly: options.bindDirectly ?? true, burstReplicas: options.burstReplicas ?? 250 },
    );
    controller.register();
    return { reconcile: (key) => controller.sync(key) };
  },
});
