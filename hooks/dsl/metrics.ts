/**
 * Per-hook Prometheus metrics in the server's registry (served on /metrics by the Prometheus
 * plugin): evaluations, denials, errors and evaluation latency, labelled by hook and hook point.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface HookMetrics {
  evaluations: Counter<'hook' | 'point'>;
  denials: Counter<'hook' | 'point'>;
  errors: Counter<'hook' | 'point'>;
  latency: Histogram<'hook' | 'point'>;
}

const byRegistry = new WeakMap<Registry, HookMetrics>();

export function hookMetrics(registry: Registry): HookMetrics {
  let m = byRegistry.get(registry);
  if (m) return m;
  const labelNames = ['hook', 'point'] as const;
  m = {
    evaluations: new Counter({ name: 'k8ts_hook_evaluations_total', help: 'Hooks DSL: calls of a hook that matched and were evaluated.', labelNames, registers: [registry] }),
    denials: new Counter({ name: 'k8ts_hook_denials_total', help: 'Hooks DSL: calls a hook denied (Deny validations, script denials, errors under failurePolicy Fail).', labelNames, registers: [registry] }),
    errors: new Counter({ name: 'k8ts_hook_errors_total', help: 'Hooks DSL: evaluation errors (CEL errors, budget, params not found, script timeout/crash/bad output).', labelNames, registers: [registry] }),
    latency: new Histogram({ name: 'k8ts_hook_evaluation_duration_seconds', help: 'Hooks DSL: evaluation latency of one hook for one call.', labelNames, buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers: [registry] }),
  };
  byRegistry.set(registry, m);
  return m;
}
