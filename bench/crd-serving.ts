/**
 * Serving custom resources (APIExtensionServer), in-process (`server.inject` through the in-process
 * client, memory storage, the default plugin set without controllers):
 *   - CRD create -> its resource answers a LIST (polled every 5 ms), for N CRDs created one by one;
 *   - sequential create and GET latency of a custom resource (the CronTab of examples/crds, with its
 *     schema, CEL rule and defaults) next to a ConfigMap, interleaved so noise hits both.
 * Prints p50/p99 per row and the load average at start and end.
 *
 *   npm run build && node dist/bench/crd-serving.js [--crds 20] [--requests 1000]
 */
import os from 'node:os';
import { gvr, inProcessClient, isStatusReason } from '../core/client';
import { startCluster } from '../plugins/controllers/shared/test-cluster';
import { crontab, crontabCrd, CRDS, CRONTABS, simpleCrd } from '../plugins/apiextensions/apiextensions-server/testing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const row = (name: string, xs: number[]) => console.log(`${name.padEnd(34)} p50 ${pct(xs, 50).toFixed(2).padStart(8)} ms   p99 ${pct(xs, 99).toFixed(2).padStart(8)} ms   (n=${xs.length})`);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const crds = arg('crds', 20);
  const requests = arg('requests', 1000);
  console.log(`load average at start: ${load()} (${os.cpus().length} CPUs)`);
  const cluster = await startCluster();
  try {
    const client = inProcessClient(cluster.server);
    const served: number[] = [];
    for (let i = 0; i < crds; i++) {
      const kind = `Bench${i}`;
      const target = gvr(`bench${i}.example.com/v1`, `${kind.toLowerCase()}s`);
      const t0 = performance.now();
      await client.create(CRDS, simpleCrd(`bench${i}.example.com`, kind));
      for (;;) {
        try {
          await client.list(target);
          break;
        } catch (err) {
          if (!isStatusReason(err, 'NotFound')) throw err;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      served.push(performance.now() - t0);
    }
    row('CRD create -> served', served);

    await client.create(CRDS, crontabCrd());
    for (;;) {
      try {
        await client.list(CRONTABS);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const CM = gvr('v1', 'configmaps');
    const t = { crCreate: [] as number[], cmCreate: [] as number[], crGet: [] as number[], cmGet: [] as number[] };
    const time = async (xs: number[], f: () => Promise<unknown>) => {
      const t0 = performance.now();
      await f();
      xs.push(performance.now() - t0);
    };
    for (let i = 0; i < requests; i++) {
      await time(t.crCreate, () => client.create(CRONTABS, crontab(`ct-${i}`), { namespace: 'default' }));
      await time(t.cmCreate, () => client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'default' }, data: { a: 'b' } }, { namespace: 'default' }));
      await time(t.crGet, () => client.get(CRONTABS, { namespace: 'default', name: `ct-${i}` }));
      await time(t.cmGet, () => client.get(CM, { namespace: 'default', name: `cm-${i}` }));
    }
    row('create CronTab (schema, CEL)', t.crCreate);
    row('create ConfigMap', t.cmCreate);
    row('GET CronTab', t.crGet);
    row('GET ConfigMap', t.cmGet);
  } finally {
    await cluster.close();
  }
  console.log(`load average at end: ${load()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
