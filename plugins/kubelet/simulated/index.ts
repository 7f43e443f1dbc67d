/**
 * SimulatedRuntime (area `kubelet`): the `simulated` runtime, kwok-style. No processes: a pod
 * bound to a simulated node gets its sandbox IP and running containers after the pod-ready delay;
 * a pod that ends (restartPolicy Never or OnFailure, e.g. Job pods) gets terminated containers
 * after the pod-complete delay (the kubelet's STATUS stage then says Succeeded or Failed); a pod
 * being deleted has its containers "stopped" after the pod-delete delay and is then deleted by
 * the kubelet. The delays come from the options, or per pod from kwok's annotations
 * `pod-ready|pod-complete|pod-delete.stage.kwok.x-k8s.io/delay` (`500ms`, `2s`, `1m30s`, or ms).
 */
import { createHash } from 'node:crypto';
import { definePlugin } from '../../../core/plugin/define';
import { getKubeletHooks, registerRuntime, SyncPodStage, type SyncPodContext } from '../kubelet';
import { rfc3339 } from '../kubelet/node-status';

export const PLUGIN_NAME = 'SimulatedRuntime';
export const RUNTIME = 'simulated';
export const READY_DELAY = 'pod-ready.stage.kwok.x-k8s.io/delay';
export const COMPLETE_DELAY = 'pod-complete.stage.kwok.x-k8s.io/delay';
export const DELETE_DELAY = 'pod-delete.stage.kwok.x-k8s.io/delay';
/** exit code of every container of a pod that ends (restartPolicy Never: non-zero makes it Failed) */
export const EXIT_CODE = 'simulated.k8ts.dev/exit-code';

type Json = Record<string, any>;

export interface SimulatedOptions {
  readyDelayMs?: number;
  completeAfterMs?: number;
  deleteDelayMs?: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration (`1m30s`, `500ms`) or a number of milliseconds; undefined when it does not parse. */
export function parseDelay(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNITS[m[2]];
    end = re.lastIndex;
  }
  return end === s.length && end > 0 ? total : undefined;
}

/** The fake InternalIP of the i-th simulated node: 10.250.x.y. */
export function simulatedNodeIP(index: number): string {
  const n = index + 1;
  return `10.${250 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

const recs = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function containerId(uid: string, name: string): string {
  return `simulated://${createHash('sha256').update(`${uid}/${name}`).digest('hex')}`;
}

interface PodClock {
  seen: number;
  started?: number;
}

export default definePlugin<SimulatedOptions>({
  name: PLUGIN_NAME,
  area: 'kubelet',
  description: 'the simulated (kwok-style) runtime: pods run without processes, through configurable stages',
  dependencies: ['Kubelet'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      readyDelayMs: { type: 'integer', minimum: 0, default: 0 },
      completeAfterMs: { type: 'integer', minimum: 0, default: 1000 },
      deleteDelayMs: { type: 'integer', minimum: 0, default: 0 },
    },
  },
  apply(server, options) {
    registerRuntime(server, RUNTIME);
    const hooks = getKubeletHooks(server);
    const clocks = new Map<string, PodClock>();

    hooks.nodeStatus.tap(PLUGIN_NAME, (ctx) => {
      if (ctx.node.runtime !== RUNTIME) return;
      ctx.status.addresses = [
        { type: 'InternalIP', address: simulatedNodeIP(ctx.node.index) },
        { type: 'Hostname', address: ctx.node.name },
      ];
      ctx.status.nodeInfo = { ...ctx.status.nodeInfo, containerRuntimeVersion: 'simulated://0.1.0', osImage: 'k8ts simulated node' };
      ctx.labels['node.k8ts.dev/runtime'] = RUNTIME;
    });

    hooks.syncPod.tapPromise({ name: PLUGIN_NAME, stage: SyncPodStage.RUNTIME }, async (ctx: SyncPodContext) => {
      if (ctx.runtime !== RUNTIME) return;
      const { pod, status, now } = ctx;
      const uid: string = pod.metadata?.uid ?? '';
      const annotations: Json = pod.metadata?.annotations ?? {};
      const delay = (key: string, dflt: number) => parseDelay(annotations[key]) ?? dflt;
      let clock = clocks.get(uid);
      if (!clock) clocks.set(uid, (clock = { seen: now }));

      if (ctx.deleting) {
        const ts = Date.parse(pod.metadata.deletionTimestamp);
        const requested = ts - Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
        const due = (Number.isFinite(requested) ? Math.min(requested, now) : now) + delay(DELETE_DELAY, options.deleteDelayMs ?? 0);
        if (now >= due) {
          ctx.containersStopped = true;
          clocks.delete(uid);
        } else ctx.requeueAfterMs = due - now;
        return;
      }
      if (status.phase === 'Succeeded' || status.phase === 'Failed') return void clocks.delete(uid);
      const spec: Json = pod.spec ?? {};
      const running = recs(status.containerStatuses).length > 0 && recs(status.containerStatuses).every((c) => c.state?.running);
      if (!running && !recs(status.containerStatuses).some((c) => c.state?.terminated)) {
        const due = clock.seen + delay(READY_DELAY, options.readyDelayMs ?? 0);
        if (now < due) return void (ctx.requeueAfterMs = due - now);
        const podIP = status.podIP || ctx.podIP;
        if (!podIP) return void (ctx.requeueAfterMs = 5000); // no free address in the node's pod CIDR
        const t = rfc3339(now);
        clock.started = now;
        status.hostIP = ctx.hostIP;
        status.hostIPs = [{ ip: ctx.hostIP }];
        status.podIP = podIP;
        status.podIPs = [{ ip: podIP }];
        status.startTime ??= t;
        if (recs(spec.initContainers).length) {
          status.initContainerStatuses = recs(spec.initContainers).map((c) => ({
            name: c.name,
            image: c.image,
            imageID: c.image,
            containerID: containerId(uid, c.name),
            ready: true,
            started: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: t, finishedAt: t, containerID: containerId(uid, c.name) } },
          }));
        }
        status.containerStatuses = recs(spec.containers).map((c) => ({
          name: c.name,
          image: c.image,
          imageID: c.image,
          containerID: containerId(uid, c.name),
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: t } },
        }));
      }
      const policy = spec.restartPolicy ?? 'Always';
      if (policy === 'Always') clocks.delete(uid); // runs until deleted: nothing more to time
      if (policy === 'Always' || !recs(status.containerStatuses).every((c) => c.state?.running)) return;
      const started = clock.started ?? (Date.parse(status.startTime) || now);
      const due = started + delay(COMPLETE_DELAY, options.completeAfterMs ?? 1000);
      if (now < due) return void (ctx.requeueAfterMs = due - now);
      const exit = policy === 'Never' ? Number(annotations[EXIT_CODE] ?? 0) || 0 : 0;
      const t = rfc3339(now);
      status.containerStatuses = recs(status.containerStatuses).map((c) => ({
        ...c,
        ready: false,
        started: false,
        state: { terminated: { exitCode: exit, reason: exit === 0 ? 'Completed' : 'Error', startedAt: c.state.running.startedAt, finishedAt: t, containerID: c.containerID } },
      }));
      clocks.delete(uid);
    });
  },
});
