/** The pod's QoS class (qos.GetPodQOS): Guaranteed, Burstable or BestEffort, from cpu and memory. */
import { isRecord, recs, type Json } from '../../shared/object';
import { parseQuantity } from '../../shared/quantity';

const QOS_RESOURCES = ['cpu', 'memory'];

export function podQOSClass(spec: Json): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests: Record<string, number> = {};
  const limits: Record<string, number> = {};
  let guaranteed = true;
  for (const c of [...recs(spec.initContainers), ...recs(spec.containers)]) {
    const res = isRecord(c.resources) ? c.resources : {};
    const found = new Set<string>();
    for (const [kind, acc] of [['requests', requests], ['limits', limits]] as const) {
      const list = isRecord(res[kind]) ? (res[kind] as Json) : {};
      for (const [name, q] of Object.entries(list)) {
        if (!QOS_RESOURCES.includes(name)) continue;
        const v = parseQuantity(q) ?? 0;
        if (v <= 0) continue;
        acc[name] = (acc[name] ?? 0) + v;
        if (kind === 'limits') found.add(name);
      }
    }
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  }
  if (Object.keys(requests).length === 0 && Object.keys(limits).length === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, v] of Object.entries(requests)) if (limits[name] !== v) guaranteed = false;
  }
  return guaranteed && Object.keys(requests).length === Object.keys(limits).length ? 'Guaranteed' : 'Burstable';
}
