/**
 * A worker_threads pool for script hooks. Each worker loads the QuickJS WASM module once and runs
 * one call at a time in a fresh QuickJS runtime/context (sandbox.ts). The main thread never runs
 * user code: it serialises the input, checks sizes, and keeps a watchdog per call — a worker that
 * has not answered within the call's deadline + grace (stuck in native code, where QuickJS's
 * interrupt handler is not consulted) is terminated and replaced, and the call fails as Timeout.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fail, MAX_SOURCE_BYTES, resolveLimits, type ResolvedLimits, type ScriptLimits, type ScriptResult } from './limits';
import type { WorkerRequest } from './worker';

export interface ScriptPoolOptions {
  /** Worker threads; default min(2, available CPUs). */
  size?: number;
  /** Extra time past a call's deadline before the watchdog kills its worker; default 1000 ms. */
  graceMs?: number;
  /** The worker's entry file (default worker.js beside this file); tests use a wrapper that can hang. */
  workerFile?: string;
}

export interface ScriptCall {
  /** A classic script defining `function hook(input) { ... }`. */
  source: string;
  /** Any JSON-serialisable value; at most 1 MiB as JSON. */
  input?: unknown;
  limits?: ScriptLimits;
}

export interface ScriptPoolStats {
  size: number;
  /** Worker threads started (loading, warming up or ready). */
  workers: number;
  busy: number;
  queued: number;
  /** Workers replaced after a watchdog kill or a crash, since the pool was created. */
  replaced: number;
}

interface Job {
  req: Omit<WorkerRequest, 'id'>;
  resolve: (r: ScriptResult) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job & { id: number; timer: NodeJS.Timeout };
}

const WORKER_FILE = path.join(__dirname, 'worker.js');
/** The worker's native stack sits well above the QuickJS stack limit, so QuickJS's own check fires first. */
const WORKER_RESOURCE_LIMITS = { stackSizeMb: 8, maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 };
const MAX_START_FAILURES = 3;
/** Deadline of the create-time check (compile + top level). */
const CHECK_TIMEOUT_MS = 1000;

export class ScriptPool {
  readonly size: number;
  private readonly graceMs: number;
  private readonly workerFile: string;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private replaced = 0;
  private startFailures = 0;
  private closed = false;

  constructor(opts: ScriptPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? Math.min(2, availableParallelism())));
    this.graceMs = opts.graceMs ?? 1000;
    this.workerFile = opts.workerFile ?? WORKER_FILE;
  }

  /** Run one call; never rejects for anything the script does (the result says why it failed). */
  run(call: ScriptCall): Promise<ScriptResult> {
    if (this.closed) return Promise.resolve(fail('WorkerCrashed', 'the script pool is closed'));
    const limits = resolveLimits(call.limits);
    if (utf8Over(call.source, MAX_SOURCE_BYTES)) {
      return Promise.resolve(fail('ScriptError', `the script source is larger than ${MAX_SOURCE_BYTES} bytes`));
    }
    const inputJson = JSON.stringify(call.input) ?? 'null';
    if (utf8Over(inputJson, limits.maxInputBytes)) {
      return Promise.resolve(fail('InputTooLarge', `the input is larger than ${limits.maxInputBytes} bytes as JSON`));
    }
    return this.enqueue({ source: call.source, inputJson, limits });
  }

  /** Create-time check: why `source` cannot be a hook (syntax error, no hook function, top level fails), or undefined. */
  async check(source: string): Promise<string | undefined> {
    if (utf8Over(source, MAX_SOURCE_BYTES)) return `the script source is larger than ${MAX_SOURCE_BYTES} bytes`;
    // the check bounds a hostile top level, but a loaded machine must not fail a valid hook: 1 s
    const r = await this.enqueue({ source, inputJson: 'null', limits: { ...resolveLimits(undefined), timeoutMs: CHECK_TIMEOUT_MS }, checkOnly: true });
    return r.ok ? undefined : `${r.reason}: ${r.message}`;
  }

  /** Start the workers now (they otherwise start on the first call), without waiting for them. */
  start(): void {
    if (this.closed) return;
    while (this.slots.length < this.size) this.spawn();
  }

  /** Start the workers now (they otherwise start on the first call) and wait until they are ready. */
  async ready(timeoutMs = 30_000): Promise<void> {
    if (this.closed) throw new Error('the script pool is closed');
    this.start();
    const end = Date.now() + timeoutMs;
    while (!this.slots.every((s) => s.ready)) {
      if (Date.now() > end) throw new Error('script workers did not start in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  stats(): ScriptPoolStats {
    return { size: this.size, workers: this.slots.length, busy: this.slots.filter((s) => s.job).length, queued: this.queue.length, replaced: this.replaced };
  }

  /** Terminate the workers; calls in flight or queued fail as WorkerCrashed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(fail('WorkerCrashed', 'the script pool was closed'));
    const slots = this.slots.splice(0);
    for (const s of slots) this.finish(s, fail('WorkerCrashed', 'the script pool was closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private enqueue(req: Job['req']): Promise<ScriptResult> {
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      if (this.startFailures >= MAX_START_FAILURES) this.startFailures = 0; // a new call gets a new chance
      while (this.slots.length < this.size) this.spawn();
      this.dispatch();
    });
  }

  private spawn(): void {
    const slot: Slot = { worker: new Worker(this.workerFile, { resourceLimits: WORKER_RESOURCE_LIMITS }), ready: false };
    slot.worker.unref();
    this.slots.push(slot);
    slot.worker.on('message', (m: { type?: string; id?: number; result?: ScriptResult; outputJson?: string }) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.startFailures = 0;
        this.dispatch();
      } else if (slot.job && m.id === slot.job.id && m.result) {
        this.finish(slot, m.result.ok ? output(m.outputJson) : m.result);
        this.dispatch();
      }
    });
    slot.worker.on('error', () => undefined); // 'exit' follows and does the bookkeeping
    slot.worker.on('exit', (code) => {
      if (!slot.ready) this.startFailures++;
      this.finish(slot, fail('WorkerCrashed', `the script worker exited (code ${code})`));
      this.replace(slot);
    });
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // already replaced (watchdog) or closed
    this.slots.splice(i, 1);
    if (this.closed) return;
    this.replaced++;
    if (this.startFailures >= MAX_START_FAILURES) {
      for (const job of this.queue.splice(0)) job.resolve(fail('WorkerCrashed', 'script workers fail to start'));
      return;
    }
    this.spawn();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      const timer = setTimeout(() => this.watchdog(slot), job.req.limits.timeoutMs + this.graceMs);
      slot.job = { ...job, id, timer };
      // the worker stops a script itself at half the grace, before the watchdog has to kill it
      const limits = { ...job.req.limits, wallLimitMs: job.req.limits.timeoutMs + Math.floor(this.graceMs / 2) };
      slot.worker.postMessage({ id, ...job.req, limits } satisfies WorkerRequest);
    }
  }

  private watchdog(slot: Slot): void {
    const limits: ResolvedLimits | undefined = slot.job?.req.limits;
    this.finish(slot, fail('Timeout', `the script did not finish within its ${limits?.timeoutMs} ms deadline; its worker was replaced`));
    this.replace(slot);
    void slot.worker.terminate();
    this.dispatch();
  }

  private finish(slot: Slot, result: ScriptResult): void {
    const job = slot.job;
    if (!job) return;
    slot.job = undefined;
    clearTimeout(job.timer);
    job.resolve(result);
  }
}

/** Whether `s` is longer than `max` bytes in UTF-8 (counted only when the length alone cannot tell). */
function utf8Over(s: string, max: number): boolean {
  if (s.length > max) return true;
  return s.length * 3 > max && Buffer.byteLength(s) > max;
}

function output(json: string | undefined): ScriptResult {
  if (json === undefined) return { ok: true, output: undefined };
  try {
    return { ok: true, output: JSON.parse(json) };
  } catch {
    return fail('BadOutput', 'the output is not valid JSON');
  }
}
