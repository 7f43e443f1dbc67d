/**
 * The kubelet runtime of one process, for every node it hosts: registers the Nodes, renews their
 * Leases and posts their status from one ticker (jittered due times, bounded concurrency), and
 * syncs the pods bound to them from one shared pod watch through a deduplicating work queue:
 * admit (`kubelet.admitPod`), then `kubelet.syncPod` (volumes < runtime < probes < status), then
 * one status patch; a pod being deleted is deleted with grace 0 once its containers stopped.
 */
import { randomUUID } from 'node:crypto';
import { isStatusReason, type Client, type GVR } from '../../../core/client';
import type { Server } from '../../../core/server/server';
import { getKubeletHooks, type NodeConfig, type SyncPodContext } from './hooks';
import { NodeIpam } from './ipam';
import { baseLabels, leaseObject, microTime, NODE_LEASE_NAMESPACE, nodeObject, statusFingerprint } from './node-status';
import { isTerminal } from './pod-status';
import { PODS, PodSource } from './pod-source';

type Json = Record<string, any>;

const NODES: GVR = Object.freeze({ group: '', version: 'v1', resource: 'nodes' });
const LEASES: GVR = Object.freeze({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' });

export interface KubeletOptions {
  leaseDurationSeconds?: number;
  renewIntervalSeconds?: number;
  nodeStatusUpdateSeconds?: number;
  nodeStatusReportSeconds?: number;
  workers?: number;
  nodeConcurrency?: number;
}

interface NodeState {
  config: NodeConfig;
  labels: Record<string, string>;
  /** the Node as last posted (for admitPod) */
  obj: Json;
  uid?: string;
  hostIP: string;
  fingerprint: string;
  lastPost: number;
  statusDue: number;
  leaseDue: number;
  lease?: Json;
  /** admitted, active pods by key, reduced to what admission counts (admittedView) */
  admitted: Map<string, Json>;
  admitChain: Promise<unknown>;
  ipam: NodeIpam;
}

const jitter = (ms: number, frac = 0.1) => ms * (1 - frac * Math.random());

/** What `kubelet.admitPod` sees of the pods admitted before: identity, labels, nodeName and the containers' resources. */
export function admittedView(pod: Json): Json {
  const spec: Json = pod.spec ?? {};
  const res = (cs: unknown) => (Array.isArray(cs) ? (cs as Json[]).map((c) => ({ name: c.name, resources: c.resources ?? {} })) : undefined);
  return {
    metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, uid: pod.metadata?.uid, labels: pod.metadata?.labels },
    spec: { nodeName: spec.nodeName, containers: res(spec.containers), initContainers: res(spec.initContainers), overhead: spec.overhead },
  };
}

export class KubeletHost {
  readonly nodes = new Map<string, NodeState>();
  readonly pods: PodSource;
  private readonly abort = new AbortController();
  private readonly bootId = randomUUID();
  private readonly opts: Required<KubeletOptions>;
  private ticker?: NodeJS.Timeout;
  private ticking = false;
  private readonly logger;
  // work queue
  private readonly queue: string[] = [];
  private head = 0;
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private active = 0;
  private readonly timers = new Map<string, { at: number; t: NodeJS.Timeout }>();
  private readonly running = new Set<Promise<void>>();
  /** status patches and deletions done (for tests and the bench) */
  writes = 0;

  constructor(
    readonly server: Server,
    readonly client: Client,
    nodes: readonly NodeConfig[],
    options: KubeletOptions = {},
  ) {
    this.logger = server.logger.child({ component: 'kubelet' });
    this.opts = {
      leaseDurationSeconds: options.leaseDurationSeconds ?? 40,
      renewIntervalSeconds: options.renewIntervalSeconds ?? 10,
      nodeStatusUpdateSeconds: options.nodeStatusUpdateSeconds ?? 10,
      nodeStatusReportSeconds: options.nodeStatusReportSeconds ?? 300,
      workers: options.workers ?? 32,
      nodeConcurrency: options.nodeConcurrency ?? 16,
    };
    for (const config of nodes) {
      this.nodes.set(config.name, {
        config,
        labels: {},
        obj: {},
        hostIP: '',
        fingerprint: '',
        lastPost: 0,
        statusDue: 0,
        leaseDue: 0,
        admitted: new Map(),
        admitChain: Promise.resolve(),
        ipam: new NodeIpam(config.podCIDR),
      });
    }
    const selector = nodes.length === 1 ? `spec.nodeName=${nodes[0].name}` : 'spec.nodeName!=';
    this.pods = new PodSource(client, {
      fieldSelector: selector,
      onChange: (key) => this.enqueue(key),
      onError: (err) => this.logger.warn({ err }, 'pod watch failed; relisting'),
    });
  }

  /** Register every node and its Lease, then start the pod watch and the heartbeat ticker. */
  async start(): Promise<void> {
    const signal = this.abort.signal;
    await this.pool([...this.nodes.values()], (ns) => this.register(ns));
    if (signal.aborted) return;
    void this.pods.run(signal);
    const tickMs = Math.max(50, Math.min(1000, (this.opts.renewIntervalSeconds * 1000) / 4));
    this.ticker = setInterval(() => void this.tick(), tickMs);
    this.ticker.unref?.();
    await this.pods.waitForSync();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearInterval(this.ticker);
    for (const { t } of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.head = 0;
    await Promise.allSettled([...this.running]);
  }

  /** Build the node's status through `kubelet.nodeStatus`. */
  private buildStatus(ns: NodeState, now: number): Json {
    const ctx = { node: ns.config, status: {} as Json, labels: baseLabels(ns.config), previous: ns.obj.status as Json | undefined, now };
    getKubeletHooks(this.server).nodeStatus.call(ctx);
    ns.labels = ctx.labels;
    ns.hostIP = ((ctx.status.addresses ?? []) as Json[]).find((a) => a.type === 'InternalIP')?.address ?? '';
    return ctx.status;
  }

  private async register(ns: NodeState): Promise<void> {
    const now = Date.now();
    const status = this.buildStatus(ns, now);
    const body = nodeObject(ns.config, ns.labels, status);
    let node: Json;
    try {
      node = await this.client.create(NODES, body as never);
    } catch (err) {
      if (!isStatusReason(err, 'AlreadyExists')) throw err;
      // registered before (a restart): take over labels and post the status
      await this.client.patch(NODES, { name: ns.config.name }, 'merge', { metadata: { labels: ns.labels } });
      node = await this.client.patch(NODES, { name: ns.config.name }, 'merge', { status }, { subresource: 'status' });
    }
    ns.obj = node;
    ns.uid = node.metadata?.uid;
    ns.fingerprint = statusFingerprint(status);
    ns.lastPost = now;
    ns.statusDue = now + jitter(this.opts.nodeStatusUpdateSeconds * 1000);
    await this.renewLease(ns, now);
  }

  private async renewLease(ns: NodeState, now: number): Promise<void> {
    const name = ns.config.name;
    ns.leaseDue = now + jitter(this.opts.renewIntervalSeconds * 1000, 0.04);
    try {
      if (ns.lease) {
        const next = { ...ns.lease, spec: { ...ns.lease.spec, holderIdentity: name, leaseDurationSeconds: this.opts.leaseDurationSeconds, renewTime: microTime(now) } };
        ns.lease = await this.client.update(LEASES, next as never);
        return;
      }
      try {
        ns.lease = await this.client.create(LEASES, leaseObject(name, ns.uid, this.opts.leaseDurationSeconds, now) as never);
      } catch (err) {
        if (!isStatusReason(err, 'AlreadyExists')) throw err;
        ns.lease = await this.client.get(LEASES, { namespace: NODE_LEASE_NAMESPACE, name });
        ns.leaseDue = now; // renew on the next tick with the fresh resourceVersion
      }
    } catch (err) {
      ns.lease = undefined; // conflict or gone: read or create it again next time, soon
      ns.leaseDue = now + 1000;
      if (!this.abort.signal.aborted) this.logger.debug({ err, node: name }, 'lease renewal failed');
    }
  }

  private async postStatus(ns: NodeState, now: number): Promise<void> {
    ns.statusDue = now + jitter(this.opts.nodeStatusUpdateSeconds * 1000);
    try {
      // read the Node each period as the upstream kubelet does: a deleted Node is registered again
      ns.obj = await this.client.get(NODES, { name: ns.config.name });
      const status = this.buildStatus(ns, now);
      const fp = statusFingerprint(status);
      if (fp === ns.fingerprint && now - ns.lastPost < this.opts.nodeStatusReportSeconds * 1000) return;
      ns.obj = await this.client.patch(NODES, { name: ns.config.name }, 'merge', { status }, { subresource: 'status' });
      ns.fingerprint = fp;
      ns.lastPost = now;
    } catch (err) {
      if (isStatusReason(err, 'NotFound')) {
        ns.lease = undefined; // the Node was deleted: register again, as a kubelet does
        await this.register(ns).catch((e) => this.logger.warn({ err: e, node: ns.config.name }, 'node registration failed'));
      } else if (!this.abort.signal.aborted) this.logger.warn({ err, node: ns.config.name }, 'node status update failed');
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.abort.signal.aborted) return;
    this.ticking = true;
    try {
      const now = Date.now();
      const jobs: Array<() => Promise<void>> = [];
      for (const ns of this.nodes.values()) {
        if (ns.leaseDue <= now) jobs.push(() => this.renewLease(ns, Date.now()));
        if (ns.statusDue <= now) jobs.push(() => this.postStatus(ns, Date.now()));
      }
      await this.pool(jobs, (job) => job());
    } finally {
      this.ticking = false;
    }
  }

  private async pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < items.length && !this.abort.signal.aborted) await fn(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.nodeConcurrency, items.length) }, lane));
  }

  // ---- pods ----

  enqueue(key: string): void {
    if (this.abort.signal.aborted) return;
    if (this.processing.has(key)) return void this.dirty.add(key);
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  private enqueueAfter(key: string, ms: number): void {
    const at = Date.now() + ms;
    const have = this.timers.get(key);
    if (have && have.at <= at) return;
    if (have) clearTimeout(have.t);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.enqueue(key);
    }, Math.max(0, ms));
    t.unref?.();
    this.timers.set(key, { at, t });
  }

  private pump(): void {
    while (this.active < this.opts.workers && this.head < this.queue.length) {
      const key = this.queue[this.head++];
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.queued.delete(key);
      this.processing.add(key);
      this.active++;
      const p: Promise<void> = this.syncKey(key)
        .catch((err) => {
          if (this.abort.signal.aborted) return;
          if (!isStatusReason(err, 409)) this.logger.warn({ err, pod: key }, 'pod sync failed; retrying');
          this.enqueueAfter(key, isStatusReason(err, 409) ? 50 : 1000);
        })
        .finally(() => {
          this.active--;
          this.processing.delete(key);
          this.running.delete(p);
          if (this.dirty.delete(key)) this.enqueue(key);
          this.pump();
        });
      this.running.add(p);
    }
  }

  private forget(key: string): void {
    for (const ns of this.nodes.values()) {
      ns.admitted.delete(key);
      ns.ipam.release(key);
    }
    const t = this.timers.get(key);
    if (t) clearTimeout(t.t);
    this.timers.delete(key);
  }

  private async syncKey(key: string): Promise<void> {
    let pod = this.pods.get(key);
    if (!pod && this.pods.has(key)) {
      // compacted (steady) pod synced again without a change, e.g. a requeue: read it
      const [namespace, name] = key.split('/');
      pod = await this.client.get(PODS, { namespace, name }).catch((err) => {
        if (isStatusReason(err, 'NotFound')) return undefined;
        throw err;
      });
    }
    const ns = pod ? this.nodes.get(pod.spec?.nodeName) : undefined;
    if (!pod || !ns) return this.forget(key);
    const { namespace, name, uid } = pod.metadata;
    const deleting = Boolean(pod.metadata.deletionTimestamp);
    const status: Json = pod.status ?? {};
    if (isTerminal(status.phase)) {
      ns.admitted.delete(key);
      ns.ipam.release(key);
      if (deleting) await this.deletePod(pod);
      return;
    }
    if (!deleting && !ns.admitted.has(key)) {
      const started = status.phase === 'Running' || ((status.containerStatuses ?? []) as Json[]).some((c) => c.state?.running || c.state?.terminated);
      if (!started) {
        const rejected = await this.admit(ns, key, pod);
        if (rejected) {
          await this.client.patch(PODS, { namespace, name }, 'merge', { metadata: { uid }, status: { phase: 'Failed', reason: rejected.reason, message: `Pod was rejected: ${rejected.message}` } }, { subresource: 'status' });
          this.writes++;
          return;
        }
      } else {
        ns.admitted.set(key, admittedView(pod));
        if (status.podIP && !pod.spec?.hostNetwork) ns.ipam.adopt(key, status.podIP);
      }
    }
    const ctx: SyncPodContext = { pod, node: ns.config, runtime: ns.config.runtime, deleting, status: structuredClone(status), now: Date.now(), hostIP: ns.hostIP };
    let reserved: string | undefined;
    if (!deleting && !status.podIP) {
      reserved = pod.spec?.hostNetwork ? ns.hostIP : ns.ipam.allocate(key);
      ctx.podIP = reserved;
    }
    await getKubeletHooks(this.server).syncPod.promise(ctx);
    if (reserved && ctx.status.podIP !== reserved && !pod.spec?.hostNetwork) ns.ipam.release(key);
    if (deleting) {
      if (ctx.containersStopped) {
        ns.admitted.delete(key);
        ns.ipam.release(key);
        await this.deletePod(pod);
        return;
      }
    } else if (JSON.stringify(ctx.status) !== JSON.stringify(status)) {
      await this.client.patch(PODS, { namespace, name }, 'merge', { metadata: { uid }, status: ctx.status }, { subresource: 'status' });
      this.writes++;
      if (isTerminal(ctx.status.phase)) {
        ns.admitted.delete(key);
        ns.ipam.release(key);
      }
    }
    if (ctx.requeueAfterMs !== undefined) this.enqueueAfter(key, ctx.requeueAfterMs);
    else if (!deleting && status.phase === 'Running' && JSON.stringify(ctx.status) === JSON.stringify(status)) this.pods.compact(key, pod.metadata.resourceVersion);
  }

  /** Run `kubelet.admitPod` for one pod, one admission at a time per node (the pods it counts are the ones admitted before). */
  private admit(ns: NodeState, key: string, pod: Json): Promise<{ reason: string; message: string } | undefined> {
    const run = async () => {
      const otherPods = [...ns.admitted.entries()].filter(([k]) => k !== key).map(([, p]) => p);
      const hooks = getKubeletHooks(this.server);
      let result = await hooks.admitPod.promise({ pod, node: ns.obj, otherPods });
      if (result) {
        // the Node as last posted may be stale (a label added with kubectl since): read it and decide again,
        // as the upstream kubelet admits against its node informer's current copy
        const fresh = await this.client.get(NODES, { name: ns.config.name }).catch(() => undefined);
        if (fresh && fresh.metadata?.resourceVersion !== ns.obj.metadata?.resourceVersion) {
          ns.obj = fresh as Json;
          result = await hooks.admitPod.promise({ pod, node: ns.obj, otherPods });
        }
      }
      if (!result) ns.admitted.set(key, admittedView(pod));
      return result;
    };
    const p = ns.admitChain.then(run, run);
    ns.admitChain = p.catch(() => undefined);
    return p;
  }

  private async deletePod(pod: Json): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    try {
      await this.client.delete(PODS, { namespace, name }, { gracePeriodSeconds: 0, preconditions: { uid } });
      this.writes++;
    } catch (err) {
      if (!isStatusReason(err, 'NotFound') && !isStatusReason(err, 409)) throw err;
    }
  }
}
