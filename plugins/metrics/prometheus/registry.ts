/**
 * One prom-client Registry per server: the Prometheus plugin serves it on /metrics, and other
 * components (the hooks DSL...) register their own metrics in it.
 */
import { Registry } from 'prom-client';

const registries = new WeakMap<object, Registry>();

export function getMetricsRegistry(server: object): Registry {
  let r = registries.get(server);
  if (!r) registries.set(server, (r = new Registry()));
  return r;
}
