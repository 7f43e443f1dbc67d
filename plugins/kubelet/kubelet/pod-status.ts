/**
 * The kubelet's own taps on its hooks:
 * - `kubelet.syncPod` at STATUS: phase and conditions from the container statuses, as the upstream
 *   kubelet's generateAPIPodStatus/getPhase do (PodScheduled, PodReadyToStartContainers,
 *   Initialized, ContainersReady, Ready with readiness gates; PodCompleted when terminal);
 * - `kubelet.admitPod` at PREDICATES: the node's resource and selector checks (OutOfcpu,
 *   OutOfmemory, OutOfpods, OutOfephemeral-storage, NodeAffinity).
 */
import { parseQuantity } from '../../resources/shared/quantity';
import type { AdmitPodAttributes, AdmitResult, SyncPodContext } from './hooks';
import { rfc3339 } from './node-status';

type Json = Record<string, any>;

const recs = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]).filter((x) => typeof x === 'object' && x !== null) : []);

export function isTerminal(phase: unknown): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The upstream getPhase for the container states of a pod that is not being deleted. */
export function podPhase(pod: Json, status: Json): string {
  const spec: Json = pod.spec ?? {};
  const specs = recs(spec.containers);
  const byName = new Map(recs(status.containerStatuses).map((c) => [c.name, c]));
  let running = 0;
  let waiting = 0;
  let succeeded = 0;
  let failed = 0;
  for (const c of specs) {
    const st = byName.get(c.name)?.state ?? {};
    if (st.running) running++;
    else if (st.terminated) st.terminated.exitCode === 0 ? succeeded++ : failed++;
    else waiting++;
  }
  if (waiting > 0 || specs.length === 0) return 'Pending';
  if (running > 0) return 'Running';
  const policy = spec.restartPolicy ?? 'Always';
  if (policy === 'Always') return 'Running'; // containers are being restarted
  if (failed > 0 && policy === 'Never') return 'Failed';
  if (failed > 0) return 'Running'; // OnFailure: restarting
  return 'Succeeded';
}

function setCondition(conditions: Json[], type: string, status: 'True' | 'False', now: number, reason?: string, message?: string): void {
  const i = conditions.findIndex((c) => c.type === type);
  const old = i >= 0 ? conditions[i] : undefined;
  const c: Json = { type, status, lastProbeTime: null, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : rfc3339(now) };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  if (i >= 0) conditions[i] = c;
  else conditions.push(c);
}

/** The STATUS stage: phase and conditions of a pod the kubelet runs. */
export function statusStage(ctx: SyncPodContext): void {
  const { pod, status, now } = ctx;
  if (ctx.deleting) return;
  const spec: Json = pod.spec ?? {};
  if (!isTerminal(status.phase)) status.phase = podPhase(pod, status);
  const conditions: Json[] = recs(status.conditions).map((c) => ({ ...c }));
  const terminal = isTerminal(status.phase);
  const containers = recs(status.containerStatuses);
  const inits = recs(status.initContainerStatuses);
  const sandbox = Boolean(status.podIP) && !terminal;
  const initialized = recs(spec.initContainers).every((c) => inits.find((s) => s.name === c.name)?.state?.terminated?.exitCode === 0);
  const allReady = containers.length > 0 && recs(spec.containers).every((c) => containers.find((s) => s.name === c.name)?.ready === true);
  const notReady = recs(spec.containers)
    .filter((c) => containers.find((s) => s.name === c.name)?.ready !== true)
    .map((c) => c.name);
  setCondition(conditions, 'PodReadyToStartContainers', sandbox || containers.length > 0 ? (terminal ? 'False' : 'True') : 'False', now);
  setCondition(conditions, 'Initialized', initialized ? 'True' : 'False', now, initialized ? undefined : 'ContainersNotInitialized', initialized ? undefined : 'containers with incomplete status: [' + recs(spec.initContainers).map((c) => c.name).join(' ') + ']');
  if (terminal) {
    setCondition(conditions, 'Ready', 'False', now, 'PodCompleted');
    setCondition(conditions, 'ContainersReady', 'False', now, 'PodCompleted');
  } else if (allReady) {
    const gates = recs(spec.readinessGates).map((g) => String(g.conditionType));
    const missing = gates.filter((g) => conditions.find((c) => c.type === g)?.status !== 'True');
    setCondition(conditions, 'ContainersReady', 'True', now);
    if (missing.length) setCondition(conditions, 'Ready', 'False', now, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${missing[0]}" does not exist.`);
    else setCondition(conditions, 'Ready', 'True', now);
  } else {
    const msg = `containers with unready status: [${notReady.join(' ')}]`;
    setCondition(conditions, 'ContainersReady', 'False', now, 'ContainersNotReady', msg);
    setCondition(conditions, 'Ready', 'False', now, 'ContainersNotReady', msg);
  }
  setCondition(conditions, 'PodScheduled', 'True', now);
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  conditions.sort((a, b) => (order.indexOf(a.type) + 1 || 99) - (order.indexOf(b.type) + 1 || 99));
  status.conditions = conditions;
}

/** Requests of a pod as the scheduler and kubelet count them: sum of containers, max with init containers, plus overhead. */
export function podRequests(pod: Json): Record<string, number> {
  const spec: Json = pod.spec ?? {};
  const sum: Record<string, number> = {};
  for (const c of recs(spec.containers)) for (const [r, q] of Object.entries(c.resources?.requests ?? {})) sum[r] = (sum[r] ?? 0) + (parseQuantity(q) ?? 0);
  for (const c of recs(spec.initContainers)) for (const [r, q] of Object.entries(c.resources?.requests ?? {})) sum[r] = Math.max(sum[r] ?? 0, parseQuantity(q) ?? 0);
  for (const [r, q] of Object.entries(spec.overhead ?? {})) sum[r] = (sum[r] ?? 0) + (parseQuantity(q) ?? 0);
  return sum;
}

const CHECKED = ['cpu', 'memory', 'ephemeral-storage'];

/** The kubelet's predicate admit handler (upstream lifecycle.NewPredicateAdmitHandler, the parts a node can check alone). */
export function predicateAdmit(attrs: AdmitPodAttributes): AdmitResult | undefined {
  const { pod, node, otherPods } = attrs;
  const allocatable: Json = node.status?.allocatable ?? {};
  const maxPods = parseQuantity(allocatable.pods);
  if (maxPods !== undefined && otherPods.length + 1 > maxPods) {
    return { admit: false, reason: 'OutOfpods', message: `Node didn't have enough resource: pods, requested: 1, used: ${otherPods.length}, capacity: ${maxPods}` };
  }
  const want = podRequests(pod);
  for (const r of CHECKED) {
    if (!want[r]) continue;
    const cap = parseQuantity(allocatable[r]) ?? 0;
    const used = otherPods.reduce((s, p) => s + (podRequests(p)[r] ?? 0), 0);
    if (used + want[r] > cap + 1e-9) {
      const scale = r === 'cpu' ? 1000 : 1;
      return {
        admit: false,
        reason: `OutOf${r}`,
        message: `Node didn't have enough resource: ${r}, requested: ${Math.round(want[r] * scale)}, used: ${Math.round(used * scale)}, capacity: ${Math.round(cap * scale)}`,
      };
    }
  }
  const selector: Json = pod.spec?.nodeSelector ?? {};
  const labels: Json = node.metadata?.labels ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
    return { admit: false, reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" };
  }
  return undefined;
}
