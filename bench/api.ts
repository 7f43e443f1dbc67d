/**
 * API machinery throughput over real HTTP on loopback: k8ts against a bare node:http server
 * answering the same bytes, in the same run. The headline k8ts is the default `k8ts up` plugin set
 * (every built-in enabled by default: authn, authz RBAC, admission, audit, filters, metrics, schema
 * validation, controllers) on embedded sqlite with `--insecure-http` (requests carry no
 * credentials: system:insecure in system:masters, as kubectl over http://). Extra rows, labelled
 * "reduced", measure GET/create/update on a server with only the KubeAPIServer plugin (generic
 * store, watch cache, sqlite), the core machinery alone. The load generator runs in a worker thread so it does not share the servers' event loop.
 *
 *   npm run build && node dist/bench/api.js [-- --seconds 2 --concurrency 64 --watchers 100]
 *
 * Measures: GET one object, create, update (PUT), LIST of 1,000 objects (JSON and Table), and
 * watch fan-out (events delivered to all watchers per second). k8ts and the baseline alternate in
 * slices so machine noise hits both. Prints a table with ratios, then the targets. Everything it
 * starts is stopped and its temp dir removed, also on failure.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import pino from 'pino';
import KubeAPIServer from '../plugins/apiserver/rest';
import { builtinPlugins } from '../plugins';
import { validateConfig } from '../core/config/load';
import { buildServer } from '../core/server/bootstrap';
import { LifecycleStage } from '../hooks/stages';
import { listen, type HttpListener } from '../core/http/listener';
import { getResourceRegistry } from '../core/registry/registry';
import { WIDGETS, TEST_GROUP } from '../core/registry/test-resources';
import { Server } from '../core/server/server';
import { openStorage } from '../core/storage/index';
import { runLoad, runWatch, type LoadSpec, type LoadResult, type WatchSpec } from './api-client';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const SECONDS = arg('seconds', 2);
const CONCURRENCY = arg('concurrency', 64);
const WATCHERS = arg('watchers', 100);
const WATCH_EVENTS = arg('events', 5000);
const LIST_SIZE = 1000;
const SLICES = 4;
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const base = (ns: string) => `/apis/${TEST_GROUP}/v1/namespaces/${ns}/widgets`;

function widget(name: string, ns: string, replicas = 1): string {
  return JSON.stringify({
    apiVersion: `${TEST_GROUP}/v1`,
    kind: 'Widget',
    metadata: { name, namespace: ns, labels: { app: 'bench', tier: 'x' } },
    spec: { color: 'red', replicas, note: 'x'.repeat(200) },
  });
}

/** The baseline: answers every request with the bytes k8ts would send for it. */
class Bare {
  bytes = new Map<string, { status: number; body: Buffer }>();
  watchers = new Set<http.ServerResponse>();
  readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (url.includes('watch=true')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        this.watchers.add(res);
        res.on('close', () => this.watchers.delete(res));
        return;
      }
      const hit = this.bytes.get(String(req.headers['x-bench-key'] ?? ''));
      if (!hit) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(hit.status, { 'Content-Type': 'application/json', 'Content-Length': hit.body.length });
      res.end(hit.body);
    });
  });
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.server.keepAliveTimeout = 65_000;
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    for (const w of this.watchers) w.end();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

interface Row {
  metric: string;
  k8ts: string;
  bare: string;
  ratio: string;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');

function merge(results: LoadResult[]): { rate: number; p50: number; p99: number; errors: number } {
  const lat = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const n = results.reduce((s, r) => s + r.count, 0);
  const secs = results.reduce((s, r) => s + r.seconds, 0);
  return { rate: n / secs, p50: pct(lat, 0.5), p99: pct(lat, 0.99), errors: results.reduce((s, r) => s + r.errors, 0) };
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-api-'));
  const worker = new Worker(__filename, { argv: ['--client'] });
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; error?: string; result?: unknown }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p?.reject(new Error(m.error));
    else p?.resolve(m.result);
  });
  const call = <T>(msg: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...msg, id });
    });
  const servers: Server[] = [];
  const bare = new Bare();
  let backend = 'sqlite';
  /** the default `k8ts up --insecure-http` (full) or only KubeAPIServer (reduced), sqlite in its own dir, widgets registered */
  const start = async (set: 'full' | 'reduced'): Promise<{ srv: Server; url: string }> => {
    const dir = path.join(tmp, set);
    fs.mkdirSync(dir);
    let srv: Server;
    if (set === 'full') {
      const config = validateConfig({ dataDir: dir, logLevel: 'silent', apiserver: { insecureHttp: true, port: 0 } }, '<bench>');
      srv = buildServer({ loaded: { config, file: '<bench>', baseDir: dir }, builtins: builtinPlugins, logger: pino({ level: 'silent' }) }).server;
    } else {
      srv = new Server({ config: {}, dataDir: dir, logger: pino({ level: 'silent' }) });
      const s = srv;
      s.hooks.initialize.tapPromise({ name: 'Bench', stage: LifecycleStage.STORAGE }, async () => {
        try {
          s.storage = await openStorage({ backend: 'sqlite' }, dir);
        } catch (err) {
          backend = `memory (sqlite failed: ${(err as Error).message})`;
          s.storage = await openStorage({ backend: 'memory' }, dir);
        }
      });
      s.hooks.shutdown.tapPromise({ name: 'Bench', stage: LifecycleStage.STORAGE_CLOSE }, async () => {
        if (s.hasStorage) await s.storage.close();
      });
      KubeAPIServer.apply(s, { bookmarkIntervalSeconds: 3600 });
    }
    servers.push(srv);
    getResourceRegistry(srv).register(WIDGETS);
    const listener: HttpListener = await listen(srv, { host: '127.0.0.1', port: 0 });
    srv.addListener(listener);
    await srv.initialize();
    await srv.started();
    return { srv, url: listener.url };
  };
  try {
    const { srv, url: k8ts } = await start('full');
    const reduced = await start('reduced');
    const bareUrl = await bare.listen();
    const injectInto = (target: Server) => async (method: string, url: string, body?: string, headers: Record<string, string> = {}) => {
      const r = await target.inject({ method, url, body, headers: body ? { 'content-type': 'application/json', ...headers } : headers });
      if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${r.text()}`);
      return r;
    };
    const inject = injectInto(srv);
    // the full set admits nothing into a namespace that does not exist (NamespaceLifecycle)
    for (const ns of ['get', 'sample', 'create', 'update', 'list', 'watch']) {
      await inject('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    }
    console.log(`k8ts ${k8ts}: default \`k8ts up --insecure-http\` plugin set (storage ${backend}); reduced (KubeAPIServer only) ${reduced.url}; bare node:http ${bareUrl}`);
    console.log(`${SECONDS}s per target per metric, c=${CONCURRENCY}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} CPUs)`);
    const rows: Row[] = [];
    const alternate = async (spec: (target: string) => LoadSpec, target = k8ts): Promise<[ReturnType<typeof merge>, ReturnType<typeof merge>]> => {
      const k: LoadResult[] = [];
      const b: LoadResult[] = [];
      for (let i = 0; i < SLICES; i++) {
        k.push(await call<LoadResult>({ cmd: 'load', spec: spec(target) }));
        b.push(await call<LoadResult>({ cmd: 'load', spec: spec(bareUrl) }));
      }
      return [merge(k), merge(b)];
    };
    const slice = (SECONDS * 1000) / SLICES;

    // GET one object
    const one = await inject('POST', base('get'), widget('one', 'get'));
    bare.bytes.set('get', { status: 200, body: (await inject('GET', `${base('get')}/one`)).body });
    void one;
    const [gk, gb] = await alternate((u) => ({ base: u, key: 'get', method: 'GET', path: `${base('get')}/one`, concurrency: CONCURRENCY, durationMs: slice }));
    rows.push({ metric: `GET one object (req/s, c=${CONCURRENCY})`, k8ts: fmt(gk.rate), bare: fmt(gb.rate), ratio: fmt(gk.rate / gb.rate, 2) });
    rows.push({ metric: 'GET one object p99 (ms)', k8ts: fmt(gk.p99, 2), bare: fmt(gb.p99, 2), ratio: '' });

    // create
    const sample = await inject('POST', base('sample'), widget('sample', 'sample'));
    bare.bytes.set('create', { status: 201, body: sample.body });
    const [ck, cb] = await alternate((u) => ({ base: u, key: 'create', method: 'POST', path: base('create'), body: 'create', concurrency: CONCURRENCY, durationMs: slice }));
    rows.push({ metric: `create (req/s, c=${CONCURRENCY})`, k8ts: fmt(ck.rate), bare: fmt(cb.rate), ratio: fmt(ck.rate / cb.rate, 2) });
    rows.push({ metric: 'create p99 (ms)', k8ts: fmt(ck.p99, 2), bare: fmt(cb.p99, 2), ratio: '' });

    // update (PUT, unconditional, a different replicas value each time so it is never a no-op)
    for (let i = 0; i < CONCURRENCY; i++) await inject('POST', base('update'), widget(`u${i}`, 'update'));
    bare.bytes.set('update', { status: 200, body: sample.body });
    const [uk, ub] = await alternate((u) => ({ base: u, key: 'update', method: 'PUT', path: base('update'), body: 'update', concurrency: CONCURRENCY, durationMs: slice }));
    rows.push({ metric: `update (req/s, c=${CONCURRENCY})`, k8ts: fmt(uk.rate), bare: fmt(ub.rate), ratio: fmt(uk.rate / ub.rate, 2) });
    rows.push({ metric: 'update p99 (ms)', k8ts: fmt(uk.p99, 2), bare: fmt(ub.p99, 2), ratio: '' });

    // LIST 1,000 (JSON and Table), one request at a time
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < LIST_SIZE; i++) creates.push(inject('POST', base('list'), widget(`l${String(i).padStart(4, '0')}`, 'list')));
    await Promise.all(creates);
    const listJson = await inject('GET', base('list'));
    const listTable = await inject('GET', base('list'), undefined, { accept: TABLE_ACCEPT });
    bare.bytes.set('list-JSON', { status: 200, body: listJson.body });
    bare.bytes.set('list-Table', { status: 200, body: listTable.body });
    for (const [label, accept] of [['JSON', 'application/json'], ['Table', TABLE_ACCEPT]] as const) {
      const [lk, lb] = await alternate((u) => ({ base: u, key: `list-${label}`, method: 'GET', path: base('list'), accept, concurrency: 1, durationMs: slice }));
      rows.push({ metric: `LIST 1,000 ${label} p50 (ms)`, k8ts: fmt(lk.p50, 2), bare: fmt(lb.p50, 2), ratio: fmt(lb.p50 / lk.p50, 2) });
    }

    // watch fan-out: WATCHERS streams, WATCH_EVENTS writes; deliveries/s until every watcher has every event
    const rv = JSON.parse((await inject('GET', base('watch'))).text()).metadata.resourceVersion as string;
    const spec: WatchSpec = { base: k8ts, path: `${base('watch')}?watch=true&resourceVersion=${rv}`, watchers: WATCHERS, expect: WATCH_EVENTS };
    const kw = call<{ ms: number; delivered: number }>({ cmd: 'watch', spec });
    await call({ cmd: 'watchReady' });
    // writes go straight to storage (the API write path is measured above): this isolates the
    // watch path: storage watch -> watch cache -> serialize once -> 100 HTTP streams
    const t0 = process.hrtime.bigint();
    let next = 0;
    const stored = (i: number) => {
      const o = JSON.parse(widget(`e${i}`, 'watch'));
      o.metadata.uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      o.metadata.creationTimestamp = '2026-11-26T00:00:00Z';
      o.metadata.generation = 1;
      return JSON.stringify(o);
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < WATCH_EVENTS) {
          const i = next++;
          await srv.storage.create(`/registry/${TEST_GROUP}/widgets/watch/e${i}`, stored(i));
        }
      }),
    );
    const writeMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const kres = await kw;
    const line = Buffer.from(`{"type":"ADDED","object":${sample.text()}}\n`);
    const bw = call<{ ms: number; delivered: number }>({ cmd: 'watch', spec: { ...spec, base: bareUrl } });
    await call({ cmd: 'watchReady' });
    for (let i = 0; i < WATCH_EVENTS; i++) {
      for (const res of bare.watchers) res.write(line);
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    const bres = await bw;
    for (const res of bare.watchers) res.end();
    const kRate = kres.delivered / (kres.ms / 1000);
    const bRate = bres.delivered / (bres.ms / 1000);
    rows.push({ metric: `watch deliveries/s (${WATCHERS} watchers, ${WATCH_EVENTS} events)`, k8ts: fmt(kRate), bare: fmt(bRate), ratio: fmt(kRate / bRate, 2) });
    rows.push({ metric: '  (k8ts: storage writes took, ms)', k8ts: fmt(writeMs), bare: '', ratio: '' });

    // reduced: the same GET/create/update on the KubeAPIServer-only server (extra rows, not the headline)
    const rinject = injectInto(reduced.srv);
    await rinject('POST', base('get'), widget('one', 'get'));
    const [rgk, rgb] = await alternate((u) => ({ base: u, key: 'get', method: 'GET', path: `${base('get')}/one`, concurrency: CONCURRENCY, durationMs: slice }), reduced.url);
    rows.push({ metric: `reduced (KubeAPIServer only): GET one object (req/s)`, k8ts: fmt(rgk.rate), bare: fmt(rgb.rate), ratio: fmt(rgk.rate / rgb.rate, 2) });
    const [rck, rcb] = await alternate((u) => ({ base: u, key: 'create', method: 'POST', path: base('create'), body: 'create', concurrency: CONCURRENCY, durationMs: slice }), reduced.url);
    rows.push({ metric: `reduced (KubeAPIServer only): create (req/s)`, k8ts: fmt(rck.rate), bare: fmt(rcb.rate), ratio: fmt(rck.rate / rcb.rate, 2) });
    rows.push({ metric: 'reduced (KubeAPIServer only): create p99 (ms)', k8ts: fmt(rck.p99, 2), bare: fmt(rcb.p99, 2), ratio: '' });
    for (let i = 0; i < CONCURRENCY; i++) await rinject('POST', base('update'), widget(`u${i}`, 'update'));
    const [ruk, rub] = await alternate((u) => ({ base: u, key: 'update', method: 'PUT', path: base('update'), body: 'update', concurrency: CONCURRENCY, durationMs: slice }), reduced.url);
    rows.push({ metric: `reduced (KubeAPIServer only): update (req/s)`, k8ts: fmt(ruk.rate), bare: fmt(rub.rate), ratio: fmt(ruk.rate / rub.rate, 2) });

    const w = [Math.max(...rows.map((r) => r.metric.length)), 12, 12, 7];
    const pad = (s: string, n: number, left = false) => (left ? s.padEnd(n) : s.padStart(n));
    console.log(`\n${pad('metric', w[0], true)}  ${pad('k8ts', w[1])}  ${pad('bare', w[2])}  ${pad('ratio', w[3])}`);
    for (const r of rows) console.log(`${pad(r.metric, w[0], true)}  ${pad(r.k8ts, w[1])}  ${pad(r.bare, w[2])}  ${pad(r.ratio, w[3])}`);
    const errors = gk.errors + ck.errors + uk.errors + rgk.errors + rck.errors + ruk.errors;
    console.log(`\nerrors: ${errors}`);
    console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log('\ntargets (default k8ts up plugin set)');
    const check = (ok: boolean, what: string) => console.log(`  ${ok ? 'PASS' : 'MISS'}  ${what}`);
    check(gk.rate / gb.rate >= 0.3, `GET >= 0.30x bare (${fmt(gk.rate / gb.rate, 2)}x)`);
    check(ck.rate >= 5000 && ck.p99 < 50, `>= 5,000 creates/s at c=${CONCURRENCY} with p99 < 50 ms (${fmt(ck.rate)}/s, p99 ${fmt(ck.p99, 1)} ms)`);
    const lk = rows.find((r) => r.metric.startsWith('LIST 1,000 JSON'))!;
    const lt = rows.find((r) => r.metric.startsWith('LIST 1,000 Table'))!;
    check(Number(lk.k8ts) <= 10 && Number(lt.k8ts) <= 10, `LIST 1,000 p50 <= 10 ms (JSON ${lk.k8ts} ms, Table ${lt.k8ts} ms)`);
    check(kRate >= 100_000, `>= 100k watch deliveries/s (${fmt(kRate)}/s)`);
    return 0;
  } finally {
    await worker.terminate();
    await bare.close().catch(() => undefined);
    for (const s of servers) await s.stop(2000).catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (isMainThread) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  let ready: Promise<void> | undefined;
  parentPort!.on('message', (msg: { id: number; cmd: string; spec: LoadSpec & WatchSpec }) => {
    const reply = (p: Promise<unknown>) =>
      p.then(
        (result) => parentPort!.postMessage({ id: msg.id, result }),
        (err: unknown) => parentPort!.postMessage({ id: msg.id, error: String((err as Error)?.stack ?? err) }),
      );
    if (msg.cmd === 'load') void reply(runLoad(msg.spec, widget));
    else if (msg.cmd === 'watch') {
      const w = runWatch(msg.spec);
      ready = w.ready;
      void reply(w.done);
    } else if (msg.cmd === 'watchReady') void reply(ready!);
  });
}
