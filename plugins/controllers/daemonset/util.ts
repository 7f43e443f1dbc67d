/**
 * Which nodes a DaemonSet runs on (after Kubernetes' nodeShouldRunDaemonPod, written anew): the
 * template's nodeName, nodeSelector and required node affinity must match the node, and every
 * NoSchedule/NoExecute taint must be tolerated by the pod's tolerations plus those the DaemonSet
 * controller adds to each pod. A pod already on a node keeps running there unless it stops
 * matching or a NoExecute taint is not tolerated.
 */
import type { KObject } from '../../../core/registry/types';

type Json = Record<string, any>;

/** Tolerations every DaemonSet pod gets (AddOrUpdateDaemonPodTolerations). */
export function daemonPodTolerations(podSpec: Json): Json[] {
  const t: Json[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (podSpec.hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** The template's tolerations with the DaemonSet ones added (same key+effect replaced). */
export function withDaemonTolerations(podSpec: Json): Json[] {
  const own: Json[] = Array.isArray(podSpec.tolerations) ? podSpec.tolerations : [];
  const add = daemonPodTolerations(podSpec);
  return [...own.filter((o) => !add.some((a) => a.key === o.key && a.effect === o.effect)), ...add];
}

export function tolerates(toleration: Json, taint: Json): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  const op = toleration.operator ?? 'Equal';
  if (!toleration.key) return op === 'Exists';
  if (toleration.key !== taint.key) return false;
  if (op === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

function requirementMatches(req: Json, value: string | undefined): boolean {
  const values: string[] = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value) || values.length !== 1) return false;
      return req.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: every matchExpression (labels) and matchField (metadata.name) holds; an empty term matches nothing. */
export function termMatches(term: Json, node: KObject): boolean {
  const exprs: Json[] = term.matchExpressions ?? [];
  const fields: Json[] = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((e) => requirementMatches(e, labels[e.key])) && fields.every((f) => requirementMatches(f, f.key === 'metadata.name' ? node.metadata.name : undefined));
}

/** nodeName, nodeSelector and required node affinity of a pod spec against a node. */
export function podFitsNode(podSpec: Json, node: KObject): boolean {
  if (podSpec.nodeName && podSpec.nodeName !== node.metadata.name) return false;
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((podSpec.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms: Json[] | undefined = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((t) => termMatches(t, node))) return false;
  return true;
}

/**
 * { shouldRun, shouldContinueRunning } for a DaemonSet's pod template on a node: shouldRun needs
 * a fit and every NoSchedule/NoExecute taint tolerated; a running pod continues unless it no
 * longer fits or a NoExecute taint is not tolerated.
 */
export function nodeShouldRunDaemonPod(template: Json | undefined, node: KObject): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const podSpec: Json = template?.spec ?? {};
  if (!podFitsNode(podSpec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(podSpec);
  const taints: Json[] = ((node.spec as Json | undefined)?.taints ?? []) as Json[];
  let shouldRun = true;
  let shouldContinueRunning = true;
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (tolerations.some((t) => tolerates(t, taint))) continue;
    shouldRun = false;
    if (taint.effect === 'NoExecute') shouldContinueRunning = false;
  }
  return { shouldRun, shouldContinueRunning };
}

/** The node a daemon pod is for: spec.nodeName, else the matchFields metadata.name affinity term. */
export function daemonPodNode(pod: KObject): string | undefined {
  const spec: Json = (pod.spec as Json | undefined) ?? {};
  if (spec.nodeName) return spec.nodeName;
  const terms: Json[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) for (const f of (t.matchFields ?? []) as Json[]) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  return undefined;
}

/**
 * Pin a pod spec to a node as Kubernetes does (ReplaceDaemonSetPodNodeNameNodeAffinity): the
 * required node affinity becomes the single term `matchFields metadata.name In [node]`
 * (preferred terms are kept).
 */
export function pinToNode(podSpec: Json, nodeName: string): void {
  const affinity: Json = podSpec.affinity ?? {};
  const nodeAffinity: Json = affinity.nodeAffinity ?? {};
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  affinity.nodeAffinity = nodeAffinity;
  podSpec.affinity = affinity;
}
