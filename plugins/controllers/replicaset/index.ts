/**
 * ReplicaSet controller plugin (area `controllers`): keeps each ReplicaSet's pods at
 * spec.replicas. See README.md; the logic is in controller.ts.
 */
import { defineController } from '../../../core/client';
import { PODS, REPLICASETS } from '../shared/pod-control';
import { DEFAULT_RS_OPTIONS, ReplicaSetController } from './controller';

export interface ReplicaSetPluginOptions {
  workers?: number;
  burstReplicas?: number;
  slowStartInitialBatchSize?: number;
}

export default defineController<ReplicaSetPluginOptions>({
  name: 'ReplicaSet',
  description: 'keeps ReplicaSet pods at spec.replicas (expectations, slow-start creates, adoption, status)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      workers: { type: 'integer', minimum: 1, default: 5, description: 'ReplicaSets reconciled concurrently' },
      burstReplicas: { type: 'integer', minimum: 1, default: 500, description: 'most pods created or deleted per sync' },
      slowStartInitialBatchSize: { type: 'integer', minimum: 1, default: 1, description: 'first batch of the doubling create batches' },
    },
  },
  workers: 5,
  setup(ctx, options) {
    const controller = new ReplicaSetController(
      {
        client: ctx.client,
        replicaSets: ctx.informers.informerFor(REPLICASETS),
        pods: ctx.informers.informerFor(PODS),
        enqueue: (key) => ctx.enqueue(key),
        enqueueAfter: (key, ms) => ctx.enqueueAfter(key, ms),
        logger: ctx.logger,
      },
      {
        burstReplicas: options.burstReplicas ?? DEFAULT_RS_OPTIONS.burstReplicas,
        slowStartInitialBatchSize: options.slowStartInitialBatchSize ?? DEFAULT_RS_OPTIONS.slowStartInitialBatchSize,
      },
    );
    controller.register();
    return { reconcile: (key) => controller.sync(key) };
  },
});
