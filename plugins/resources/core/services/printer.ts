/** Service columns (printers.go printService): TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE, *SELECTOR. */
import type { KObject, TablePrinter } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { arr, isRecord, recs, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN, wide } from '../../shared/printer';
import { formatLabels } from '../../shared/selectors';

/** `80/TCP,443:30443/TCP` */
export function portsCell(ports: unknown): string {
  const s = recs(ports)
    .map((p) => (typeof p.nodePort === 'number' && p.nodePort > 0 ? `${String(p.port)}:${p.nodePort}/${str(p.protocol)}` : `${String(p.port)}/${str(p.protocol)}`))
    .join(',');
  return s || '<none>';
}

function loadBalancerIngress(status: Json): string {
  const lb = isRecord(status.loadBalancer) ? status.loadBalancer : {};
  const seen = new Set<string>();
  for (const i of recs(lb.ingress)) {
    if (str(i.ip)) seen.add(str(i.ip));
    else if (str(i.hostname)) seen.add(str(i.hostname));
  }
  return [...seen].join(',');
}

export function externalIPCell(svc: KObject): string {
  const spec: Json = isRecord(svc.spec) ? svc.spec : {};
  const status: Json = isRecord(svc.status) ? svc.status : {};
  const externalIPs = arr(spec.externalIPs).map(String);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(status);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

export const servicePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    wide('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  row(svc: KObject, now: Date) {
    const spec: Json = isRecord(svc.spec) ? svc.spec : {};
    const clusterIPs = arr(spec.clusterIPs).map(String);
    const clusterIP = clusterIPs[0] || '<none>';
    return [svc.metadata.name ?? '', str(spec.type), clusterIP, externalIPCell(svc), portsCell(spec.ports), age(svc, now), formatLabels(spec.selector)];
  },
};
