/**
 * A rate-limited work queue in the shape of client-go's: an item is queued at most once (dedup
 * while queued), never handed to two workers at once (an item added while it is being processed
 * is queued again only after `done`), delayed adds, and per-item exponential backoff.
 */

export interface RateLimitingQueueOptions {
  /** first backoff delay (default 5 ms) */
  baseDelayMs?: number;
  /** backoff cap (default 1000 s, as client-go) */
  maxDelayMs?: number;
  name?: string;
}

export class RateLimitingQueue<T = string> {
  private readonly queue: T[] = [];
  /** queued, not yet handed out */
  private readonly dirty = new Set<T>();
  /** handed to a worker, not yet done */
  private readonly processing = new Set<T>();
  private readonly failures = new Map<T, number>();
  private readonly timers = new Map<T, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: Array<(item: T | undefined) => void> = [];
  private shuttingDown = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  readonly name: string;

  constructor(opts: RateLimitingQueueOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 1_000_000;
    this.name = opts.name ?? 'queue';
  }

  /** Queue `item` now (no-op when already queued; deferred to `done` when being processed). */
  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(item);
      this.processing.add(item);
      waiter(item);
    } else this.queue.push(item);
  }

  /** Queue `item` after `delayMs` (an earlier pending delayed add wins). */
  addAfter(item: T, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(item);
    const at = Date.now() + delayMs;
    const pending = this.timers.get(item);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(item);
      this.add(item);
    }, delayMs);
    timer.unref?.();
    this.timers.set(item, { at, timer });
  }

  /** Queue `item` after its exponential backoff (base * 2^failures, capped); counts a failure. */
  addRateLimited(item: T): void {
    this.addAfter(item, this.when(item));
  }

  /** The next backoff of `item`, counting one more failure. */
  when(item: T): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    return Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs);
  }

  /** Stop tracking `item`'s failures (after a successful sync). */
  forget(item: T): void {
    this.failures.delete(item);
  }

  /** How many times `item` was rate-limited since the last `forget`. */
  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }

  /** The next item to process; waits while the queue is empty; undefined once shut down. */
  get(): Promise<T | undefined> {
    const item = this.queue.shift();
    if (item !== undefined) {
      this.dirty.delete(item);
      this.processing.add(item);
      return Promise.resolve(item);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Processing of `item` finished: if it was added meanwhile, it is queued again now. */
  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.dirty.delete(item);
      this.add(item);
    }
  }

  /** Items waiting (not counting delayed adds or items being processed). */
  len(): number {
    return this.queue.length;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stop: pending and future `get`s resolve undefined; delayed adds are dropped. */
  shutdown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.waiters.splice(0).forEach((w) => w(undefined));
  }
}
