/**
 * The controller-manager runtime: leader election, then for each leadership term a fresh informer
 * factory, every registered controller set up, caches synced, workers started; all of it torn
 * down when the term ends. Writes of controllers go through a fenced client that refuses them
 * once the term is over, so a deposed manager cannot act on stale beliefs.
 */
import { setMaxListeners } from 'node:events';
import {
  getControllerHooks,
  keyOf,
  candidateIdentity,
  electLeader,
  fencedTransport,
  LeaderElector,
  type LeaderElectionConfig,
  RateLimitingQueue,
  registeredControllers,
  SharedInformerFactory,
  DynamicClient,
  type Client,
  type ControllerContext,
  type ControllerRuntime,
  type ReconcileContext,
  type RegisteredController,
} from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';

export interface ControllerManagerOptions {
  /** run against a remote apiserver over HTTPS with this kubeconfig (default: in-process) */
  kubeconfig?: string;
  /** in-process identity (default system:kube-controller-manager; 'loopback' = system:masters) */
  user?: string;
  /** informer resync period (0 = none) */
  resyncSeconds?: number;
  /** workers per controller unless the controller says otherwise */
  defaultWorkers?: number;
  leaderElection?: LeaderElectionConfig;
}

interface RunningController {
  name: string;
  queue: RateLimitingQueue<string>;
  runtime: ControllerRuntime;
  workers: Promise<void>[];
  abort: AbortController;
}

export class ControllerManager {
  readonly identity: string;
  private elector?: LeaderElector;
  private term?: { abort: AbortController; done: Promise<void>; factory?: SharedInformerFactory; controllers: RunningController[] };
  private leading = false;
  private readonly fenced: Client;
  private readonly logger;

  constructor(
    readonly server: Server,
    readonly client: Client,
    private readonly options: ControllerManagerOptions,
    private readonly controllers: () => readonly RegisteredController[] = () => registeredControllers(server),
  ) {
    this.logger = server.logger.child({ component: 'controller-manager' });
    this.identity = candidateIdentity(options.leaderElection);
    // every informer's watch listens on the server's shutdown signal (in-process transport)
    setMaxListeners(0, server.shutdownSignal);
    this.fenced = new DynamicClient(fencedTransport(client.transport, () => this.leading, 'controller-manager'));
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The names of the controllers running now (this manager leads). */
  runningControllers(): string[] {
    return this.term?.controllers.map((c) => c.name) ?? [];
  }

  /** The informer factory of the current term (tests, debugging). */
  get informers(): SharedInformerFactory | undefined {
    return this.term?.factory;
  }

  start(): void {
    this.elector = electLeader(this.options.leaderElection, {
      client: this.client,
      leaseName: 'kube-controller-manager',
      identity: this.identity,
      logger: this.logger,
      onStartedLeading: (signal) => this.startLeading(signal),
      onStoppedLeading: () => void this.stopTerm(),
    });
  }

  async stop(): Promise<void> {
    if (this.elector) await this.elector.stop();
    await this.stopTerm();
  }

  private startLeading(signal: AbortSignal): void {
    this.leading = true;
    getControllerHooks(this.server).leaderChanged.call(true, this.identity);
    this.logger.info({ identity: this.identity }, 'leading: starting controllers');
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    signal.addEventListener('abort', () => abort.abort(), { once: true });
    const term: NonNullable<ControllerManager['term']> = { abort, done: Promise.resolve(), controllers: [] };
    this.term = term;
    term.done = this.runTerm(term).catch((err) => {
      if (!abort.signal.aborted) this.logger.error({ err }, 'controllers failed to start');
    });
  }

  private async runTerm(term: NonNullable<ControllerManager['term']>): Promise<void> {
    const signal = term.abort.signal;
    const factory = new SharedInformerFactory(this.fenced, { resyncMs: (this.options.resyncSeconds ?? 0) * 1000, logger: this.logger });
    term.factory = factory;
    const hooks = getControllerHooks(this.server);
    const setups: Array<{ reg: RegisteredController; running: RunningController }> = [];
    for (const reg of this.controllers()) {
      const name = reg.spec.name;
      const queue = new RateLimitingQueue<string>({ name });
      const abort = new AbortController();
      signal.addEventListener('abort', () => abort.abort(), { once: true });
      const toKey = (o: KObject | string) => (typeof o === 'string' ? o : keyOf(o));
      const ctx: ControllerContext = {
        name,
        server: this.server,
        client: this.fenced,
        informers: factory,
        queue,
        logger: this.logger.child({ controller: name }),
        signal: abort.signal,
        enqueue: (o) => queue.add(toKey(o)),
        enqueueAfter: (o, ms) => queue.addAfter(toKey(o), ms),
      };
      let runtime: ControllerRuntime;
      try {
        runtime = (await reg.spec.setup(ctx, reg.options)) ?? {};
      } catch (err) {
        this.logger.error({ err, controller: name }, 'controller setup failed; it does not run');
        continue;
      }
      const running: RunningController = { name, queue, runtime, workers: [], abort };
      term.controllers.push(running);
      setups.push({ reg, running });
    }
    if (signal.aborted) return;
    factory.start(signal);
    await factory.waitForCacheSync(signal);
    for (const { reg, running } of setups) {
      if (signal.aborted) return;
      const opts = reg.options as { workers?: number } | undefined;
      const n = Math.max(1, opts?.workers ?? reg.spec.workers ?? this.options.defaultWorkers ?? 1);
      if (running.runtime.reconcile) for (let i = 0; i < n; i++) running.workers.push(this.worker(running));
      // informers asked for late (in run) start too
      factory.start(signal);
      try {
        await running.runtime.run?.();
      } catch (err) {
        this.logger.error({ err, controller: running.name }, 'controller run failed');
      }
      hooks.started.call(running.name);
    }
  }

  private async worker(c: RunningController): Promise<void> {
    const hooks = getControllerHooks(this.server);
    const reconcile = c.runtime.reconcile!.bind(c.runtime);
    for (;;) {
      const key = await c.queue.get();
      if (key === undefined) return;
      const rc: ReconcileContext = { controller: c.name, key, requeues: c.queue.numRequeues(key), signal: c.abort.signal };
      try {
        const veto = await hooks.reconcile.promise(rc);
        if (veto === 'skip') {
          c.queue.forget(key);
          continue;
        }
        const result = await reconcile(key, rc);
        c.queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) c.queue.addAfter(key, result.requeueAfterMs);
        hooks.reconciled.call(rc, undefined);
      } catch (err) {
        if (c.abort.signal.aborted) return;
        this.logger.debug({ err, controller: c.name, key }, 'reconcile failed; retrying with backoff');
        c.queue.addRateLimited(key);
        try {
          hooks.reconciled.call(rc, err);
        } catch {
          // observers must not break the worker
        }
      } finally {
        c.queue.done(key);
      }
    }
  }

  private stopping: Promise<void> = Promise.resolve();

  private stopTerm(): Promise<void> {
    const term = this.term;
    this.leading = false;
    if (!term) return this.stopping;
    this.term = undefined;
    this.stopping = this.teardown(term);
    return this.stopping;
  }

  private async teardown(term: NonNullable<ControllerManager['term']>): Promise<void> {
    term.abort.abort();
    getControllerHooks(this.server).leaderChanged.call(false, this.identity);
    await term.done;
    for (const c of term.controllers) c.queue.shutdown();
    await Promise.allSettled(term.controllers.flatMap((c) => c.workers));
    for (const c of term.controllers) {
      try {
        await c.runtime.stop?.();
      } catch (err) {
        this.logger.warn({ err, controller: c.name }, 'controller stop failed');
      }
    }
    await term.factory?.shutdown();
  }
}

/** A transport that refuses writes while `allowed()` is false (fencing the controllers of a term). */
