/**
 * StatefulSet controller plugin (area `controllers`): ordinal pods with stable identity and
 * storage, ordered or parallel, rolled out with a partition. See README.md; logic in controller.ts.
 */
import { defineController } from '../../../core/client';
import { PODS } from '../shared/pod-control';
import { CONTROLLERREVISIONS } from '../shared/sts-revisions';
import { StatefulSetController, STATEFULSETS } from './controller';

export interface StatefulSetPluginOptions {
  workers?: number;
}

export default defineController<StatefulSetPluginOptions>({
  name: 'StatefulSet',
  description: 'StatefulSets: ordinal pods, OrderedReady/Parallel, volumeClaimTemplates, RollingUpdate with partition, ControllerRevisions',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      workers: { type: 'integer', minimum: 1, default: 5, description: 'StatefulSets reconciled concurrently' },
    },
  },
  workers: 5,
  setup(ctx) {
    const controller = new StatefulSetController({
      client: ctx.client,
      sets: ctx.informers.informerFor(STATEFULSETS),
      pods: ctx.informers.informerFor(PODS),
      revisions: ctx.informers.informerFor(CONTROLLERREVISIONS),
      enqueue: (key) => ctx.enqueue(key),
      enqueueAfter: (key, ms) => ctx.enqueueAfter(key, ms),
      logger: ctx.logger,
    });
    controller.register();
    return { reconcile: (key) => controller.sync(key) };
  },
});
