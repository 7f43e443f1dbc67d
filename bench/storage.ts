/**
 * Storage throughput: the sqlite backend, the etcd backend and raw etcd3 calls (the baseline) at
 * one concurrency, on a throwaway etcd (test/helpers/etcd.ts, loopback only) and a temp dir.
 *
 *   npm run build && npm run bench:storage [-- --seconds 3 --concurrency 64 --watchers 16]
 *
 * Each target gets --seconds per measurement, in 500 ms slices interleaved round-robin with the
 * other targets (the numbers are noisy on a shared machine; interleaving keeps the ratios fair).
 * Measures durable creates/s, gets/s, full lists of 1,000 keys per second and watch deliveries/s
 * (events received by all watchers per second while the writers run). Prints a table with the
 * ratios etcd backend / raw etcd3 and sqlite / raw etcd3, then the targets. Everything it starts
 * is stopped and removed at the end, also on failure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { openStorage } from '../core/storage/index';
import type { Storage } from '../core/storage/types';
import { startEtcd, type EtcdServer } from '../test/helpers/etcd';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const SECONDS = arg('seconds', 3);
const CONCURRENCY = arg('concurrency', 64);
const WATCHERS = arg('watchers', 16);
const SLICE_MS = 500;
const WARMUP_MS = 300;
const LIST_SIZE = 1000;
const VALUE = JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', data: { payload: 'x'.repeat(200) } });

/** what one target can do; keys are relative to the target's own prefix */
interface Target {
  name: string;
  create(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  list(prefix: string): Promise<number>;
  /** start `n` watchers of `prefix` counting deliveries; resolves once all are live */
  watch(prefix: string, n: number, onEvent: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

function storageTarget(name: string, s: Storage): Target {
  return {
    name,
    create: (k, v) => s.create(k, v),
    get: (k) => s.get(k),
    list: async (p) => (await s.list(p)).items.length,
    watch: async (p, n, onEvent) => {
      const ws = Array.from({ length: n }, () =>
        s.watch(p, { fromRevision: 0 }, { next: onEvent, error: (e) => console.error(`${name} watch error: ${e.code} ${e.message}`) }),
      );
      return async () => ws.forEach((w) => w.close());
    },
    close: () => s.close(),
  };
}

function rawTarget(client: Etcd3): Target {
  return {
    name: 'raw etcd3',
    create: (k, v) => client.put(k).value(v).exec(),
    get: (k) => client.get(k).string(),
    list: async (p) => (await client.getAll().prefix(p).exec()).kvs.length,
    watch: async (p, n, onEvent) => {
      const ws = await Promise.all(Array.from({ length: n }, () => client.watch().prefix(p).create()));
      for (const w of ws) w.on('put', onEvent);
      return async () => {
        await Promise.all(ws.map((w) => w.cancel()));
      };
    },
    close: async () => client.close(),
  };
}

/** creates only: the compare-and-put transaction a create-if-absent needs, straight on etcd3 */
function rawTxnTarget(client: Etcd3): Target {
  const unsupported = (): never => {
    throw new Error('raw txn target: creates only');
  };
  return {
    name: 'raw etcd3 txn',
    create: (k, v) => {
      const key = Buffer.from(k);
      return client.kv.txn({
        compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key, value: Buffer.from(v) } }],
        failure: [],
      });
    },
    get: unsupported,
    list: unsupported,
    watch: unsupported,
    close: async () => undefined,
  };
}

/** one measurement prepared on one target: run(ms) measures a slice; counts ops (or deliveries) */
interface Prepared {
  run(ms: number): Promise<{ n: number; seconds: number }>;
  done(): Promise<void>;
}

/** `op` from CONCURRENCY workers for `ms` */
async function slice(ms: number, op: () => Promise<unknown>): Promise<{ n: number; seconds: number }> {
  const start = performance.now();
  const end = start + ms;
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await op();
        n++;
      }
    }),
  );
  return { n, seconds: (performance.now() - start) / 1000 };
}

let seq = 0;
const unique = (): string => `${process.pid}-${++seq}`;
const noop = async (): Promise<void> => undefined;

async function prepareCreates(t: Target): Promise<Prepared> {
  const p = `/bench/creates/${unique()}/`;
  let i = 0;
  return { run: (ms) => slice(ms, () => t.create(`${p}${i++}`, VALUE)), done: noop };
}

async function prepareGets(t: Target): Promise<Prepared> {
  const p = `/bench/gets/${unique()}/`;
  const keys = Array.from({ length: 256 }, (_, i) => `${p}k${i}`);
  await Promise.all(keys.map((k) => t.create(k, VALUE)));
  let i = 0;
  return { run: (ms) => slice(ms, () => t.get(keys[i++ % keys.length])), done: noop };
}

async function prepareLists(t: Target): Promise<Prepared> {
  const p = `/bench/lists/${unique()}/`;
  for (let i = 0; i < LIST_SIZE; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, j) => t.create(`${p}k${String(i + j).padStart(5, '0')}`, VALUE)));
  }
  const n = await t.list(p);
  if (n !== LIST_SIZE) throw new Error(`${t.name}: listed ${n} keys, expected ${LIST_SIZE}`);
  return { run: (ms) => slice(ms, () => t.list(p)), done: noop };
}

/** WATCHERS watchers on a prefix; a slice is CONCURRENCY writers for `ms`, timed until the last delivery */
async function prepareWatch(t: Target): Promise<Prepared> {
  const p = `/bench/watch/${unique()}/`;
  let delivered = 0;
  let lastAt = 0;
  const stop = await t.watch(p, WATCHERS, () => {
    delivered++;
    lastAt = performance.now();
  });
  // all watchers live: each sees a sentinel write
  await t.create(`${p}sentinel`, VALUE);
  await until(() => delivered >= WATCHERS, `${t.name}: watchers did not start`);
  let i = 0;
  return {
    run: async (ms) => {
      delivered = 0;
      const start = performance.now();
      const writes = await slice(ms, () => t.create(`${p}${i++}`, VALUE));
      await until(() => delivered >= writes.n * WATCHERS, `${t.name}: ${delivered}/${writes.n * WATCHERS} deliveries`);
      return { n: delivered, seconds: (lastAt - start) / 1000 };
    },
    done: stop,
  };
}

async function until(cond: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const METRICS: { name: string; prepare(t: Target): Promise<Prepared> }[] = [
  { name: 'creates/s (durable)', prepare: prepareCreates },
  { name: 'gets/s', prepare: prepareGets },
  { name: `lists/s (${LIST_SIZE} keys)`, prepare: prepareLists },
  { name: `watch deliveries/s (${WATCHERS} watchers)`, prepare: prepareWatch },
];

/**
 * Each target gets SECONDS in total, in short slices interleaved round-robin across the targets
 * (after one warm-up slice each), so drift in disk and CPU (shared machine) hits all alike.
 */
async function measure(metric: (typeof METRICS)[number], targets: Record<string, Target>): Promise<Record<string, number>> {
  const names = Object.keys(targets);
  const prepared: Record<string, Prepared> = {};
  const total: Record<string, { n: number; seconds: number }> = {};
  try {
    for (const k of names) {
      prepared[k] = await metric.prepare(targets[k]);
      await prepared[k].run(WARMUP_MS);
      total[k] = { n: 0, seconds: 0 };
    }
    const rounds = Math.max(1, Math.round((SECONDS * 1000) / SLICE_MS));
    for (let r = 0; r < rounds; r++) {
      for (const k of names) {
        const x = await prepared[k].run(SLICE_MS);
        total[k].n += x.n;
        total[k].seconds += x.seconds;
      }
    }
  } finally {
    for (const p of Object.values(prepared)) await p.done();
  }
  return Object.fromEntries(names.map((k) => [k, total[k].n / total[k].seconds]));
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function printTable(results: Map<string, Record<string, number>>): void {
  const header = ['metric', 'sqlite', 'etcd backend', 'raw etcd3', 'etcd/raw', 'sqlite/raw'];
  const rows = [...results].map(([metric, r]) => [
    metric,
    fmt(r.sqlite),
    fmt(r.etcd),
    fmt(r.raw),
    `${(r.etcd / r.raw).toFixed(2)}x`,
    `${(r.sqlite / r.raw).toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<number> {
  console.log(`storage bench: concurrency ${CONCURRENCY}, ${SECONDS}s per measurement, node ${process.version}, ${os.cpus().length} CPUs`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-storage-'));
  const removeDir = (): void => fs.rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeDir);
  let etcd: EtcdServer | undefined;
  const targets: Record<string, Target> = {};
  try {
    etcd = await startEtcd();
    const rawClient = new Etcd3({ hosts: [etcd.endpoint] });
    targets.raw = rawTarget(rawClient);
    const etcdStorage = await openStorage({ backend: 'etcd', etcd: { endpoints: [etcd.endpoint], prefix: '/k8ts-bench' } }, dir);
    targets.etcd = storageTarget('etcd backend', etcdStorage);
    const sqlite = await openStorage({ backend: 'sqlite' }, dir);
    targets.sqlite = storageTarget('sqlite', sqlite);
    const results = new Map<string, Record<string, number>>();
    for (const m of METRICS) {
      // creates also measure the raw create-if-absent txn: the least etcd work a create can be
      const r = await measure(m, m.prepare === prepareCreates ? { ...targets, rawTxn: rawTxnTarget(rawClient) } : targets);
      console.log(`  ${m.name.padEnd(34)} ${Object.entries(r).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
      results.set(m.name, r);
    }
    console.log('');
    printTable(results);
    const creates = results.get(METRICS[0].name) ?? {};
    const sqliteOk = creates.sqlite >= 5000;
    const etcdOk = creates.etcd >= 0.8 * creates.raw;
    console.log('');
    console.log(`target sqlite >= 5,000 durable creates/s at c=${CONCURRENCY}: ${fmt(creates.sqlite)} ${sqliteOk ? 'MET' : 'NOT MET'}`);
    console.log(`target etcd backend >= 0.8x raw etcd3 puts/s: ${(creates.etcd / creates.raw).toFixed(2)}x ${etcdOk ? 'MET' : 'NOT MET'}`);
    console.log(
      `(raw etcd3 create-if-absent txn: ${fmt(creates.rawTxn)}/s = ${(creates.rawTxn / creates.raw).toFixed(2)}x raw puts; ` +
        `etcd backend / raw txn = ${(creates.etcd / creates.rawTxn).toFixed(2)}x)`,
    );
    return 0;
  } finally {
    for (const t of Object.values(targets)) await t.close().catch(() => undefined);
    await etcd?.stop();
    removeDir();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
