/**
 * Compaction for the sqlite backend, in two steps:
 *
 * 1. logical: record the compacted revision C in `meta` (reads and watches below C now fail with
 *    Expired, also after a restart);
 * 2. physical sweep, in small transactions that yield to the event loop: for every key written
 *    since the last sweep, delete its rows below C that are deletes or are superseded by a row at
 *    or below C. The latest row of each live key stays, so the state at C stays readable. The
 *    sweep's progress is recorded too, so a crash mid-sweep only repeats idempotent work.
 *
 * The periodic compactor keeps a history window: every interval it compacts to the last revision
 * written at or before now - window.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { META_COMPACTED, META_REVISION, META_SWEPT, type Statements } from './sqlite-schema';

/** revisions swept per transaction */
const SWEEP_CHUNK = 2000;

export interface CompactorHost {
  readonly db: Database.Database;
  readonly stmts: Statements;
  currentRevision(): number;
  compactedRevision(): number;
  /** called after the compacted revision is committed */
  setCompactedRevision(revision: number): void;
}

export interface CompactorOptions {
  historyWindowMs: number;
  /** 0 disables the periodic compaction */
  intervalMs: number;
  sweptRevision: number;
  onError(err: unknown): void;
}

export class SqliteCompactor {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private swept: number;

  constructor(
    private readonly host: CompactorHost,
    private readonly opts: CompactorOptions,
  ) {
    this.swept = opts.sweptRevision;
  }

  start(): void {
    if (this.opts.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.compact(this.windowTarget()).catch((err: unknown) => this.opts.onError(err));
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  /** Compact at `revision` (no-op at or below the compacted revision). Runs are serialized. */
  compact(revision: number): Promise<void> {
    const run = this.chain.then(() => this.run(revision));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stop the timer and wait for a running compaction to reach a safe point. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** The last revision written at or before now - window (binary search; ts grows with id). */
  windowTarget(now = Date.now()): number {
    const cutoff = now - this.opts.historyWindowMs;
    const { stmts } = this.host;
    // smallest x such that the first row at or after x is newer than the cutoff (or there is none)
    let lo = this.host.compactedRevision() + 1;
    let hi = this.host.currentRevision() + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = stmts.tsAtOrAfter.get(mid);
      if (!row || row.ts > cutoff) hi = mid;
      else lo = mid + 1;
    }
    return lo - 1;
  }

  private async run(revision: number): Promise<void> {
    const { db, stmts } = this.host;
    const target = Math.min(revision, this.host.currentRevision());
    if (target > this.host.compactedRevision()) {
      db.transaction(() => {
        stmts.setMeta.run(META_COMPACTED, target);
        stmts.setMeta.run(META_REVISION, this.host.currentRevision());
      }).immediate();
      this.host.setCompactedRevision(target);
    }
    await this.sweep();
  }

  /** Remove the rows the compacted revision made unreachable, from the last sweep point up. */
  private async sweep(): Promise<void> {
    const { db, stmts } = this.host;
    const compacted = this.host.compactedRevision();
    while (this.swept < compacted && !this.stopping) {
      const lo = this.swept;
      const hi = Math.min(lo + SWEEP_CHUNK, compacted);
      db.transaction(() => {
        for (const { name } of stmts.namesIn.all(lo, hi)) stmts.sweepKey.run({ name, rev: compacted });
        stmts.setMeta.run(META_SWEPT, hi);
      }).immediate();
      this.swept = hi;
      await yieldToLoop();
    }
  }
}
