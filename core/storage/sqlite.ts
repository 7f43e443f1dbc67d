/**
 * The embedded default backend: a kine-style revision log in SQLite (better-sqlite3), WAL journal,
 * synchronous=FULL, so an acknowledged write is on disk when its promise resolves.
 *
 * Group commit: writes queue up; on the next turn of the event loop one transaction applies the
 * whole queue in order (each op decides exists/CAS against the state left by the ops before it),
 * and the single commit (one fsync) is shared by all of them. Events are published to in-process
 * watchers right after the commit, then the promises resolve. Reads are synchronous SQLite reads
 * of committed state. The file is held exclusively for as long as the storage is open.
 */
import { decodeContinue, encodeContinue } from './continue-token';
import { expiredError, futureRevision, prefixEnd } from './keys';
import { SqliteCompactor } from './sqlite-compactor';
import { openDatabase, type OpenedDatabase, type Row } from './sqlite-schema';
import {
  StorageError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Storage,
  type WatchEvent,
  type WatchHandler,
  type WatchOptions,
  type Watcher,
} from './types';
import { WatchHub } from './watch-hub';

export interface SqliteStorageOptions {
  /** the database file (created with its directory if missing) */
  path: string;
  /** history kept for watch resume and reads at past revisions, in seconds (default 300) */
  historyWindowSeconds: number;
  /** how often the periodic compaction runs, in seconds (default 60; 0 disables it) */
  compactIntervalSeconds: number;
}

const DEFAULTS = { historyWindowSeconds: 300, compactIntervalSeconds: 60 };
/** the most ops one group-commit transaction applies */
const MAX_BATCH = 4096;

type WriteOp =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

interface Pending {
  op: WriteOp;
  resolve(kv: KeyValue): void;
  reject(err: StorageError): void;
}

function toKeyValue(r: Row): KeyValue {
  return { key: r.name, value: r.value, createRevision: r.create_revision, modRevision: r.id };
}

function toEvent(r: Row): WatchEvent {
  const type = r.deleted ? 'DELETED' : r.created ? 'ADDED' : 'MODIFIED';
  const ev: WatchEvent = { type, key: r.name, value: r.value, revision: r.id, createRevision: r.create_revision };
  if (r.old_value !== null) ev.prevValue = r.old_value;
  return ev;
}

class SqliteStorage implements Storage {
  readonly backend = 'sqlite';
  private rev: number;
  private compacted: number;
  private closed = false;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private readonly hub: WatchHub;
  private readonly compactor: SqliteCompactor;
  private readonly applyBatch: (batch: readonly Pending[], out: (Row | StorageError)[]) => void;

  constructor(
    private readonly file: string,
    private readonly opened: OpenedDatabase,
    opts: SqliteStorageOptions,
  ) {
    this.rev = opened.revision;
    this.compacted = opened.compactedRevision;
    this.hub = new WatchHub(
      { history: (prefix, after, upto) => this.history(prefix, after, upto), compactedRevision: () => this.compacted },
      this.rev,
    );
    this.compactor = new SqliteCompactor(
      {
        db: opened.db,
        stmts: opened.stmts,
        currentRevision: () => this.rev,
        compactedRevision: () => this.compacted,
        setCompactedRevision: (r) => {
          this.compacted = r;
        },
      },
      {
        historyWindowMs: opts.historyWindowSeconds * 1000,
        intervalMs: opts.compactIntervalSeconds * 1000,
        sweptRevision: opened.sweptRevision,
        onError: (err) => process.emitWarning(`sqlite storage ${file}: compaction failed: ${String(err)}`),
      },
    );
    this.applyBatch = opened.db.transaction((batch: readonly Pending[], out: (Row | StorageError)[]) => {
      const now = Date.now();
      for (const p of batch) out.push(this.applyOne(p.op, now));
    });
    this.compactor.start();
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.enqueue({ kind: 'create', key, value });
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.enqueue({ kind: 'update', key, value, expected: expectedModRevision });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.enqueue({ kind: 'delete', key, expected: expectedModRevision });
  }

  async get(key: string, opts: { revision?: number } = {}): Promise<KeyValue | undefined> {
    return this.read(() => {
      const row = this.opened.stmts.latestAt.get(key, this.readRevision(opts.revision));
      return row && !row.deleted ? toKeyValue(row) : undefined;
    });
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.read(() => {
      const { stmts } = this.opened;
      let rev: number;
      let start = prefix;
      if (opts.continue) {
        const pos = decodeContinue(prefix, opts.continue);
        rev = this.readRevision(pos.revision);
        start = pos.startKey;
      } else {
        rev = this.readRevision(opts.revision);
      }
      const end = prefixEnd(prefix);
      const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
      const q = { start, end, rev, limit: limit > 0 ? limit + 1 : -1 };
      const rows = end ? stmts.rangeBounded.all(q) : stmts.rangeOpen.all(q);
      const result: ListResult = { items: [], revision: rev };
      if (limit > 0 && rows.length > limit) {
        rows.length = limit;
        const total = (end ? stmts.countBounded.get(q) : stmts.countOpen.get(q))?.n ?? 0;
        result.continue = encodeContinue(prefix, rev, rows[limit - 1].name);
        result.remainingItemCount = total - limit;
      }
      result.items = rows.map(toKeyValue);
      return result;
    });
  }

  watch(prefix: string, opts: WatchOptions, handler: WatchHandler): Watcher {
    return this.hub.watch(prefix, opts.fromRevision, handler);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision > this.rev) throw futureRevision(revision, this.rev);
    try {
      await this.compactor.compact(revision);
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compacted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // writes already accepted are committed (and acknowledged) before the file is released
    while (this.queue.length > 0) this.flush();
    await this.compactor.stop();
    this.hub.close();
    this.opened.db.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Unavailable', `sqlite storage ${this.file}: closed`);
  }

  private wrap(err: unknown): StorageError {
    if (err instanceof StorageError) return err;
    return new StorageError('Internal', `sqlite storage ${this.file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }

  private read<T>(fn: () => T): T {
    this.checkOpen();
    try {
      return fn();
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /** The revision to read at: latest for 0/undefined; Expired below the compacted revision. */
  private readRevision(revision: number | undefined): number {
    if (!revision) return this.rev;
    if (revision > this.rev) throw futureRevision(revision, this.rev);
    if (revision < this.compacted) throw expiredError(`revision ${revision}`, this.compacted);
    return revision;
  }

  private enqueue(op: WriteOp): Promise<KeyValue> {
    if (this.closed) return Promise.reject(new StorageError('Unavailable', `sqlite storage ${this.file}: closed`));
    return new Promise<KeyValue>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flushAll();
        });
      }
    });
  }

  private flushAll(): void {
    while (this.queue.length > 0) this.flush();
  }

  /** Apply one batch in one transaction (one fsync), then publish its events and settle it. */
  private flush(): void {
    const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
    this.queue = batch === this.queue ? [] : this.queue.slice(MAX_BATCH);
    const startRev = this.rev;
    const results: (Row | StorageError)[] = [];
    try {
      this.applyBatch(batch, results);
    } catch (err) {
      this.rev = startRev; // rolled back: no revision of this batch exists
      const e = this.wrap(err);
      for (const p of batch) p.reject(e);
      return;
    }
    const events: WatchEvent[] = [];
    for (const r of results) if (!(r instanceof StorageError)) events.push(toEvent(r));
    this.hub.publish(events);
    for (let i = 0; i < batch.length; i++) {
      const r = results[i];
      if (r instanceof StorageError) batch[i].reject(r);
      else batch[i].resolve(toKeyValue(r));
    }
  }

  /** Decide and apply one op inside the batch transaction; a failed precondition is its result. */
  private applyOne(op: WriteOp, now: number): Row | StorageError {
    const { stmts } = this.opened;
    const cur = stmts.latest.get(op.key);
    const live = cur && !cur.deleted ? cur : undefined;
    let row: Row;
    const id = this.rev + 1;
    if (op.kind === 'create') {
      if (live) return new StorageError('KeyExists', `key ${op.key} already exists`, { key: op.key });
      row = { id, name: op.key, created: 1, deleted: 0, create_revision: id, prev_revision: cur?.id ?? 0, value: op.value, old_value: null, ts: now };
    } else {
      if (!live) return new StorageError('NotFound', `key ${op.key} not found`, { key: op.key });
      if (op.expected !== undefined && live.id !== op.expected) {
        return new StorageError('Conflict', `key ${op.key}: modRevision is ${live.id}, expected ${op.expected}`, {
          key: op.key,
          current: toKeyValue(live),
        });
      }
      const deleted = op.kind === 'delete';
      row = {
        id,
        name: op.key,
        created: 0,
        deleted: deleted ? 1 : 0,
        create_revision: live.create_revision,
        prev_revision: live.id,
        value: deleted ? live.value : op.value,
        old_value: live.value,
        ts: now,
      };
    }
    stmts.insert.run(row.id, row.name, row.created, row.deleted, row.create_revision, row.prev_revision, row.value, row.old_value, row.ts);
    this.rev = id;
    return row;
  }

  private history(prefix: string, after: number, upto: number): WatchEvent[] {
    if (after + 1 < this.compacted) throw expiredError(`watch from revision ${after}`, this.compacted);
    const { stmts } = this.opened;
    const end = prefixEnd(prefix);
    const rows = end
      ? stmts.historyBounded.all({ after, upto, start: prefix, end })
      : stmts.historyOpen.all({ after, upto, start: prefix });
    return rows.map(toEvent);
  }
}

export async function openSqliteStorage(opts: Partial<SqliteStorageOptions> & { path: string }): Promise<Storage> {
  const full: SqliteStorageOptions = { ...DEFAULTS, ...opts };
  for (const k of ['historyWindowSeconds', 'compactIntervalSeconds'] as const) {
    if (!Number.isFinite(full[k]) || full[k] < 0) throw new Error(`sqlite storage ${full.path}: ${k} must be a number >= 0`);
  }
  return new SqliteStorage(full.path, openDatabase(full.path), full);
}
