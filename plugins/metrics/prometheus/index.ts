import { Counter, Histogram, collectDefaultMetrics } from 'prom-client';
import { HandlerStage, RespondedStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import type { RequestContext } from '../../../core/pipeline/types';
import { getMetricsRegistry } from './registry';

const PLUGIN_NAME = 'Prometheus';

interface Options {
  /** also export process metrics (cpu, memory, event loop) */
  processMetrics: boolean;
}

/** /metrics in Prometheus text: apiserver_request_total and apiserver_request_duration_seconds by verb, resource, code. */
export default definePlugin<Options>({
  name: PLUGIN_NAME,
  area: 'metrics',
  description: 'Serves /metrics; counts and times every request',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { processMetrics: { type: 'boolean', default: true } },
  },
  apply(server, options) {
    const registry = getMetricsRegistry(server);
    if (options.processMetrics) collectDefaultMetrics({ register: registry });
    const labelNames = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'code'] as const;
    const total = new Counter({ name: 'apiserver_request_total', help: 'Counter of apiserver requests broken out by verb, resource and code.', labelNames, registers: [registry] });
    const duration = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, resource and code.',
      labelNames,
      buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    });

    server.hooks.responded.tap({ name: PLUGIN_NAME, stage: RespondedStage.METRICS }, (ctx, res) => {
      const labels = { ...requestLabels(ctx), code: String(res.status) };
      total.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - ctx.startTime) / 1e9);
    });

    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.NON_RESOURCE }, (ctx) => {
      if (ctx.path !== '/metrics' || ctx.method !== 'GET') return undefined;
      return async () => ({ status: 200, headers: { 'Content-Type': registry.contentType }, body: await registry.metrics() });
    });
  },
});

function requestLabels(ctx: RequestContext) {
  const i = ctx.requestInfo;
  if (!i.isResourceRequest) {
    return { verb: ctx.method, group: '', version: '', resource: '', subresource: '', scope: '' };
  }
  const verb = i.verb === 'list' && ctx.query.get('watch') === 'true' ? 'WATCH' : i.verb.toUpperCase();
  const scope = i.name ? 'resource' : i.namespace ? 'namespace' : 'cluster';
  return { verb, group: i.apiGroup, version: i.apiVersion, resource: i.resource, subresource: i.subresource, scope };
}
