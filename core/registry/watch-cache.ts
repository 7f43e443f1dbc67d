/**
 * One watch cache per resource (kube-apiserver's Cacher): a single storage watch feeds the current
 * state index (LIST is served from it) and a ring of recent events (watches resume from it, so
 * `list RV -> watch RV` never loses an event). Events are dispatched synchronously to the cache's
 * watchers, in revision order.
 */
import { statusError, type StatusError } from '../api/status';
import { StorageError, type Storage, type WatchEvent, type Watcher } from '../storage/types';
import { Codec, type CachedObject } from './codec';

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  readonly type: CacheEventType;
  readonly key: string;
  readonly revision: number;
  /** the new state; for DELETED the last state, with the delete's revision */
  readonly object: CachedObject;
  /** the state before (MODIFIED, DELETED) */
  readonly prev?: CachedObject;
  /** Date.now() when the cache received it */
  readonly time: number;
  /** serialized watch lines, per type/version/format (filled by the watchers while the event is dispatched, then dropped) */
  lines?: Map<string, Buffer>;
  /** prev content with the event's revision (an object leaving a watcher's selector) */
  leaving?: CachedObject;
}

/** A consumer of cache events (a watch request). */
export interface CacheWatcher {
  /** only keys under this prefix are offered */
  readonly prefix: string;
  offer(ev: CacheEvent): void;
  /** the cache stopped or restarted: end the watch */
  terminate(err?: StatusError): void;
}

export interface WatchCacheOptions {
  /** events always kept (default 1024) */
  minEvents: number;
  /** events never exceeded (default 20000) */
  maxEvents: number;
  /** events younger than this are kept while under maxEvents (default 75 s) */
  windowMs: number;
  /** how long a request for a resourceVersion newer than the cache waits before 504 (default 3 s) */
  resourceVersionWaitMs: number;
}

export const DEFAULT_WATCH_CACHE_OPTIONS: WatchCacheOptions = Object.freeze({ minEvents: 1024, maxEvents: 20_000, windowMs: 75_000, resourceVersionWaitMs: 3000 });

/** Backends whose watch delivers an event before any reader can see its revision. */
const IN_PROCESS_BACKENDS = new Set(['memory', 'sqlite']);

export class WatchCache {
  private readonly state = new Map<string, CachedObject>();
  private sorted: string[] | null = [];
  private events: CacheEvent[] = [];
  private head = 0;
  /** every event with revision > historyStart is in the ring */
  private historyStart = 0;
  /** the cache reflects storage as of this revision */
  private progress = 0;
  private watch?: Watcher;
  private readonly watchers = new Set<CacheWatcher>();
  private waiters: Array<{ rev: number; resolve: (ok: boolean) => void }> = [];
  private stopped = false;
  private readyValue = false;
  private starting?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private retryDelay = 100;

  constructor(
    readonly codec: Codec,
    private readonly storage: () => Storage,
    readonly opts: WatchCacheOptions = DEFAULT_WATCH_CACHE_OPTIONS,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  get ready(): boolean {
    return this.readyValue;
  }

  /** the revision the cache's state is known to reflect */
  get revision(): number {
    return this.progress;
  }

  /** the oldest revision a watch can resume from */
  get oldestResumable(): number {
    return this.historyStart;
  }

  get size(): number {
    return this.state.size;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** List then watch; resolves when the cache serves. Idempotent. */
  start(): Promise<void> {
    if (this.readyValue) return Promise.resolve();
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const storage = this.storage();
    const prefix = this.codec.resource.prefix();
    const list = await storage.list(prefix);
    if (this.stopped) return;
    this.state.clear();
    for (const kv of list.items) this.state.set(kv.key, this.codec.cached(kv.key, kv.value, kv.modRevision));
    this.sorted = null;
    this.events = [];
    this.head = 0;
    this.historyStart = list.revision;
    this.progress = list.revision;
    this.watch = storage.watch(prefix, { fromRevision: list.revision }, {
      next: (ev) => this.apply(ev),
      error: (err) => this.failed(err),
    });
    // in-process backends replay history within a few microtasks: be live before serving
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.stopped) return;
    this.readyValue = true;
    this.retryDelay = 100;
    this.resolveWaiters();
  }

  private failed(err: StorageError): void {
    this.watch = undefined;
    this.readyValue = false;
    if (this.stopped) return;
    if (err.code !== 'Unavailable') this.onError(err);
    const status = statusError('Expired', `the watch cache of ${this.codec.resource.qualifiedName} restarted: ${err.message}`);
    for (const w of [...this.watchers]) w.terminate(status);
    this.watchers.clear();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start().catch((e: unknown) => this.failed(e instanceof StorageError ? e : new StorageError('Internal', String(e))));
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, 5000);
  }

  /** Stop watching storage; every watcher ends. */
  stop(): void {
    this.stopped = true;
    this.readyValue = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.watch?.close();
    this.watch = undefined;
    for (const w of [...this.watchers]) w.terminate();
    this.watchers.clear();
    for (const w of this.waiters.splice(0)) w.resolve(false);
  }

  private apply(ev: WatchEvent): void {
    const prev = this.state.get(ev.key);
    let object: CachedObject;
    if (ev.type === 'DELETED') {
      object = this.codec.cached(ev.key, ev.value, ev.revision);
      if (this.state.delete(ev.key)) this.sorted = null;
    } else {
      object = this.codec.cached(ev.key, ev.value, ev.revision);
      if (!prev) this.sorted = null;
      this.state.set(ev.key, object);
    }
    const type = ev.type === 'DELETED' ? 'DELETED' : prev ? 'MODIFIED' : 'ADDED';
    const cacheEvent: CacheEvent = { type, key: ev.key, revision: ev.revision, object, prev, time: Date.now() };
    this.push(cacheEvent);
    if (ev.revision > this.progress) this.progress = ev.revision;
    for (const w of this.watchers) {
      if (!ev.key.startsWith(w.prefix)) continue;
      try {
        w.offer(cacheEvent);
      } catch (err) {
        this.onError(err);
      }
    }
    // the ring keeps the event for watches that resume, not its bytes (a replay serializes again)
    cacheEvent.lines = undefined;
    this.resolveWaiters();
  }

  private push(ev: CacheEvent): void {
    this.events.push(ev);
    const { minEvents, maxEvents, windowMs } = this.opts;
    const now = ev.time;
    while (this.events.length - this.head > maxEvents || (this.events.length - this.head > minEvents && now - this.events[this.head].time > windowMs)) {
      this.historyStart = this.events[this.head].revision;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  /** Current objects under `prefix`, in key order (shared; do not mutate). */
  snapshot(prefix = ''): CachedObject[] {
    const keys = this.sortedKeys();
    const out: CachedObject[] = [];
    let i = prefix ? lowerBound(keys, prefix) : 0;
    for (; i < keys.length; i++) {
      const k = keys[i];
      if (prefix && !k.startsWith(prefix)) break;
      out.push(this.state.get(k)!);
    }
    return out;
  }

  /** Visit current objects under `prefix` from the first key >= `start`, in key order, until `fn` returns false. */
  forEachFrom(prefix: string, start: string, fn: (entry: CachedObject) => boolean | void): void {
    const keys = this.sortedKeys();
    for (let i = lowerBound(keys, start > prefix ? start : prefix); i < keys.length; i++) {
      const k = keys[i];
      if (!k.startsWith(prefix)) return;
      if (fn(this.state.get(k)!) === false) return;
    }
  }

  get(key: string): CachedObject | undefined {
    return this.state.get(key);
  }

  private sortedKeys(): string[] {
    if (!this.sorted) this.sorted = [...this.state.keys()].sort();
    return this.sorted;
  }

  /** Events with revision > `rev` (in order), or undefined when they are no longer all kept. */
  eventsAfter(rev: number): CacheEvent[] | undefined {
    if (rev < this.historyStart) return undefined;
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid].revision <= rev) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }

  addWatcher(w: CacheWatcher): void {
    this.watchers.add(w);
  }

  removeWatcher(w: CacheWatcher): void {
    this.watchers.delete(w);
  }

  /**
   * One key, read consistently from the cache when that needs no wait: an in-process backend
   * delivers every event to a live cache synchronously at its commit, so the cache's state is
   * storage's latest state (as `fresh()` proves for them). `undefined` = read storage instead.
   */
  readConsistent(key: string): { object: CachedObject | undefined } | undefined {
    if (!this.readyValue || !IN_PROCESS_BACKENDS.has(this.storage().backend)) return undefined;
    return { object: this.state.get(key) };
  }

  /**
   * Make sure the cache reflects storage at least as of its current revision (a consistent read).
   * Returns the revision to answer with, or undefined when the cache cannot prove freshness in
   * `timeoutMs` (the caller reads storage instead).
   */
  async fresh(timeoutMs = 1000): Promise<number | undefined> {
    if (!this.readyValue) return undefined;
    const storage = this.storage();
    const rev = await storage.currentRevision();
    if (rev <= this.progress) return this.progress;
    if (IN_PROCESS_BACKENDS.has(storage.backend) && this.readyValue) {
      // every event up to `rev` was delivered synchronously at its commit
      this.progress = rev;
      return rev;
    }
    return (await this.waitFor(rev, timeoutMs)) ? this.progress : undefined;
  }

  /** Wait until the cache reflects revision `rev` (false on timeout or stop). */
  async waitFor(rev: number, timeoutMs: number): Promise<boolean> {
    if (this.readyValue && rev <= this.progress) return true;
    if (this.readyValue && IN_PROCESS_BACKENDS.has(this.storage().backend)) {
      const current = await this.storage().currentRevision();
      if (rev <= current) {
        if (current > this.progress) this.progress = current;
        return true;
      }
    }
    return new Promise<boolean>((resolve) => {
      const waiter = { rev, resolve: (ok: boolean) => resolve(ok) };
      this.waiters.push(waiter);
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      waiter.resolve = (ok) => {
        clearTimeout(timer);
        resolve(ok);
      };
    });
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0 || !this.readyValue) return;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.rev <= this.progress) w.resolve(true);
      else keep.push(w);
    }
    this.waiters = keep;
  }
}

function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
