/**
 * The SharedInformerFactory: one SharedInformer per GVR + options, shared by every controller of a
 * manager.
 */
import { setMaxListeners } from 'node:events';
import type { KObject } from '../registry/types';
import { SharedInformer, type ClientLogger, type InformerOptions } from './informer';
import { gvrId } from './object-keys';
import type { Client, GVR } from './types';

export interface SharedInformerFactoryOptions {
  /** default resync period of the informers it creates (0 = none) */
  resyncMs?: number;
  logger?: ClientLogger;
}

/**
 * One informer per GVR + options, shared by every controller: `informerFor(gvr)` in a
 * controller's setup, then the manager calls `start(signal)` and `waitForCacheSync()`. Informers
 * asked for after `start` are started by the next `start` call (it starts only new ones).
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<any>>();
  private readonly running = new Set<SharedInformer<any>>();
  private readonly abort = new AbortController();
  private readonly runs: Promise<void>[] = [];

  constructor(
    readonly client: Client,
    private readonly options: SharedInformerFactoryOptions = {},
  ) {
    // one listener per informer and per open watch
    setMaxListeners(0, this.abort.signal);
  }

  informerFor<T extends KObject = KObject>(gvr: GVR, opts: InformerOptions = {}): SharedInformer<T> {
    const id = `${gvrId(gvr)}|${opts.namespace ?? ''}|${opts.labelSelector ?? ''}|${opts.fieldSelector ?? ''}`;
    let inf = this.informers.get(id);
    if (!inf) {
      inf = new SharedInformer<T>(this.client, gvr, { resyncMs: this.options.resyncMs, ...opts }, this.options.logger);
      this.informers.set(id, inf);
    }
    return inf as SharedInformer<T>;
  }

  /** Start every informer not yet running; they stop on `signal` or `shutdown()`. */
  start(signal?: AbortSignal): void {
    if (signal) signal.addEventListener('abort', () => this.abort.abort(), { once: true });
    for (const inf of this.informers.values()) {
      if (this.running.has(inf)) continue;
      this.running.add(inf);
      this.runs.push(inf.run(this.abort.signal));
    }
  }

  /** Resolves when every started informer has synced (rejects if stopped first). */
  async waitForCacheSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.running].map((i) => i.waitForSync(signal ?? this.abort.signal)));
  }

  all(): SharedInformer<any>[] {
    return [...this.informers.values()];
  }

  /** Stop every informer and wait for their loops to end. */
  async shutdown(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.runs);
  }
}
