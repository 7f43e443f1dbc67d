/**
 * Pod columns (printers.go printPod): READY ready/total, STATUS by the reason algorithm (phase ->
 * status.reason -> SchedulingGated -> init container states -> container states -> Terminating),
 * RESTARTS with "(5m ago)", AGE; wide: IP, NODE, NOMINATED NODE, READINESS GATES.
 */
import type { KObject, TablePrinter } from '../../../../core/registry/types';
import { age, parseTime, since } from '../../shared/age';
import { isRecord, recs, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN, wide } from '../../shared/printer';

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

interface State {
  waiting?: Json;
  running?: Json;
  terminated?: Json;
}

function state(v: unknown): State {
  if (!isRecord(v)) return {};
  return {
    waiting: isRecord(v.waiting) ? v.waiting : undefined,
    running: isRecord(v.running) ? v.running : undefined,
    terminated: isRecord(v.terminated) ? v.terminated : undefined,
  };
}

function n(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function hasCondition(conditions: Json[], type: string): boolean {
  return conditions.some((c) => c.type === type && c.status === 'True');
}

/** The cells of one pod row. */
export function podCells(pod: KObject, now: Date): unknown[] {
  const spec: Json = isRecord(pod.spec) ? pod.spec : {};
  const status: Json = isRecord(pod.status) ? pod.status : {};
  const conditions = recs(status.conditions);
  const containers = recs(spec.containers);
  let total = containers.length;
  let ready = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;

  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of conditions) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const initSpecs = new Map<string, Json>();
  for (const c of recs(spec.initContainers)) {
    initSpecs.set(str(c.name), c);
    if (c.restartPolicy === 'Always') total++;
  }
  const restartable = (name: string) => initSpecs.get(name)?.restartPolicy === 'Always';

  let initializing = false;
  const initStatuses = recs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += n(c.restartCount);
    const finished = parseTime(state(c.lastState).terminated?.finishedAt) ?? 0;
    lastRestart = Math.max(lastRestart, finished);
    if (restartable(str(c.name))) {
      restartableInitRestarts += n(c.restartCount);
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finished);
    }
    const s = state(c.state);
    if (s.terminated && n(s.terminated.exitCode) === 0) continue;
    if (restartable(str(c.name)) && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (s.terminated) {
      const r = str(s.terminated.reason);
      if (r) reason = `Init:${r}`;
      else reason = n(s.terminated.signal) !== 0 ? `Init:Signal:${n(s.terminated.signal)}` : `Init:ExitCode:${n(s.terminated.exitCode)}`;
    } else if (s.waiting && str(s.waiting.reason) && s.waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(s.waiting.reason)}`;
    } else {
      reason = `Init:${i}/${recs(spec.initContainers).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = recs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += n(c.restartCount);
      lastRestart = Math.max(lastRestart, parseTime(state(c.lastState).terminated?.finishedAt) ?? 0);
      const s = state(c.state);
      if (s.waiting && str(s.waiting.reason)) reason = str(s.waiting.reason);
      else if (s.terminated && str(s.terminated.reason)) reason = str(s.terminated.reason);
      else if (s.terminated) reason = n(s.terminated.signal) !== 0 ? `Signal:${n(s.terminated.signal)}` : `ExitCode:${n(s.terminated.exitCode)}`;
      else if (c.ready === true && s.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) restartsCell = `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`;

  const podIPs = recs(status.podIPs);
  const podIP = str(podIPs[0]?.ip) || '<none>';
  let gates = '<none>';
  const readinessGates = recs(spec.readinessGates);
  if (readinessGates.length > 0) {
    let trueCount = 0;
    for (const g of readinessGates) {
      const c = conditions.find((x) => x.type === g.conditionType);
      if (c?.status === 'True') trueCount++;
    }
    gates = `${trueCount}/${readinessGates.length}`;
  }
  return [
    pod.metadata?.name ?? '',
    `${ready}/${total}`,
    reason,
    restartsCell,
    age(pod, now),
    podIP,
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    gates,
  ];
}

export const podPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    wide('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
    wide('Node', 'NodeName indicates in which node this pod is scheduled.'),
    wide('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    wide('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  row: podCells,
};
