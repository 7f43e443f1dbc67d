/**
 * Job controller plugin (area `controllers`): runs each batch/v1 Job's pods to completion.
 * See README.md; the logic is in controller.ts.
 */
import { defineController } from '../../../core/client';
import { PODS } from '../shared/pod-control';
import { JobController, JOBS } from './controller';

export interface JobPluginOptions {
  workers?: number;
  burstPods?: number;
}

export default defineController<JobPluginOptions>({
  name: 'Job',
  description: 'runs Job pods to completion (parallelism, completions, Indexed, backoffLimit, activeDeadlineSeconds, podFailurePolicy, suspend, ttlSecondsAfterFinished)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      workers: { type: 'integer', minimum: 1, default: 5, description: 'Jobs reconciled concurrently' },
      burstPods: { type: 'integer', minimum: 1, default: 500, description: 'most pods created in one sync' },
    },
  },
  workers: 5,
  setup(ctx, options) {
    const controller = new JobController(
      {
        client: ctx.client,
        jobs: ctx.informers.informerFor(JOBS),
        pods: ctx.informers.informerFor(PODS),
        enqueue: (key) => ctx.enqueue(key),
        enqueueAfter: (key, ms) => ctx.enqueueAfter(key, ms),
        logger: ctx.logger,
      },
      { burstPods: options.burstPods ?? 500 },
    );
    controller.register();
    return { reconcile: (key) => controller.sync(key) };
  },
});
