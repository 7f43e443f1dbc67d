/**
 * Test support for controllers (not a test):
 * - `startFakeKubelet(client)` plays the node until a scheduler and kubelet exist: it watches pods
 *   and, through /status, marks each new pod Running with Ready/ContainersReady conditions and
 *   ready container statuses; pods marked for deletion are finished off (grace period 0).
 *   Controllers see availability only through these API writes.
 * - `runController(server, plugin)` hosts one controller plugin's `setup` the way the
 *   controller-manager does (in-process client, shared informers, a rate-limited queue, workers),
 *   so a controller can be tested on its own.
 */
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import type { Client } from '../../../core/client';
import { inProcessClient, keyOf, RateLimitingQueue, registeredControllers, SharedInformerFactory, type ControllerContext, type ControllerRuntime, type ReconcileContext } from '../../../core/client';
import type { PluginDefinition } from '../../../core/plugin/define';
import { isNotFound, PODS } from './pod-control';
import { nowRfc3339 } from './conditions';

type Json = Record<string, any>;

export interface FakeKubeletOptions {
  /** delay before a pod becomes Running/Ready (ms, default 0) */
  readyDelayMs?: number;
  /** pods for which this returns false stay Pending forever (e.g. a "broken" image) */
  shouldRun?: (pod: KObject) => boolean;
  /** namespace to watch (default all) */
  namespace?: string;
  /**
   * run-to-completion pods (Jobs): called for each Running pod; return how it ends and it is
   * marked Succeeded/Failed (containers terminated with `exitCode`, default 0 / 1), or undefined
   * to leave it running (the default: pods run forever)
   */
  finish?: (pod: KObject) => { phase: 'Succeeded' | 'Failed'; exitCode?: number } | undefined;
  /** delay before a Running pod is finished by `finish` (ms, default 0) */
  finishDelayMs?: number;
}

export interface FakeKubelet {
  /** pods this fake node made ready so far */
  readonly started: number;
  stop(): Promise<void>;
}

/** The status a healthy running pod has. */
export function runningPodStatus(pod: KObject, now = Date.now()): Json {
  const t = nowRfc3339(now);
  const containers: Json[] = ((pod.spec as Json | undefined)?.containers ?? []) as Json[];
  return {
    ...((pod.status as Json | undefined) ?? {}),
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: t },
      { type: 'Ready', status: 'True', lastTransitionTime: t },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
    ],
    hostIP: '10.0.0.1',
    podIP: '10.244.0.10',
    startTime: t,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: t } },
    })),
  };
}

/** The status of a pod whose containers all terminated with `exitCode`. */
export function finishedPodStatus(pod: KObject, phase: 'Succeeded' | 'Failed', exitCode: number, now = Date.now()): Json {
  const t = nowRfc3339(now);
  const st: Json = (pod.status as Json | undefined) ?? {};
  const containers: Json[] = ((pod.spec as Json | undefined)?.containers ?? []) as Json[];
  const reason = phase === 'Succeeded' ? 'Completed' : 'Error';
  return {
    ...st,
    phase,
    conditions: (Array.isArray(st.conditions) ? (st.conditions as Json[]) : []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: 'PodCompleted', lastTransitionTime: t } : c)),
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { terminated: { exitCode, reason, startedAt: st.startTime ?? t, finishedAt: t } },
    })),
  };
}

export function startFakeKubelet(client: Client, opts: FakeKubeletOptions = {}): FakeKubelet {
  const abort = new AbortController();
  const factory = new SharedInformerFactory(client);
  const pods = factory.informerFor(PODS, opts.namespace ? { namespace: opts.namespace } : {});
  const inflight = new Set<string>();
  let started = 0;
  const pending = new Set<Promise<void>>();
  const handle = (pod: KObject) => {
    if (abort.signal.aborted) return;
    const key = keyOf(pod);
    if (inflight.has(key)) return;
    const phase = (pod.status as Json | undefined)?.phase;
    let work: (() => Promise<void>) | undefined;
    if (pod.metadata.deletionTimestamp) {
      work = async () => {
        await client.delete(PODS, { namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' }, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      };
    } else if (phase !== 'Running' && phase !== 'Succeeded' && phase !== 'Failed' && (opts.shouldRun?.(pod) ?? true)) {
      work = async () => {
        if (opts.readyDelayMs) await new Promise((r) => setTimeout(r, opts.readyDelayMs));
        if (abort.signal.aborted) return;
        const latest = pods.get(key) ?? pod;
        if (latest.metadata.uid !== pod.metadata.uid || latest.metadata.deletionTimestamp) return;
        await client.updateStatus(PODS, { ...latest, status: runningPodStatus(latest) });
        started++;
      };
    } else if (phase === 'Running' && opts.finish && !pod.metadata.deletionTimestamp) {
      const end = opts.finish(pod);
      if (end)
        work = async () => {
          if (opts.finishDelayMs) await new Promise((r) => setTimeout(r, opts.finishDelayMs));
          if (abort.signal.aborted) return;
          const latest = pods.get(key) ?? pod;
          if (latest.metadata.uid !== pod.metadata.uid || latest.metadata.deletionTimestamp) return;
          await client.updateStatus(PODS, { ...latest, status: finishedPodStatus(latest, end.phase, end.exitCode ?? (end.phase === 'Succeeded' ? 0 : 1)) });
        };
    }
    if (!work) return;
    inflight.add(key);
    const p = work()
      .catch((err) => {
        // gone or changed underneath: the next event brings it back
        if (!isNotFound(err) && (err as { code?: number }).code !== 409 && !abort.signal.aborted) setTimeout(() => handle(pods.get(key) ?? pod), 50);
      })
      .finally(() => {
        inflight.delete(key);
        pending.delete(p);
        const latest = pods.get(key);
        if (latest && latest.metadata.resourceVersion !== pod.metadata.resourceVersion) handle(latest);
      });
    pending.add(p);
  };
  pods.addEventHandler({ add: handle, update: (_o, n) => handle(n) });
  factory.start(abort.signal);
  return {
    get started() {
      return started;
    },
    async stop() {
      abort.abort();
      await Promise.allSettled([...pending]);
      await factory.shutdown();
    },
  };
}

export interface HostedController {
  client: Client;
  informers: SharedInformerFactory;
  queue: RateLimitingQueue<string>;
  runtime: ControllerRuntime;
  /** reconciles run so far */
  readonly reconciles: number;
  stop(): Promise<void>;
}

/**
 * Run one controller plugin against `server` without the controller-manager: capture the spec the
 * plugin registers (on a stand-in, so a manager on `server` never sees it), call its setup with a
 * context like the manager's, start informers, wait for sync, run `workers` workers until stop().
 */
export async function runController(server: Server, plugin: PluginDefinition<any>, options: Record<string, unknown> = {}, client: Client = inProcessClient(server)): Promise<HostedController> {
  const standIn = {} as Server;
  plugin.apply(standIn, options);
  const reg = registeredControllers(standIn).find((c) => c.spec.name === plugin.name);
  if (!reg) throw new Error(`plugin ${plugin.name} did not register a controller`);
  const abort = new AbortController();
  const informers = new SharedInformerFactory(client);
  const queue = new RateLimitingQueue<string>({ name: plugin.name });
  const logger = { debug: () => undefined, warn: () => undefined, error: () => undefined };
  const key = (o: KObject | string) => (typeof o === 'string' ? o : keyOf(o));
  const ctx: ControllerContext = {
    name: plugin.name,
    server,
    client,
    informers,
    queue,
    logger,
    signal: abort.signal,
    enqueue: (o) => queue.add(key(o)),
    enqueueAfter: (o, ms) => queue.addAfter(key(o), ms),
  };
  const runtime = (await reg.spec.setup(ctx, options)) ?? {};
  informers.start(abort.signal);
  await informers.waitForCacheSync();
  let reconciles = 0;
  const workers = Number(options.workers ?? reg.spec.workers ?? 1);
  const loops: Promise<void>[] = [];
  for (let i = 0; i < workers; i++) {
    loops.push(
      (async () => {
        for (;;) {
          const item = await queue.get();
          if (item === undefined) return;
          const rc: ReconcileContext = { controller: plugin.name, key: item, requeues: queue.numRequeues(item), signal: abort.signal };
          try {
            const r = await runtime.reconcile?.(item, rc);
            queue.forget(item);
            if (r && r.requeueAfterMs !== undefined) queue.addAfter(item, r.requeueAfterMs);
          } catch {
            if (!abort.signal.aborted) queue.addRateLimited(item);
          } finally {
            reconciles++;
            queue.done(item);
          }
        }
      })(),
    );
  }
  void runtime.run?.();
  return {
    client,
    informers,
    queue,
    runtime,
    get reconciles() {
      return reconciles;
    },
    async stop() {
      abort.abort();
      queue.shutdown();
      await Promise.allSettled(loops);
      await runtime.stop?.();
      await informers.shutdown();
    },
  };
}
