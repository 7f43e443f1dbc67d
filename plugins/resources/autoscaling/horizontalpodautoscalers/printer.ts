/** HorizontalPodAutoscaler columns (printers.go): REFERENCE, TARGETS (formatHPAMetrics), MINPODS, MAXPODS, REPLICAS, AGE. */
import type { KObject, TablePrinter } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { isRecord, recs, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, int, NAME_COLUMN } from '../../shared/printer';

function rec(v: unknown): Json {
  return isRecord(v) ? v : {};
}

function q(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '0';
}

function resourceCell(spec: Json, status: Json | undefined): string {
  const target = rec(spec.target);
  const cur = status ? rec(status.current) : undefined;
  if (target.averageValue !== undefined) {
    return `${str(spec.name)}: ${cur && cur.averageValue !== undefined ? q(cur.averageValue) : '<unknown>'}/${q(target.averageValue)}`;
  }
  const current = cur && typeof cur.averageUtilization === 'number' ? `${cur.averageUtilization}%` : '<unknown>';
  const want = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
  return `${str(spec.name)}: ${current}/${want}`;
}

/** formatHPAMetrics: each metric `current/target`, at most two then ` + N more...`, `<none>` without metrics. */
export function formatHPAMetrics(specs: Json[], statuses: Json[]): string {
  if (specs.length === 0) return '<none>';
  const list: string[] = [];
  specs.forEach((m, i) => {
    const st = statuses[i];
    switch (m.type) {
      case 'External':
      case 'Object': {
        const key = m.type === 'External' ? 'external' : 'object';
        const target = rec(rec(m[key]).target);
        const cur = st ? rec(rec(st[key]).current) : undefined;
        if (target.averageValue !== undefined) list.push(`${cur && cur.averageValue !== undefined ? q(cur.averageValue) : '<unknown>'}/${q(target.averageValue)} (avg)`);
        else list.push(`${cur ? q(cur.value) : '<unknown>'}/${q(target.value)}`);
        break;
      }
      case 'Pods': {
        const cur = st && isRecord(st.pods) ? q(rec(st.pods.current).averageValue) : '<unknown>';
        list.push(`${cur}/${q(rec(rec(m.pods).target).averageValue)}`);
        break;
      }
      case 'Resource':
        list.push(resourceCell(rec(m.resource), st && isRecord(st.resource) ? st.resource : undefined));
        break;
      case 'ContainerResource':
        list.push(resourceCell(rec(m.containerResource), st && isRecord(st.containerResource) ? st.containerResource : undefined));
        break;
      default:
        list.push('<unknown type>');
    }
  });
  const max = 2;
  return list.length > max ? `${list.slice(0, max).join(', ')} + ${list.length - max} more...` : list.join(', ');
}

export const hpaPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'scaleTargetRef points to the target resource to scale.'),
    column('Targets', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
    column('MinPods', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    column('MaxPods', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    column('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    AGE_COLUMN,
  ],
  row(hpa: KObject, now: Date) {
    const spec = rec(hpa.spec);
    const status = rec(hpa.status);
    const ref = rec(spec.scaleTargetRef);
    return [
      hpa.metadata.name ?? '',
      `${str(ref.kind)}/${str(ref.name)}`,
      formatHPAMetrics(recs(spec.metrics), recs(status.currentMetrics)),
      typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : '<unset>',
      int(spec.maxReplicas),
      int(status.currentReplicas),
      age(hpa, now),
    ];
  },
};
