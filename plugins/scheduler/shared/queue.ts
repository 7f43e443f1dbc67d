/**
 * The scheduling queue (upstream PriorityQueue): activeQ ordered by the profile's QueueSort
 * (priority, then age), backoffQ ordered by backoff expiry (exponential from podInitialBackoff to
 * podMaxBackoff by attempts), and the unschedulable pods, moved back on cluster events that may
 * help (node added or changed, a pod deleted) and flushed after podMaxInUnschedulablePodsDuration.
 */
import { KeyedHeap } from './heap';
import type { QueuedPodInfo } from './types';

export interface QueueOptions {
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxInUnschedulableMs?: number;
  now?: () => number;
}

export class SchedulingQueue {
  private readonly active: KeyedHeap<QueuedPodInfo>;
  private readonly backoff: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** pods popped and being scheduled now */
  private readonly inFlight = new Set<string>();
  private waiters: Array<(q: QueuedPodInfo | undefined) => void> = [];
  private closed = false;
  /** bumped on every pop; a move request remembers the cycle it happened in */
  schedulingCycle = 0;
  private moveRequestCycle = -1;
  private timer?: NodeJS.Timeout;
  private lastUnschedFlush = 0;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly now: () => number;

  constructor(opts: QueueOptions) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = opts.maxInUnschedulableMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.active = new KeyedHeap((q) => q.key, opts.less);
    this.backoff = new KeyedHeap((q) => q.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** Run the periodic flushes (backoff every second, unschedulable every 30 s). */
  run(): void {
    this.timer = setInterval(() => this.flush(), 1000);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  backoffDuration(q: QueuedPodInfo): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < q.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q);
  }

  get sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** A new pending pod (or a changed one): straight to activeQ unless it is already queued; an unschedulable pod moves only when `changed` (spec or metadata, not status). */
  add(q: QueuedPodInfo, changed = true): void {
    if (this.closed) return;
    if (this.inFlight.has(q.key)) return;
    const prior = this.active.get(q.key) ?? this.backoff.get(q.key) ?? this.unschedulable.get(q.key);
    if (prior) {
      prior.pod = q.pod;
      prior.priority = q.priority;
      if (this.unschedulable.has(q.key) && changed) {
        // the pod changed: it may fit now
        this.unschedulable.delete(q.key);
        this.toActiveOrBackoff(prior);
      } else if (this.active.has(q.key)) this.active.push(prior);
      return;
    }
    this.pushActive(q);
  }

  delete(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** The next pod to schedule (waits while activeQ is empty); undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const q = this.active.pop();
    if (q) return Promise.resolve(this.popped(q));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private popped(q: QueuedPodInfo): QueuedPodInfo {
    this.schedulingCycle++;
    q.attempts++;
    this.inFlight.add(q.key);
    return q;
  }

  /** The attempt ended (bound, gone, or re-queued). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The attempt failed. `podCycle` is the cycle the pod was popped in: if a move request came
   * since, the pod may fit now and goes to backoff instead of waiting for another event.
   */
  addUnschedulable(q: QueuedPodInfo, podCycle: number, backoffOnly = false): void {
    this.inFlight.delete(q.key);
    if (this.closed) return;
    q.timestamp = this.now();
    if (backoffOnly || this.moveRequestCycle >= podCycle) this.backoff.push(q);
    else this.unschedulable.set(q.key, q);
  }

  /** A cluster event that may make unschedulable pods fit: move them all (to backoff while backing off). */
  moveAllToActiveOrBackoff(): void {
    this.moveRequestCycle = this.schedulingCycle;
    if (this.unschedulable.size === 0) return;
    const moving = [...this.unschedulable.values()];
    this.unschedulable.clear();
    for (const q of moving) this.toActiveOrBackoff(q);
  }

  private toActiveOrBackoff(q: QueuedPodInfo): void {
    if (this.backoffExpiry(q) > this.now()) this.backoff.push(q);
    else this.pushActive(q);
  }

  private pushActive(q: QueuedPodInfo): void {
    const w = this.waiters.shift();
    if (w) w(this.popped(q));
    else this.active.push(q);
  }

  /** Move pods whose backoff ended to activeQ; unschedulable pods waiting too long too. */
  flush(): void {
    const now = this.now();
    for (;;) {
      const q = this.backoff.peek();
      if (!q || this.backoffExpiry(q) > now) break;
      this.backoff.pop();
      this.pushActive(q);
    }
    if (now - this.lastUnschedFlush >= 30_000) {
      this.lastUnschedFlush = now;
      for (const [k, q] of this.unschedulable) {
        if (now - q.timestamp >= this.maxInUnschedulableMs) {
          this.unschedulable.delete(k);
          this.toActiveOrBackoff(q);
        }
      }
    }
  }
}
