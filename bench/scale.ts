/**
 * Scale of one in-process k8ts holding many simulated nodes and pods (not a test):
 *
 *   npm run build && npm run bench:scale [-- --nodes 1000 --pods 100000 --storage sqlite --controllers --no-scheduler]
 *
 * Starts k8ts in-process (port 0, plain HTTP, the default plugin set but the controller-manager
 * unless --controllers, and without the scheduler with --no-scheduler; storage sqlite by default, as `k8ts up`) with `nodes: [{ name: sim,
 * count: N }]` (the Kubelet and the simulated runtime), creates the pods with spec.nodeName set
 * round-robin (1,000 per namespace, 64 concurrent creates), and while it runs probes the API SLOs from a separate loop:
 * mutating calls (a ConfigMap update, and every pod create), GET of one pod, LIST of the pods of
 * one namespace. Prints progress every 5 s, then: time to register the nodes, time until every
 * pod is Running, RSS and heap (peak and at the end), the SLO table (p50/p99/max against
 * mutating p99 ≤ 1 s, GET p99 ≤ 1 s, namespace LIST p99 ≤ 5 s), load average at start and end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { startK8ts } from '../core/cli/start';
import { inProcessClient, type Client, type GVR } from '../core/client';
import { loadConfig } from '../core/config/load';
import type { KObject } from '../core/registry/types';
import { builtinPlugins } from '../plugins';
import { getKubelet } from '../plugins/kubelet/kubelet';

const PODS: GVR = { group: '', version: 'v1', resource: 'pods' };
const CONFIGMAPS: GVR = { group: '', version: 'v1', resource: 'configmaps' };
const NAMESPACES: GVR = { group: '', version: 'v1', resource: 'namespaces' };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const sarg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

const NODES = arg('nodes', 1000);
const PODS_N = arg('pods', 100_000);
const PER_NS = 1000;
const CONCURRENCY = arg('concurrency', 64);
const STORAGE = sarg('storage', 'sqlite');

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

class Latencies {
  readonly ms: number[] = [];
  async time<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.ms.push(performance.now() - t0);
    }
  }
  q(p: number): number {
    if (!this.ms.length) return NaN;
    const s = [...this.ms].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))];
  }
}

function running(host: ReturnType<typeof getKubelet>): number {
  return host?.pods.countPhase('Running') ?? 0;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-scale-'));
  const file = path.join(dir, 'k8ts.yaml');
  fs.writeFileSync(
    file,
    stringify({
      dataDir: path.join(dir, 'data'),
      logLevel: 'silent',
      storage: { backend: STORAGE },
      apiserver: { port: 0, insecureHttp: true, drainTimeoutSeconds: 1 },
      nodes: [{ name: 'sim', count: NODES }],
      plugins: { ...(flag('controllers') ? {} : { controllers: { disabled: ['*'] } }), ...(flag('no-scheduler') ? { scheduler: { disabled: ['*'] } } : {}) },
    }),
  );
  process.stdout.write(`bench:scale — ${NODES} simulated nodes, ${PODS_N} pods, storage ${STORAGE}, controllers ${flag('controllers') ? 'on' : 'off'}, scheduler ${flag('no-scheduler') ? 'off' : 'on'}; load average at start: ${load()} (${os.cpus().length} CPUs)\n`);
  const t0 = performance.now();
  const started = await startK8ts({ loaded: loadConfig(file), builtins: builtinPlugins, logger: pino({ level: 'silent' }) });
  const tNodes = (performance.now() - t0) / 1000;
  const server = started.server;
  const client: Client = inProcessClient(server);
  const host = getKubelet(server);
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    return m;
  };
  process.stdout.write(`${NODES} nodes registered (k8ts started) in ${tNodes.toFixed(1)} s; rss ${mb(sample().rss)}\n`);

  const mutating = new Latencies();
  const creates = new Latencies();
  const gets = new Latencies();
  const lists = new Latencies();
  const namespaces = Math.ceil(PODS_N / PER_NS);
  for (let i = 0; i < namespaces; i++) await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `scale-${i}` } });
  await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', namespace: 'scale-0' }, data: { n: '0' } });

  // the SLO probe: its own loop, while pods are created and started
  let probing = true;
  const probe = (async () => {
    let i = 0;
    while (probing) {
      i++;
      await mutating.time(() => client.patch(CONFIGMAPS, { namespace: 'scale-0', name: 'probe' }, 'merge', { data: { n: String(i) } })).catch(() => undefined);
      await gets.time(() => client.get(PODS, { namespace: 'scale-0', name: 'pod-0' })).catch(() => undefined);
      if (i % 10 === 0) await lists.time(() => client.list(PODS, { namespace: `scale-${i % namespaces}` })).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const progress = setInterval(() => {
    const m = sample();
    process.stdout.write(`  ${((performance.now() - t1) / 1000).toFixed(0)} s: created ${created}, running ${running(host)}, rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}, load ${load()}\n`);
  }, 5000);
  const t1 = performance.now();
  let created = 0;
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < PODS_N; i = next++) {
        const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: `scale-${Math.floor(i / PER_NS)}`, labels: { app: 'scale' } }, spec: { nodeName: `sim-${i % NODES}`, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } };
        try {
          await creates.time(() => client.create(PODS, pod as KObject));
          created++;
        } catch {
          failures++;
        }
      }
    }),
  );
  const tCreated = (performance.now() - t1) / 1000;
  while (running(host) < created) await new Promise((r) => setTimeout(r, 250));
  const tRunning = (performance.now() - t1) / 1000;
  probing = false;
  await probe;
  clearInterval(progress);
  if (global.gc) global.gc();
  const end = sample();

  const row = (name: string, l: Latencies, limit: number) =>
    `| ${name.padEnd(34)} | ${String(l.ms.length).padStart(7)} | ${l.q(0.5).toFixed(1).padStart(8)} | ${l.q(0.99).toFixed(1).padStart(8)} | ${l.q(1).toFixed(1).padStart(8)} | ${(l.q(0.99) <= limit ? 'met' : 'MISSED').padEnd(6)} (p99 ≤ ${limit / 1000} s) |`;
  process.stdout.write(`
| result | value |
|---|---|
| nodes | ${NODES} (registered in ${tNodes.toFixed(1)} s, with k8ts startup) |
| pods created | ${created} (${failures} failed) in ${tCreated.toFixed(1)} s = ${(created / tCreated).toFixed(0)} pods/s |
| all pods Running after | ${tRunning.toFixed(1)} s from the first create (${(created / tRunning).toFixed(0)} pods/s end to end) |
| kubelet status writes + deletes | ${host?.writes ?? 0} |
| RSS peak / end | ${mb(peakRss)} / ${mb(end.rss)} (target < 2048 MiB: ${peakRss < 2 ** 31 ? 'met' : 'MISSED'}) |
| heap used peak / end | ${mb(peakHeap)} / ${mb(end.heapUsed)} |
| load average at end | ${load()} |

| SLO probe | calls | p50 ms | p99 ms | max ms | |
|---|---|---|---|---|---|
${row('mutating (ConfigMap patch)', mutating, 1000)}
${row('mutating (pod create)', creates, 1000)}
${row('GET pod', gets, 1000)}
${row(`LIST pods of a namespace (${PER_NS})`, lists, 5000)}
`);
  await server.stop(0).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
