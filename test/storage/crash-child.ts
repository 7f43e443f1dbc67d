/**
 * Child process for the sqlite crash test (spawned as `node crash-child.js <db> <concurrency>`).
 * Opens the sqlite backend and writes under load until killed: `concurrency` workers mix creates of
 * new keys with CAS increments of shared counters. Every write is printed as one JSON line
 * {key, value, rev} to stdout ONLY after its promise resolved, i.e. after it was acknowledged.
 * The first line is {ready: <currentRevision at open>}.
 */
import { openSqliteStorage } from '../../core/storage/sqlite';
import { isStorageError, type Storage } from '../../core/storage/types';

export const CRASH_PREFIX = '/registry/crash/';
const COUNTERS = 8;

function emit(line: object): void {
  // stdout is a pipe: synchronous on Linux, so a printed line is in the pipe before the next write
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function ensureCounters(storage: Storage): Promise<void> {
  for (let i = 0; i < COUNTERS; i++) {
    try {
      const kv = await storage.create(`${CRASH_PREFIX}counters/c${i}`, '0');
      emit({ key: kv.key, value: kv.value, rev: kv.modRevision });
    } catch (err) {
      if (!isStorageError(err, 'KeyExists')) throw err;
    }
  }
}

async function increment(storage: Storage, key: string): Promise<void> {
  for (;;) {
    const cur = await storage.get(key);
    if (!cur) throw new Error(`counter ${key} missing`);
    try {
      const kv = await storage.update(key, String(Number(cur.value) + 1), cur.modRevision);
      emit({ key, value: kv.value, rev: kv.modRevision });
      return;
    } catch (err) {
      if (!isStorageError(err, 'Conflict')) throw err;
    }
  }
}

async function worker(storage: Storage, id: number): Promise<never> {
  for (let n = 0; ; n++) {
    if (Math.random() < 0.5) {
      const key = `${CRASH_PREFIX}items/${process.pid}-${id}-${n}`;
      const kv = await storage.create(key, `v${n}`);
      emit({ key, value: kv.value, rev: kv.modRevision });
    } else {
      await increment(storage, `${CRASH_PREFIX}counters/c${Math.floor(Math.random() * COUNTERS)}`);
    }
  }
}

async function main(): Promise<void> {
  const [file, concurrencyArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: crash-child <db-file> [concurrency]');
  const concurrency = Number(concurrencyArg ?? 32);
  // a short history window so compaction (and its sweep) is often in flight when the kill lands
  const storage = await openSqliteStorage({ path: file, historyWindowSeconds: 0.1, compactIntervalSeconds: 0.05 });
  emit({ ready: await storage.currentRevision() });
  await ensureCounters(storage);
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(storage, i)));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`crash-child: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
