/**
 * Scheduler throughput, in-process (not a test):
 *
 *   npm run build && npm run bench:scheduler [-- --quick] [-- --nodes 500,5000 --pods 1000,10000]
 *
 * For each (nodes, pods, workload): a fresh k8ts (memory storage, no kubelet, no controllers,
 * the default scheduler profile) where a Lease held by "bench" keeps the scheduler waiting while
 * the nodes (4 cpu, 16Gi, 110 pods) and the pending pods (100m / 128Mi) are created through the
 * API; then the Lease is deleted and the scheduler takes over. Reported: pods bound per second
 * from the first binding to the last (steady state) and from the takeover (including the
 * informers' initial lists). Workloads: `basic` (no affinity) and `anti-affinity` (required pod
 * anti-affinity on kubernetes.io/hostname within groups of at most nodes/2 pods).
 * With --e2e, also create → Running over simulated nodes (the kubelet's simulated runtime).
 * A progress bar goes to stderr; the table to stdout, with the load average at start and end.
 */
import os from 'node:os';
import { gvr, inProcessClient, LEASE_GVR, type Client } from '../core/client';
import type { KObject } from '../core/registry/types';
import { startCluster } from '../plugins/controllers/shared/test-cluster';
import { getScheduler } from '../plugins/scheduler/scheduler';

const PODS = gvr('v1', 'pods');
const NODES = gvr('v1', 'nodes');

function list(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  return String(process.argv[i + 1]).split(',').map(Number).filter((n) => n > 0);
}
const QUICK = process.argv.includes('--quick');
const NODE_COUNTS = list('nodes', QUICK ? [500] : [500, 5000]);
const POD_COUNTS = list('pods', QUICK ? [1000] : [1000, 10000]);
const WORKLOADS = (process.argv.includes('--workload') ? [process.argv[process.argv.indexOf('--workload') + 1]] : ['basic', 'anti-affinity']) as Array<'basic' | 'anti-affinity'>;
const E2E = process.argv.includes('--e2e');

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

function bar(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY && done !== total && done % Math.max(1, Math.floor(total / 20)) !== 0) return;
  const w = 30;
  const f = Math.round((w * done) / Math.max(1, total));
  process.stderr.write(`\r${label.padEnd(34)} [${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done}/${total}   `);
  if (done === total) process.stderr.write('\n');
}

async function createAll(n: number, label: string, make: (i: number) => KObject, client: Client, gvrOf: typeof PODS, concurrency = 64): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        await client.create(gvrOf, make(i));
        bar(label, ++done, n);
      }
    }),
  );
}

const node = (i: number): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
    status: { capacity: { cpu: '4', memory: '16Gi', pods: '110' }, allocatable: { cpu: '4', memory: '16Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  }) as KObject;

function pod(i: number, workload: 'basic' | 'anti-affinity', groups: number): KObject {
  const group = `g${i % groups}`;
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] };
  if (workload === 'anti-affinity') {
    spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { group } }, topologyKey: 'kubernetes.io/hostname' }] } };
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: 'default', labels: { group } }, spec } as KObject;
}

interface Row {
  nodes: number;
  pods: number;
  workload: string;
  steady: number;
  total: number;
  failed: number;
  cycleMs: number;
}

async function run(nodes: number, pods: number, workload: 'basic' | 'anti-affinity'): Promise<Row> {
  const cluster = await startCluster({
    scheduler: true,
    config: { plugins: { scheduler: { enabled: [{ name: 'Scheduler', options: { bindConcurrency: 64, leaderElection: { retryPeriodSeconds: 0.05, leaseDurationSeconds: 15, renewDeadlineSeconds: 10 } } }] } } },
  });
  const client = inProcessClient(cluster.server);
  try {
    // hold the scheduler off while the cluster fills: take its Lease over for an hour
    for (;;) {
      const now = new Date().toISOString().replace('Z', '000Z');
      try {
        const lease = await client.get(LEASE_GVR, { namespace: 'kube-system', name: 'kube-scheduler' });
        await client.update(LEASE_GVR, { ...lease, spec: { holderIdentity: 'bench', leaseDurationSeconds: 3600, acquireTime: now, renewTime: now } } as KObject);
      } catch {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const deadline = Date.now() + 30_000;
      while (getScheduler(cluster.server)?.isLeader() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      break;
    }
    await createAll(nodes, `${workload} ${nodes} nodes: create nodes`, node, client, NODES);
    const groups = Math.max(1, Math.ceil(pods / Math.max(1, Math.floor(nodes / 2))));
    await createAll(pods, `${workload} ${nodes} nodes: create pods`, (i) => pod(i, workload, groups), client, PODS);
    const t0 = performance.now();
    await client.delete(LEASE_GVR, { namespace: 'kube-system', name: 'kube-scheduler' });
    let first = 0;
    for (;;) {
      const s = getScheduler(cluster.server);
      const done = s?.stats.scheduled ?? 0;
      if (done > 0 && !first) first = performance.now();
      bar(`${workload} ${nodes}n ${pods}p: scheduling`, done, pods);
      if (done >= pods) break;
      if (performance.now() - t0 > 600_000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const end = performance.now();
    const s = getScheduler(cluster.server)!;
    const done = s.stats.scheduled;
    return { nodes, pods, workload, steady: done / ((end - first) / 1000), total: done / ((end - t0) / 1000), failed: s.stats.unschedulable, cycleMs: s.stats.cycleMs / Math.max(1, s.stats.attempts) };
  } finally {
    client.close();
    await cluster.close();
  }
}

async function e2e(nodes: number, pods: number): Promise<{ nodes: number; pods: number; rate: number }> {
  const cluster = await startCluster({ scheduler: true, kubelet: true, config: { nodes: [{ name: 'sim', count: nodes }] } });
  const client = inProcessClient(cluster.server);
  try {
    for (let i = 0; ; i++) {
      const n = (await client.list(NODES)).items.length;
      bar(`e2e: register ${nodes} simulated nodes`, n, nodes);
      if (n >= nodes) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const t0 = performance.now();
    await createAll(pods, `e2e: create ${pods} pods`, (i) => pod(i, 'basic', 1), client, PODS);
    for (;;) {
      const running = (await client.list(PODS, { namespace: 'default', fieldSelector: 'status.phase=Running', resourceVersion: '0' })).items.length;
      bar('e2e: create -> Running', running, pods);
      if (running >= pods) break;
      if (performance.now() - t0 > 600_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { nodes, pods, rate: pods / ((performance.now() - t0) / 1000) };
  } finally {
    client.close();
    await cluster.close();
  }
}

async function main(): Promise<void> {
  const startLoad = load();
  const rows: Row[] = [];
  for (const workload of WORKLOADS) {
    for (const n of NODE_COUNTS) {
      for (const p of POD_COUNTS) {
        const r = await run(n, p, workload);
        rows.push(r);
        // each row as soon as it is measured (a long matrix may be cut short)
        process.stderr.write(`${r.workload} ${r.nodes} nodes ${r.pods} pods: ${r.steady.toFixed(0)} pods/s (load ${load()})\n`);
      }
    }
  }
  const e = E2E ? await e2e(QUICK ? 100 : 500, QUICK ? 1000 : 5000) : undefined;
  console.log(`\nScheduler throughput (${os.cpus().length} cpus; load average at start: ${startLoad}, at end: ${load()})\n`);
  console.log('| workload | nodes | pods | pods/s (first → last binding) | pods/s (from takeover, incl. initial lists) | unschedulable attempts | scheduling cycle ms/pod |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.workload} | ${r.nodes} | ${r.pods} | ${r.steady.toFixed(0)} | ${r.total.toFixed(0)} | ${r.failed} | ${r.cycleMs.toFixed(2)} |`);
  if (e) console.log(`\nEnd to end (simulated kubelet): ${e.pods} pods over ${e.nodes} nodes, create → Running: ${e.rate.toFixed(0)} pods/s`);
  console.log('\nTargets (2 cores): basic ≥ 300 pods/s at 500 nodes, ≥ 100 pods/s at 5,000 nodes.');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
