/**
 * The sqlite backend's file: opening it (exclusively), the kine-style revision log schema, and the
 * prepared statements the backend and the compactor use.
 *
 * One row per revision: `id` is the revision; `created`/`deleted` flag creates and deletes; a
 * delete row carries the last value; `old_value` is the value before the write (so watch replay
 * needs no join and survives compaction of the previous row); `ts` (ms) drives the history window.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StorageError } from './types';

export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL,
  old_value TEXT,
  ts INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_name_id_deleted ON kv (name, id, deleted);
CREATE TABLE IF NOT EXISTS meta (
  k TEXT PRIMARY KEY,
  v INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** A row of the revision log. */
export interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
  old_value: string | null;
  ts: number;
}

/** meta keys */
export const META_COMPACTED = 'compacted_revision';
/** revision up to which superseded rows have been physically removed */
export const META_SWEPT = 'swept_revision';
/** the highest revision ever assigned (guards the counter if the newest rows were ever removed) */
export const META_REVISION = 'revision';
const META_SCHEMA = 'schema_version';

const COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, value, old_value, ts';

function prepareAll(db: Database.Database) {
  const latestAt = `SELECT ${COLUMNS} FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`;
  // the latest row of each key in [start, end) at revision @rev, live keys only, in key order;
  // the grouping runs on the covering index and stops early under LIMIT
  const range = (bounded: boolean) => `
    SELECT kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.value, kv.old_value, kv.ts
    FROM (SELECT name AS n, MAX(id) AS mid, deleted AS del FROM kv
          WHERE name >= @start ${bounded ? 'AND name < @end' : ''} AND id <= @rev GROUP BY name ORDER BY name) m
    CROSS JOIN kv ON kv.id = m.mid
    WHERE m.del = 0 ORDER BY m.n LIMIT @limit`;
  const count = (bounded: boolean) => `
    SELECT COUNT(*) AS n FROM (SELECT MAX(id), deleted AS del FROM kv
      WHERE name >= @start ${bounded ? 'AND name < @end' : ''} AND id <= @rev GROUP BY name) WHERE del = 0`;
  const history = (bounded: boolean) => `
    SELECT ${COLUMNS} FROM kv WHERE id > @after AND id <= @upto AND name >= @start ${bounded ? 'AND name < @end' : ''} ORDER BY id`;
  return {
    latest: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`),
    latestAt: db.prepare<[string, number], Row>(latestAt),
    insert: db.prepare<[number, string, number, number, number, number, string, string | null, number]>(
      `INSERT INTO kv (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    rangeBounded: db.prepare<[{ start: string; end: string; rev: number; limit: number }], Row>(range(true)),
    rangeOpen: db.prepare<[{ start: string; rev: number; limit: number }], Row>(range(false)),
    countBounded: db.prepare<[{ start: string; end: string; rev: number }], { n: number }>(count(true)),
    countOpen: db.prepare<[{ start: string; rev: number }], { n: number }>(count(false)),
    historyBounded: db.prepare<[{ after: number; upto: number; start: string; end: string }], Row>(history(true)),
    historyOpen: db.prepare<[{ after: number; upto: number; start: string }], Row>(history(false)),
    maxId: db.prepare<[], { m: number | null }>('SELECT MAX(id) AS m FROM kv'),
    tsAtOrAfter: db.prepare<[number], { id: number; ts: number }>('SELECT id, ts FROM kv WHERE id >= ? ORDER BY id LIMIT 1'),
    namesIn: db.prepare<[number, number], { name: string }>('SELECT DISTINCT name FROM kv WHERE id > ? AND id <= ?'),
    // rows of one key made unreachable by compaction at @rev: deletes below it, and rows superseded
    // by a later row at or below it
    sweepKey: db.prepare<[{ name: string; rev: number }]>(
      `DELETE FROM kv WHERE name = @name AND id < @rev
         AND (deleted = 1 OR id < (SELECT MAX(id) FROM kv WHERE name = @name AND id <= @rev))`,
    ),
    getMeta: db.prepare<[string], { v: number }>('SELECT v FROM meta WHERE k = ?'),
    setMeta: db.prepare<[string, number]>('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v'),
  };
}

export type Statements = ReturnType<typeof prepareAll>;

export interface OpenedDatabase {
  db: Database.Database;
  stmts: Statements;
  /** the highest revision in the file */
  revision: number;
  compactedRevision: number;
  sweptRevision: number;
}

function openError(file: string, err: unknown): StorageError {
  const code = (err as { code?: unknown } | null)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StorageError('Unavailable', `sqlite storage ${file}: database is locked: another process (or storage instance) has it open`, {
      cause: err,
    });
  }
  return new StorageError('Internal', `sqlite storage ${file}: ${msg}`, { cause: err });
}

/**
 * Open (creating if needed) the database at `file`, exclusively: the file stays locked until
 * closed, so a second opener (another process or instance) gets one clear error naming the file.
 */
export function openDatabase(file: string): OpenedDatabase {
  let db: Database.Database | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { timeout: 0 });
    // EXCLUSIVE before WAL: the WAL index then lives in heap memory and the lock, once taken by
    // the write below, is held until close
    db.pragma('locking_mode = EXCLUSIVE');
    const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`cannot switch to WAL journal (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    const stmts = prepareAll(db);
    const conn = db;
    const opened = conn
      .transaction((): OpenedDatabase => {
        const schema = stmts.getMeta.get(META_SCHEMA)?.v;
        if (schema !== undefined && schema > SCHEMA_VERSION) {
          throw new Error(`schema version ${schema} is newer than this k8ts understands (${SCHEMA_VERSION})`);
        }
        stmts.setMeta.run(META_SCHEMA, SCHEMA_VERSION); // the write that takes the exclusive lock
        const compactedRevision = stmts.getMeta.get(META_COMPACTED)?.v ?? 0;
        const revision = Math.max(stmts.maxId.get()?.m ?? 0, stmts.getMeta.get(META_REVISION)?.v ?? 0, compactedRevision);
        const sweptRevision = stmts.getMeta.get(META_SWEPT)?.v ?? 0;
        return { db: conn, stmts, revision, compactedRevision, sweptRevision };
      })
      .immediate();
    return opened;
  } catch (err) {
    try {
      db?.close();
    } catch {
      // already failing; the first error is the one to report
    }
    throw openError(file, err);
  }
}
