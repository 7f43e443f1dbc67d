/**
 * Pod and node arithmetic shared by the plugins and the cache: effective requests (as the
 * scheduler computes them), host ports, tolerations, node selector terms.
 */
import { parseQuantity } from '../../resources/shared/quantity';
import { emptyResources, type Json, type NodeInfo, type Pod, type PodInfo, type Resources } from './types';

/** Upstream DefaultMilliCPURequest / DefaultMemoryRequest (scoring only). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]).filter((x) => x && typeof x === 'object') : []);

export function keyOfPod(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function addList(r: Resources, list: Json | undefined): void {
  if (!list) return;
  for (const [name, q] of Object.entries(list)) {
    const v = parseQuantity(q) ?? 0;
    if (name === 'cpu') r.milliCPU += Math.round(v * 1000);
    else if (name === 'memory') r.memory += v;
    else if (name === 'ephemeral-storage') r.ephemeralStorage += v;
    else if (name !== 'pods') r.scalar[name] = (r.scalar[name] ?? 0) + v;
  }
}

function maxInto(r: Resources, o: Resources): void {
  r.milliCPU = Math.max(r.milliCPU, o.milliCPU);
  r.memory = Math.max(r.memory, o.memory);
  r.ephemeralStorage = Math.max(r.ephemeralStorage, o.ephemeralStorage);
  for (const [k, v] of Object.entries(o.scalar)) r.scalar[k] = Math.max(r.scalar[k] ?? 0, v);
}

function containerRequests(c: Json): Json | undefined {
  const res = c.resources ?? {};
  // requests default to limits where only limits are set (as API defaulting does)
  if (!res.limits) return res.requests;
  return { ...res.limits, ...(res.requests ?? {}) };
}

/** The pod's effective requests: max(sum of containers + sidecars, each init container) + overhead; pods = 1. */
export function podRequests(pod: Pod): Resources {
  const spec = pod.spec ?? {};
  const r = emptyResources();
  for (const c of arr(spec.containers)) addList(r, containerRequests(c));
  const sidecars = emptyResources();
  for (const c of arr(spec.initContainers)) {
    const one = emptyResources();
    addList(one, containerRequests(c));
    if (c.restartPolicy === 'Always') {
      addList(sidecars, containerRequests(c));
      continue;
    }
    // a regular init container runs beside the sidecars started before it
    const withSidecars = emptyResources();
    addList(withSidecars, containerRequests(c));
    withSidecars.milliCPU += sidecars.milliCPU;
    withSidecars.memory += sidecars.memory;
    maxInto(r, withSidecars);
  }
  r.milliCPU += sidecars.milliCPU;
  r.memory += sidecars.memory;
  r.ephemeralStorage += sidecars.ephemeralStorage;
  addList(r, spec.overhead);
  r.pods = 1;
  return r;
}

/** Requests for scoring: containers without a cpu/memory request count as 100m / 200Mi. */
export function nonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  let milliCPU = 0;
  let memory = 0;
  for (const c of arr(pod.spec?.containers)) {
    const req = containerRequests(c) ?? {};
    milliCPU += req.cpu !== undefined ? Math.round((parseQuantity(req.cpu) ?? 0) * 1000) : DEFAULT_MILLI_CPU_REQUEST;
    memory += req.memory !== undefined ? (parseQuantity(req.memory) ?? 0) : DEFAULT_MEMORY_REQUEST;
  }
  return { milliCPU, memory };
}

/** Host ports the pod asks for. */
export function podHostPorts(pod: Pod): PodInfo['ports'] {
  const out: PodInfo['ports'] = [];
  for (const c of [...arr(pod.spec?.initContainers), ...arr(pod.spec?.containers)]) {
    for (const p of arr(c.ports)) {
      const port = Number(p.hostPort ?? 0);
      if (port > 0) out.push({ protocol: String(p.protocol ?? 'TCP'), hostIP: String(p.hostIP || '0.0.0.0'), port });
    }
  }
  return out;
}

export function podPriority(pod: Pod): number {
  const p = pod.spec?.priority;
  return typeof p === 'number' ? p : 0;
}

function hasAffinityTerms(pod: Pod): boolean {
  const a = pod.spec?.affinity ?? {};
  return Boolean(a.podAffinity || a.podAntiAffinity);
}

export function podInfoOf(pod: Pod): PodInfo {
  return {
    key: keyOfPod(pod),
    pod,
    requests: podRequests(pod),
    nonZero: nonZeroRequests(pod),
    ports: podHostPorts(pod),
    priority: podPriority(pod),
    labels: pod.metadata?.labels ?? {},
    namespace: pod.metadata?.namespace ?? '',
  };
}

export function podHasAffinity(pi: PodInfo): boolean {
  return hasAffinityTerms(pi.pod);
}

/** Node allocatable (status.allocatable, else capacity). */
export function nodeAllocatable(node: Json): Resources {
  const r = emptyResources();
  const list = node.status?.allocatable ?? node.status?.capacity ?? {};
  addList(r, list);
  r.pods = Math.floor(parseQuantity(list.pods) ?? 0);
  return r;
}

/** Does `toleration` tolerate `taint`? (upstream Toleration.ToleratesTaint) */
export function tolerates(t: Json, taint: Json): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

export function toleratedByAll(tolerations: Json[], taint: Json): boolean {
  for (const t of tolerations) if (tolerates(t, taint)) return true;
  return false;
}

export function podTolerations(pod: Pod): Json[] {
  return arr(pod.spec?.tolerations);
}

/** One NodeSelectorRequirement against labels (or fields). */
export function matchRequirement(req: Json, value: string | undefined, has: boolean): boolean {
  const values: string[] = Array.isArray(req.values) ? req.values.map(String) : [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const a = Number.parseInt(value!, 10);
      const b = Number.parseInt(values[0], 10);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: every matchExpression and matchField; an empty term matches nothing. */
export function matchNodeSelectorTerm(term: Json, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = arr(term.matchExpressions);
  const fields = arr(term.matchFields);
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const e of exprs) if (!matchRequirement(e, labels[e.key], Object.prototype.hasOwnProperty.call(labels, e.key))) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!matchRequirement(f, nodeName, true)) return false;
  }
  return true;
}

/** NodeSelector (terms ORed). */
export function matchNodeSelector(sel: Json, labels: Record<string, string>, nodeName: string): boolean {
  for (const t of arr(sel.nodeSelectorTerms)) if (matchNodeSelectorTerm(t, labels, nodeName)) return true;
  return false;
}

/** nodeSelector and required node affinity both hold. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: NodeInfo): boolean {
  const ns = pod.spec?.nodeSelector as Record<string, string> | undefined;
  if (ns) for (const [k, v] of Object.entries(ns)) if (node.labels[k] !== v) return false;
  const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req && !matchNodeSelector(req, node.labels, node.name)) return false;
  return true;
}

export { arr as records };

/** upstream helper.DefaultNormalizeScore: scale to 0..100 by the highest score (reverse: 100 - that). */
export function defaultNormalizeScore(scores: { score: number }[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = 100;
    return;
  }
  for (const s of scores) {
    let v = Math.floor((100 * s.score) / max);
    if (reverse) v = 100 - v;
    s.score = v;
  }
}
