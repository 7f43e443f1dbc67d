/**
 * Fairness under a flood: does one noisy user raise another user's latency? A Server with the
 * MaxInFlight plugin (low limit), a 5 ms handler at /bench and a tiny test authenticator (the user
 * is the `X-Bench-User` header) listens on 127.0.0.1 (plain HTTP). User B sends requests alone, then
 * while user A floods with high concurrency (never backing off); both with and without fair
 * queuing. B honours Retry-After on 429 like client-go (up to 10 retries), so a refused request
 * shows as latency. Load runs in worker threads, not on the server's event loop.
 *
 *   npm run build && node dist/bench/fairness.js [-- --seconds 3 --limit 4 --flood 64]
 *
 * Prints B's p50/p99 alone and under the flood and the ratio B_p99(flood)/B_p99(alone) per mode.
 */
import http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pino from 'pino';
import { FilterStage, HandlerStage } from '../hooks/stages';
import { listen } from '../core/http/listener';
import { Server } from '../core/server/server';
import MaxInFlight from '../plugins/filters/max-in-flight';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const SECONDS = arg('seconds', 3);
const LIMIT = arg('limit', 4);
const FLOOD = arg('flood', 64);
const B_CONCURRENCY = 2;
const HANDLER_MS = 5;

interface LoadJob {
  url: string;
  user: string;
  concurrency: number;
  seconds: number;
  /** honour Retry-After on 429 (B) or retry at once (A, the noisy client) */
  polite: boolean;
}
interface LoadResult {
  latencies: number[];
  ok: number;
  refused: number;
  failed: number;
}

// ---------------------------------------------------------------- worker: one user's load
async function runLoad(job: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const result: LoadResult = { latencies: [], ok: 0, refused: 0, failed: 0 };
  const end = Date.now() + job.seconds * 1000;
  const once = () =>
    new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
      const req = http.get(job.url, { agent, headers: { 'X-Bench-User': job.user } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
      });
      req.on('error', reject);
    });
  const loop = async () => {
    while (Date.now() < end) {
      const t0 = performance.now();
      let done = false;
      for (let attempt = 0; attempt <= 10 && !done; attempt++) {
        const r = await once().catch(() => ({ status: 0, retryAfter: 1 }));
        if (r.status === 200) {
          result.ok++;
          result.latencies.push(performance.now() - t0);
          done = true;
        } else if (r.status === 429) {
          result.refused++;
          if (!job.polite) break;
          await new Promise((res) => setTimeout(res, r.retryAfter * 1000));
        } else {
          result.failed++;
          break;
        }
      }
      if (!done && !job.polite) await new Promise((res) => setImmediate(res));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  agent.destroy();
  return result;
}

if (!isMainThread) {
  void runLoad(workerData as LoadJob).then((r) => parentPort!.postMessage(r));
}

function inWorker(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: job });
    w.once('message', (r: LoadResult) => {
      resolve(r);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

// ---------------------------------------------------------------- main: server and phases
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function startServer(fairQueuing: boolean) {
  const server = new Server({ config: {}, dataDir: '/nonexistent', logger: pino({ level: 'silent' }) });
  server.hooks.filter.tapPromise({ name: 'BenchAuthenticator', stage: FilterStage.AUTHENTICATION }, async (ctx) => {
    const u = ctx.headers['x-bench-user'];
    if (typeof u === 'string') ctx.user = { username: u, groups: ['system:authenticated'] };
    return undefined;
  });
  MaxInFlight.apply(server, { maxRequestsInFlight: LIMIT, maxMutatingRequestsInFlight: LIMIT, fairQueuing, queueLengthPerUser: 16, maxQueueWaitSeconds: 5, exemptGroups: [] });
  server.hooks.resolveHandler.tapPromise({ name: 'BenchHandler', stage: HandlerStage.BUILTIN }, async (ctx) =>
    ctx.path === '/bench' ? async () => (await new Promise((r) => setTimeout(r, HANDLER_MS)), { status: 200, body: { kind: 'Bench' } }) : undefined,
  );
  await server.initialize();
  const listener = await listen(server, { host: '127.0.0.1', port: 0 });
  server.addListener(listener);
  await server.started();
  return { server, url: `${listener.url}/bench` };
}

interface Row {
  mode: string;
  alone: LoadResult;
  flood: LoadResult;
  a: LoadResult;
}

async function measure(fairQueuing: boolean): Promise<Row> {
  const { server, url } = await startServer(fairQueuing);
  try {
    const b = (seconds: number) => inWorker({ url, user: 'b', concurrency: B_CONCURRENCY, seconds, polite: true });
    await b(0.3); // warm-up
    const alone = await b(SECONDS);
    const [flood, a] = await Promise.all([b(SECONDS), inWorker({ url, user: 'a', concurrency: FLOOD, seconds: SECONDS + 0.5, polite: false })]);
    return { mode: fairQueuing ? 'fair queuing' : 'no queuing (429)', alone, flood, a };
  } finally {
    await server.stop(1000);
  }
}

async function main(): Promise<void> {
  console.log(`fairness: limit ${LIMIT} in flight, handler ${HANDLER_MS} ms, B ${B_CONCURRENCY} concurrent (polite), A ${FLOOD} concurrent (flooding), ${SECONDS}s per phase`);
  const rows = [await measure(true), await measure(false)];
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  console.log('');
  console.log('| mode | B p50 alone | B p99 alone | B p50 flood | B p99 flood | B p99 flood/alone | B 429s in flood | B ok in flood | A ok/s | A 429s |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const al = [...r.alone.latencies].sort((x, y) => x - y);
    const fl = [...r.flood.latencies].sort((x, y) => x - y);
    const ratio = quantile(fl, 0.99) / quantile(al, 0.99);
    console.log(
      `| ${r.mode} | ${f(quantile(al, 0.5))} ms | ${f(quantile(al, 0.99))} ms | ${f(quantile(fl, 0.5))} ms | ${f(quantile(fl, 0.99))} ms | ${f(ratio)}x | ${r.flood.refused} | ${r.flood.ok} | ${Math.round(r.a.ok / (SECONDS + 0.5))} | ${r.a.refused} |`,
    );
  }
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
