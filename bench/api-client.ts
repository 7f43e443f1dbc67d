/**
 * The load generator of bench/api.ts (runs in a worker thread): closed-loop HTTP/1.1 keep-alive
 * clients at a fixed concurrency, and counting watch streams. Loopback only; every loop is bounded
 * by a duration or a count.
 */
import http from 'node:http';

export interface LoadSpec {
  /** http://127.0.0.1:port */
  base: string;
  method: string;
  path: string;
  /** `create`: a new object per request; `update`: PUT of the worker's own object */
  body?: 'create' | 'update';
  accept?: string;
  /** which canned answer the baseline server sends (header x-bench-key; k8ts ignores it) */
  key: string;
  concurrency: number;
  durationMs: number;
}

export interface LoadResult {
  count: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

export interface WatchSpec {
  base: string;
  path: string;
  watchers: number;
  /** events each watcher must receive */
  expect: number;
}

const agents = new Map<string, http.Agent>();
function agentFor(base: string, sockets: number): http.Agent {
  const key = `${base}#${sockets}`;
  let a = agents.get(key);
  if (!a) agents.set(key, (a = new http.Agent({ keepAlive: true, maxSockets: sockets })));
  return a;
}

function request(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let uniq = 0;
const RUN = Math.random().toString(36).slice(2, 7);

export async function runLoad(spec: LoadSpec, widget: (name: string, ns: string, replicas?: number) => string): Promise<LoadResult> {
  const agent = agentFor(spec.base, spec.concurrency);
  const latencies: number[] = [];
  let count = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(spec.durationMs * 1e6));
  const ns = spec.path.split('/namespaces/')[1]?.split('/')[0] ?? 'default';
  await Promise.all(
    Array.from({ length: spec.concurrency }, async (_, worker) => {
      for (let i = 0; i < 10_000_000 && process.hrtime.bigint() < deadline; i++) {
        let path = spec.path;
        let body: string | undefined;
        const headers: Record<string, string> = { accept: spec.accept ?? 'application/json', 'x-bench-key': spec.key };
        if (spec.body === 'create') {
          body = widget(`c-${RUN}-${uniq++}`, ns);
        } else if (spec.body === 'update') {
          path = `${spec.path}/u${worker}`;
          body = widget(`u${worker}`, ns, uniq++);
        }
        if (body) headers['content-type'] = 'application/json';
        const t0 = process.hrtime.bigint();
        try {
          const status = await request(agent, new URL(path, spec.base), spec.method, headers, body);
          if (status >= 300) errors++;
        } catch {
          errors++;
        }
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        count++;
      }
    }),
  );
  return { count, errors, seconds: Number(process.hrtime.bigint() - started) / 1e9, latenciesMs: latencies };
}

/** Open `watchers` streams; `ready` when all answered, `done` when each saw `expect` lines. */
export function runWatch(spec: WatchSpec): { ready: Promise<void>; done: Promise<{ ms: number; delivered: number }> } {
  const agent = new http.Agent({ keepAlive: false, maxSockets: spec.watchers });
  const reqs: http.ClientRequest[] = [];
  let readyCount = 0;
  let complete = 0;
  let delivered = 0;
  let first: bigint | undefined;
  let resolveReady!: () => void;
  let resolveDone!: (v: { ms: number; delivered: number }) => void;
  let rejectAll!: (e: Error) => void;
  const ready = new Promise<void>((r, j) => {
    resolveReady = r;
    rejectAll = j;
  });
  const done = new Promise<{ ms: number; delivered: number }>((r, j) => {
    resolveDone = r;
    const prev = rejectAll;
    rejectAll = (e) => {
      prev(e);
      j(e);
    };
  });
  const timeout = setTimeout(() => {
    reqs.forEach((r) => r.destroy());
    rejectAll(new Error(`watch: timed out with ${delivered} deliveries, ${complete}/${spec.watchers} complete`));
  }, 120_000);
  for (let i = 0; i < spec.watchers; i++) {
    const req = http.get(new URL(spec.path, spec.base), { agent, headers: { accept: 'application/json' } }, (res) => {
      if (++readyCount === spec.watchers) resolveReady();
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        first ??= process.hrtime.bigint();
        let at = chunk.indexOf(10);
        while (at >= 0) {
          seen++;
          delivered++;
          at = chunk.indexOf(10, at + 1);
        }
        if (seen >= spec.expect && seen - spec.expect < 1e9) {
          seen = -1e9; // count once
          if (++complete === spec.watchers) {
            clearTimeout(timeout);
            const ms = Number(process.hrtime.bigint() - first!) / 1e6;
            reqs.forEach((r) => r.destroy());
            resolveDone({ ms, delivered });
          }
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
    reqs.push(req);
  }
  return { ready, done };
}
