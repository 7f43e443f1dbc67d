/**
 * Deployment controller plugin (area `controllers`): rolls Deployments out through ReplicaSets.
 * See README.md; the logic is in controller.ts and util.ts.
 */
import { defineController } from '../../../core/client';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../shared/pod-control';
import { DeploymentController } from './controller';

export interface DeploymentPluginOptions {
  workers?: number;
}

export default defineController<DeploymentPluginOptions>({
  name: 'Deployment',
  description: 'rolls Deployments out through ReplicaSets (RollingUpdate, Recreate, revisions, pause, progress deadline)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      workers: { type: 'integer', minimum: 1, default: 5, description: 'Deployments reconciled concurrently' },
    },
  },
  workers: 5,
  setup(ctx) {
    const controller = new DeploymentController({
      client: ctx.client,
      deployments: ctx.informers.informerFor(DEPLOYMENTS),
      replicaSets: ctx.informers.informerFor(REPLICASETS),
      pods: ctx.informers.informerFor(PODS),
      enqueue: (key) => ctx.enqueue(key),
      enqueueAfter: (key, ms) => ctx.enqueueAfter(key, ms),
      logger: ctx.logger,
    });
    controller.register();
    return { reconcile: (key) => controller.sync(key) };
  },
});
