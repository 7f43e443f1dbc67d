/**
 * The scheduler runtime: leader election on the Lease kube-system/kube-scheduler, then per term
 * pod and node informers feeding the cache and the queue, one scheduling loop (scheduling cycle
 * synchronous, binding cycle asynchronous and concurrent), FailedScheduling / Scheduled events and
 * the PodScheduled condition.
 */
import { setMaxListeners } from 'node:events';
import { candidateIdentity, DynamicClient, electLeader, fencedTransport, gvr, LeaderElector, SharedInformerFactory, type Client, type LeaderElectionConfig, type SharedInformer } from '../../../core/client';
import type { SchedulerConfiguration } from '../../../core/config/scheduler';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { recordEvent } from '../../controllers/shared/job-events';
import { nowRfc3339 } from '../../controllers/shared/conditions';
import { addOrRemovePod, cloneNodeInfo, isTerminal, SchedulerCache } from '../shared/cache';
import { registeredSchedulerPlugins } from '../shared/define';
import { fitErrorMessage, Framework, type ResolvedProfile } from '../shared/framework';
import { getSchedulerHooks } from '../shared/hooks';
import { keyOfPod, podInfoOf } from '../shared/pod';
import { CycleState, type NodeInfo, type Pod, type PodInfo, type QueuedPodInfo } from '../shared/types';
import { SchedulingQueue } from '../shared/queue';
import { trimAssignedPod } from '../shared/trim';
import { asPod, nodeSchedulingChanged, podUpdated, selectHost } from './decisions';

export { selectHost };

export const PODS = gvr('v1', 'pods');
export const NODES = gvr('v1', 'nodes');

export interface SchedulerOptions {
  kubeconfig?: string;
  user?: string;
  /** binding cycles in flight at once */
  bindConcurrency?: number;
  leaderElection?: LeaderElectionConfig;
}

/** Counters for tests and the benchmark. */
export interface SchedulerStats {
  attempts: number;
  scheduled: number;
  unschedulable: number;
  bindErrors: number;
  preemptions: number;
  /** time spent in scheduling cycles (filter, score, assume), ms */
  cycleMs: number;
}

interface Term {
  abort: AbortController;
  factory: SharedInformerFactory;
  pods?: SharedInformer;
  pdbs?: SharedInformer;
  loop?: Promise<void>;
}

export class Scheduler {
  readonly identity: string;
  cache = new SchedulerCache();
  queue: SchedulingQueue;
  readonly frameworks = new Map<string, Framework>();
  readonly stats: SchedulerStats = { attempts: 0, scheduled: 0, unschedulable: 0, bindErrors: 0, preemptions: 0, cycleMs: 0 };
  /** pods nominated to a node by preemption: node -> pods */
  readonly nominated = new Map<string, Map<string, PodInfo>>();
  private elector?: LeaderElector;
  private term?: Term;
  private leading = false;
  private bindsInFlight = 0;
  private bindSlot?: () => void;
  private readonly fenced: Client;
  private readonly logger;
  private readonly lastFailure = new Map<string, { msg: string; at: number }>();

  constructor(
    readonly server: Server,
    readonly client: Client,
    private readonly options: SchedulerOptions,
    readonly config: SchedulerConfiguration,
    profiles: readonly ResolvedProfile[],
  ) {
    this.logger = server.logger.child({ component: 'scheduler' });
    this.identity = candidateIdentity(options.leaderElection);
    setMaxListeners(0, server.shutdownSignal);
    this.fenced = new DynamicClient(fencedTransport(client.transport, () => this.leading, 'scheduler'));
    const hooks = getSchedulerHooks(server);
    const registered = new Set(registeredSchedulerPlugins(server).map((p) => p.name));
    for (const p of profiles) this.frameworks.set(p.schedulerName, new Framework(p, hooks, registered, config.percentageOfNodesToScore ?? 0));
    this.queue = this.newQueue();
  }

  private newQueue(): SchedulingQueue {
    const first = this.frameworks.values().next().value as Framework;
    return new SchedulingQueue({
      less: first.less,
      initialBackoffMs: (this.config.podInitialBackoffSeconds ?? 1) * 1000,
      maxBackoffMs: (this.config.podMaxBackoffSeconds ?? 10) * 1000,
    });
  }

  /** PodDisruptionBudgets (DefaultPreemption) */
  get pdbLister(): SharedInformer | undefined {
    return this.term?.pdbs;
  }

  /** The client writes go through (refuses writes when not leading). */
  get writer(): Client {
    return this.fenced;
  }

  isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.elector = electLeader(this.options.leaderElection, {
      client: this.client,
      leaseName: 'kube-scheduler',
      identity: this.identity,
      logger: this.logger,
      onStartedLeading: () => this.startLeading(),
      onStoppedLeading: () => void this.stopTerm(),
    });
  }

  async stop(): Promise<void> {
    if (this.elector) await this.elector.stop();
    await this.stopTerm();
    this.queue.close();
  }

  private responsible(pod: Pod): boolean {
    return this.frameworks.has(pod.spec?.schedulerName ?? 'default-scheduler');
  }

  private startLeading(): void {
    this.leading = true;
    this.logger.info({ identity: this.identity }, 'leading: scheduling');
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    this.cache = new SchedulerCache();
    this.queue = this.newQueue();
    this.nominated.clear();
    const factory = new SharedInformerFactory(this.fenced, { logger: this.logger });
    const term: Term = { abort, factory };
    this.term = term;
    const pods = factory.informerFor(PODS);
    // assigned pods are kept compact (what the plugins read of them): 100,000 running pods
    pods.setTransform(trimAssignedPod);
    const nodes = factory.informerFor(NODES);
    term.pods = pods;
    term.pdbs = factory.informerFor(gvr('policy/v1', 'poddisruptionbudgets'));
    nodes.addEventHandler({
      add: (n) => {
        this.cache.upsertNode(n);
        this.queue.moveAllToActiveOrBackoff();
      },
      update: (o, n) => {
        this.cache.upsertNode(n);
        if (nodeSchedulingChanged(o, n)) this.queue.moveAllToActiveOrBackoff();
      },
      delete: (n) => this.cache.removeNode(String(n.metadata.name)),
    });
    pods.addEventHandler({
      add: (p) => this.onPod(p),
      update: (o, p) => this.onPod(p, o),
      delete: (p) => this.onPodDeleted(p),
    });
    factory.start(abort.signal);
    term.loop = (async () => {
      await factory.waitForCacheSync(abort.signal);
      if (abort.signal.aborted) return;
      this.queue.run();
      await this.loop(abort.signal);
    })().catch((err) => {
      if (!abort.signal.aborted) this.logger.error({ err }, 'scheduler loop failed');
    });
  }

  private onPod(p: KObject, old?: KObject): void {
    const pod = p as Pod;
    const key = keyOfPod(pod);
    if (pod.spec?.nodeName) {
      this.queue.delete(key);
      this.dropNomination(key);
      const wasPlaced = this.cache.placed(key);
      this.cache.observePod(pod);
      // a pod that finished frees its resources
      if (wasPlaced && isTerminal(pod) && old && !isTerminal(old)) this.queue.moveAllToActiveOrBackoff();
      return;
    }
    if (isTerminal(pod) || pod.metadata?.deletionTimestamp || !this.responsible(pod)) {
      this.queue.delete(key);
      return;
    }
    const nominatedNode = pod.status?.nominatedNodeName;
    if (nominatedNode) this.nominate(podInfoOf(pod), nominatedNode);
    if (this.cache.isAssumed(key)) return;
    const now = Date.now();
    this.queue.add({ key, pod, priority: pod.spec?.priority ?? 0, initialAttemptTimestamp: now, timestamp: now, attempts: 0, unschedulablePlugins: new Set() }, !old || podUpdated(old as Pod, pod));
  }

  private onPodDeleted(p: KObject): void {
    const key = keyOfPod(p);
    this.queue.delete(key);
    this.dropNomination(key);
    if (this.cache.placed(key)) {
      this.cache.removePod(key);
      this.queue.moveAllToActiveOrBackoff();
    }
  }

  nominate(pi: PodInfo, nodeName: string): void {
    this.dropNomination(pi.key);
    let m = this.nominated.get(nodeName);
    if (!m) this.nominated.set(nodeName, (m = new Map()));
    m.set(pi.key, pi);
  }

  private dropNomination(key: string): void {
    for (const [n, m] of this.nominated) if (m.delete(key) && m.size === 0) this.nominated.delete(n);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const max = Math.max(1, this.options.bindConcurrency ?? 64);
    let n = 0;
    while (!signal.aborted) {
      const q = await this.queue.pop();
      if (!q || signal.aborted) return;
      const t0 = performance.now();
      try {
        await this.scheduleOne(q);
      } catch (err) {
        this.logger.error({ err, pod: q.key }, 'scheduling attempt failed');
        this.queue.addUnschedulable(q, this.queue.schedulingCycle, true);
      }
      this.stats.cycleMs += performance.now() - t0;
      while (this.bindsInFlight >= max && !signal.aborted) await new Promise<void>((r) => (this.bindSlot = r));
      // let informer events and binding responses in
      if (++n % 16 === 0) await new Promise((r) => setImmediate(r));
    }
  }

  /** The nodes as this pod sees them: nodes with pods nominated at >= its priority include them. */
  private nodesFor(pi: PodInfo): readonly NodeInfo[] {
    const nodes = this.cache.nodes();
    if (this.nominated.size === 0) return nodes;
    return nodes.map((ni) => {
      const m = this.nominated.get(ni.name);
      if (!m) return ni;
      let clone: NodeInfo | undefined;
      for (const other of m.values()) {
        if (other.key === pi.key || other.priority < pi.priority) continue;
        clone ??= cloneNodeInfo(ni);
        addOrRemovePod(clone, other, 1);
      }
      return clone ?? ni;
    });
  }

  async scheduleOne(q: QueuedPodInfo): Promise<void> {
    const cycle = this.queue.schedulingCycle;
    const latest = (this.term?.pods?.get(q.key) as Pod | undefined) ?? q.pod;
    if (!latest || latest.spec?.nodeName || latest.metadata?.deletionTimestamp || this.cache.isAssumed(q.key)) {
      this.queue.done(q.key);
      return;
    }
    q.pod = latest;
    const fw = this.frameworks.get(latest.spec?.schedulerName ?? 'default-scheduler');
    if (!fw) {
      this.queue.done(q.key);
      return;
    }
    this.stats.attempts++;
    const pi = podInfoOf(latest);
    const nodes = this.nodesFor(pi);
    const state = new CycleState(fw.name, nodes, fw.profile.pluginConfig);
    if (nodes.length === 0) {
      await this.failed(q, cycle, 'no nodes available to schedule pods');
      return;
    }
    let host: string | undefined;
    const nominatedNode: string | undefined = latest.status?.nominatedNodeName;
    if (nominatedNode) {
      const ni = nodes.find((n) => n.name === nominatedNode);
      if (ni && !fw.runPreFilter(latest, state, nodes) && !fw.runFilter(latest, ni, state)) host = ni.name;
    }
    if (!host) {
      const st = nominatedNode ? new CycleState(fw.name, nodes, fw.profile.pluginConfig) : state;
      const r = fw.findNodesThatFit(latest, st, nodes);
      if (r.feasible.length === 0) {
        const post = await fw.runPostFilter(latest, st, r.statuses);
        if (post?.nominatedNodeName) {
          this.stats.preemptions++;
          this.nominate(pi, post.nominatedNodeName);
        }
        await this.failed(q, cycle, fitErrorMessage(nodes.length, r.statuses, r.preFilterStatus, post?.message), post?.nominatedNodeName);
        return;
      }
      host = r.feasible.length === 1 ? r.feasible[0].name : selectHost(r.feasible, fw.prioritize(latest, st, r.feasible));
      this.bindAsync(fw, q, pi, host, st);
      return;
    }
    this.bindAsync(fw, q, pi, host, state);
  }

  private bindAsync(fw: Framework, q: QueuedPodInfo, pi: PodInfo, host: string, state: CycleState): void {
    const pod = q.pod;
    this.cache.assume(pi, host);
    const rs = fw.runReserve(pod, host, state);
    if (rs) {
      this.cache.forget(pi.key);
      void this.failed(q, this.queue.schedulingCycle, `running Reserve plugin "${rs.plugin}": ${(rs.reasons ?? []).join(', ')}`);
      return;
    }
    this.bindsInFlight++;
    void (async () => {
      try {
        const s = (await fw.runAsync('permit', pod, host, state)) ?? (await fw.runAsync('preBind', pod, host, state)) ?? (await fw.runBind(pod, host, state));
        if (s) throw new Error(`running ${s.plugin ?? 'Bind'} plugin: ${(s.reasons ?? []).join(', ') || s.code}`);
        this.stats.scheduled++;
        this.dropNomination(pi.key);
        this.lastFailure.delete(pi.key);
        fw.runPostBind(pod, host, state);
        this.queue.done(q.key);
        void recordEvent(this.fenced, asPod(pod), 'Normal', 'Scheduled', `Successfully assigned ${pi.key} to ${host}`, fw.name);
      } catch (err) {
        this.stats.bindErrors++;
        this.cache.forget(pi.key);
        this.logger.debug({ err, pod: pi.key, node: host }, 'binding failed');
        this.queue.addUnschedulable(q, this.queue.schedulingCycle, true);
        this.queue.moveAllToActiveOrBackoff();
        void this.event(q, 'Warning', 'FailedScheduling', `Binding rejected: ${(err as Error).message}`);
      } finally {
        this.bindsInFlight--;
        const w = this.bindSlot;
        this.bindSlot = undefined;
        w?.();
      }
    })();
  }

  private async failed(q: QueuedPodInfo, cycle: number, message: string, nominatedNodeName?: string): Promise<void> {
    this.stats.unschedulable++;
    this.queue.addUnschedulable(q, cycle);
    const last = this.lastFailure.get(q.key);
    const now = Date.now();
    // the same message again within a minute adds nothing to describe
    if (last && last.msg === message && now - last.at < 60_000 && !nominatedNodeName) return;
    this.lastFailure.set(q.key, { msg: message, at: now });
    if (this.lastFailure.size > 50_000) this.lastFailure.clear();
    await this.event(q, 'Warning', 'FailedScheduling', message);
    const status: Record<string, unknown> = {
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: nowRfc3339(now) }],
    };
    if (nominatedNodeName) status.nominatedNodeName = nominatedNodeName;
    await this.fenced
      .patch(PODS, { namespace: q.pod.metadata?.namespace, name: q.pod.metadata?.name }, 'strategic', { status }, { subresource: 'status' })
      .catch((err) => this.logger.debug({ err, pod: q.key }, 'pod status update failed'));
  }

  private event(q: QueuedPodInfo, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const name = q.pod.spec?.schedulerName ?? 'default-scheduler';
    return recordEvent(this.fenced, asPod(q.pod), type, reason, message, name);
  }

  private stopTerm(): Promise<void> {
    const term = this.term;
    this.leading = false;
    if (!term) return Promise.resolve();
    this.term = undefined;
    term.abort.abort();
    this.queue.close();
    return (async () => {
      await term.loop;
      await term.factory.shutdown();
    })();
  }
}
