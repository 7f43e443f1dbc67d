/**
 * A concurrency limit with optional fair queuing: when every slot is taken, requests wait in one
 * bounded FIFO per flow (per user), and a freed slot goes to the flows in round-robin order, so a
 * flow that floods the server only ever competes for its turn. Without queuing a full limiter
 * refuses at once (kube-apiserver's classic max-in-flight).
 */

export interface LimiterOptions {
  /** slots (requests executing at once) */
  limit: number;
  /** queue when full (per flow, round-robin); false = refuse at once */
  queuing: boolean;
  /** requests one flow may have waiting */
  queueLengthPerFlow: number;
  /** longest wait in the queue before refusing */
  maxWaitMs: number;
}

/** Why a request was refused. */
export type Refusal = 'full' | 'queue-full' | 'wait-expired' | 'aborted';

interface Waiter {
  resolve(outcome: true | Refusal): void;
  timer: NodeJS.Timeout;
  flow: string;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class Limiter {
  private inFlightValue = 0;
  private queuedValue = 0;
  /** flow -> its waiters; Map order is the round-robin order (a served flow moves to the end) */
  private readonly queues = new Map<string, Waiter[]>();
  /** flows in the order they were given a slot after waiting (tests count fairness on it) */
  onDispatch?: (flow: string) => void;

  constructor(readonly options: LimiterOptions) {}

  get inFlight(): number {
    return this.inFlightValue;
  }

  get queued(): number {
    return this.queuedValue;
  }

  /** Take a slot now (true), or wait for one (a promise of true or the refusal). */
  acquire(flow: string, signal?: AbortSignal): true | Refusal | Promise<true | Refusal> {
    if (this.inFlightValue < this.options.limit && this.queuedValue === 0) {
      this.inFlightValue++;
      return true;
    }
    if (!this.options.queuing) return 'full';
    if (signal?.aborted) return 'aborted';
    let queue = this.queues.get(flow);
    if (queue && queue.length >= this.options.queueLengthPerFlow) return 'queue-full';
    if (!queue) this.queues.set(flow, (queue = []));
    const q = queue;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        flow,
        resolve,
        signal,
        timer: setTimeout(() => this.drop(q, waiter, 'wait-expired'), this.options.maxWaitMs),
      };
      if (signal) {
        waiter.onAbort = () => this.drop(q, waiter, 'aborted');
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      q.push(waiter);
      this.queuedValue++;
    });
  }

  /** Give a slot back; the next flow in round-robin order gets it. */
  release(): void {
    this.inFlightValue--;
    while (this.inFlightValue < this.options.limit && this.queuedValue > 0) {
      const next = this.queues.entries().next().value as [string, Waiter[]];
      const [flow, queue] = next;
      const waiter = queue.shift()!;
      this.queues.delete(flow);
      if (queue.length > 0) this.queues.set(flow, queue);
      this.queuedValue--;
      this.settle(waiter);
      this.inFlightValue++;
      this.onDispatch?.(flow);
      waiter.resolve(true);
    }
  }

  private drop(queue: Waiter[], waiter: Waiter, why: Refusal): void {
    const i = queue.indexOf(waiter);
    if (i < 0) return;
    queue.splice(i, 1);
    if (queue.length === 0 && this.queues.get(waiter.flow) === queue) this.queues.delete(waiter.flow);
    this.queuedValue--;
    this.settle(waiter);
    waiter.resolve(why);
  }

  private settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}
