/**
 * Admission latency added by hooks DSL hooks, in one run: the same ConfigMap create through three
 * in-process servers (`server.inject`, no HTTP), each the default `k8ts up` plugin set on embedded
 * sqlite with the Hooks plugin reading its own hookDirs:
 *   - none:    no hooks (the Hooks plugin is on, no Hook objects)
 *   - cel x10: 10 CEL hooks (validations on name, labels, data keys and sizes, request fields)
 *   - script:  1 script hook (QuickJS worker pool: adds a label when missing, as a JSON Patch)
 * Requests are sequential (one in flight, to measure latency, not throughput) and interleaved
 * across the three servers so machine noise hits all of them. The `exemptGroups` of the Hooks plugin
 * is emptied so the in-process user (system:masters) is subject to the hooks. A sanity pass checks
 * that the hooks act (a violating object is refused, the script's label is there) before measuring.
 * An extra row measures the script pool alone (runScript round trip, same script and a ConfigMap
 * admission input). Prints p50/p99 per row, the added latency against `none`, the CPU time per
 * request (whole process, and the main thread alone, from /proc/thread-self/schedstat) with what
 * the hooks add, the latency of the first request through the script hook, the targets and the
 * load average at start and end.
 *
 *   npm run build && npm run bench:hooks [-- --requests 2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { builtinPlugins } from '../plugins';
import { validateConfig } from '../core/config/load';
import { buildServer } from '../core/server/bootstrap';
import type { Server } from '../core/server/server';
import { hooksOf } from '../hooks/dsl';
import { closeScriptPool, runScript } from '../hooks/dsl/script';
import { threadCpuNs } from '../hooks/dsl/script/cpu-clock';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const REQUESTS = arg('requests', 2000);
const WARMUP = Math.min(300, Math.ceil(REQUESTS / 5));
const NS = 'bench';

const CONFIGMAPS = `
  match:
    resourceRules:
      - apiGroups: ['']
        apiVersions: [v1]
        resources: [configmaps]
        operations: [CREATE, UPDATE]`;

/** Ten validating hooks a cluster might really have on ConfigMaps; every bench object passes them. */
const CEL_RULES: Array<[string, string]> = [
  ['name-length', 'object.metadata.name.size() <= 63'],
  ['name-prefix', "object.metadata.name.startsWith('cm-')"],
  ['app-label', "has(object.metadata.labels) && 'app' in object.metadata.labels"],
  ['tier-label', "!has(object.metadata.labels) || !('tier' in object.metadata.labels) || object.metadata.labels.tier in ['web', 'db', 'cache']"],
  ['data-keys', '!has(object.data) || object.data.all(k, k.size() <= 64)'],
  ['data-count', '!has(object.data) || object.data.size() <= 32'],
  ['data-size', "!has(object.data) || object.data.all(k, object.data[k].size() <= 4096)"],
  ['no-secrets', "!has(object.data) || !object.data.exists(k, k.lowerAscii().contains('password'))"],
  ['namespace', "request.namespace != 'kube-system'"],
  ['operation', "request.operation in ['CREATE', 'UPDATE']"],
];

function celHook([name, expression]: [string, string]): string {
  return `apiVersion: hooks.k8ts.dev/v1alpha1
kind: Hook
metadata:
  name: bench-${name}
spec:
  failurePolicy: Fail${CONFIGMAPS}
  validations:
    - expression: ${JSON.stringify(expression)}
      messageExpression: "'${name} failed for ' + object.metadata.name"
`;
}

const SCRIPT_SOURCE = `function hook(input) {
  const labels = input.object.metadata.labels || {};
  if (labels.team) return { allowed: true };
  return { allowed: true, patch: labels === input.object.metadata.labels
    ? [{ op: 'add', path: '/metadata/labels/team', value: 'unassigned' }]
    : [{ op: 'add', path: '/metadata/labels', value: { team: 'unassigned' } }] };
}`;

const SCRIPT_HOOK = `apiVersion: hooks.k8ts.dev/v1alpha1
kind: Hook
metadata:
  name: bench-script
spec:
  failurePolicy: Fail${CONFIGMAPS}
  script:
    source: |
${SCRIPT_SOURCE.split('\n').map((l) => `      ${l}`).join('\n')}
`;

function configMap(name: string): Record<string, unknown> {
  const data: Record<string, string> = {};
  for (let i = 0; i < 8; i++) data[`key-${i}`] = `value-${i}-${'x'.repeat(100)}`;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels: { app: 'bench', tier: 'web' } }, data };
}

interface Row {
  name: string;
  srv?: Server;
  samples: number[];
  /** CPU ms over the measured requests: the whole process (all threads), and the main thread */
  cpu: number;
  mainCpu: number;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitFor(what: string, check: () => boolean, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<number> {
  const load0 = os.loadavg();
  console.log(`bench/hooks: ${REQUESTS} sequential ConfigMap creates per row (+${WARMUP} warm-up), node ${process.version}, ${os.cpus().length} CPUs, load average ${load0.map((l) => l.toFixed(2)).join(' ')}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-hooks-'));
  const servers: Server[] = [];
  const start = async (name: string, files: Record<string, string>): Promise<Server> => {
    const dir = path.join(tmp, name);
    const hookDir = path.join(dir, 'hooks');
    fs.mkdirSync(hookDir, { recursive: true });
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(hookDir, file), text);
    const config = validateConfig(
      {
        dataDir: path.join(dir, 'data'),
        logLevel: 'silent',
        apiserver: { insecureHttp: true, port: 0 },
        plugins: { hooks: { enabled: [{ name: 'Hooks', options: { hookDirs: [hookDir], exemptGroups: [] } }] } },
      },
      '<bench>',
    );
    const srv = buildServer({ loaded: { config, file: '<bench>', baseDir: dir }, builtins: builtinPlugins, logger: pino({ level: 'silent' }) }).server;
    servers.push(srv);
    await srv.initialize();
    await srv.started();
    await waitFor(`${name}: ${Object.keys(files).length} hooks loaded`, () => hooksOf(srv)?.set.all().length === Object.keys(files).length);
    const ns = await srv.inject({ method: 'POST', url: '/api/v1/namespaces', body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }), headers: { 'content-type': 'application/json' } });
    if (ns.status >= 300) throw new Error(`${name}: namespace: ${ns.status} ${ns.text()}`);
    return srv;
  };
  let seq = 0;
  const create = async (srv: Server, obj: Record<string, unknown>): Promise<{ status: number; body: any }> => {
    const r = await srv.inject({ method: 'POST', url: `/api/v1/namespaces/${NS}/configmaps`, body: JSON.stringify(obj), headers: { 'content-type': 'application/json' } });
    return { status: r.status, body: JSON.parse(r.text()) };
  };
  try {
    const rows: Row[] = [
      { name: 'none (no hooks)', srv: await start('none', {}), samples: [], cpu: 0, mainCpu: 0 },
      { name: '10 CEL hooks', srv: await start('cel', Object.fromEntries(CEL_RULES.map((r) => [`${r[0]}.yaml`, celHook(r)]))), samples: [], cpu: 0, mainCpu: 0 },
      { name: '1 script hook', srv: await start('script', { 'script.yaml': SCRIPT_HOOK }), samples: [], cpu: 0, mainCpu: 0 },
    ];
    // sanity: the hooks act
    const bad = await create(rows[1].srv!, { ...configMap('bad-name'), metadata: { name: 'bad-name', namespace: NS, labels: { app: 'x' } } });
    if (bad.status !== 403) throw new Error(`the CEL hooks did not refuse a bad name: ${bad.status}`);
    const first = process.hrtime.bigint();
    const mutated = await create(rows[2].srv!, configMap('cm-sanity'));
    const firstMs = Number(process.hrtime.bigint() - first) / 1e6;
    if (mutated.status !== 201 || mutated.body?.metadata?.labels?.team !== 'unassigned') throw new Error(`the script hook did not act: ${mutated.status} ${JSON.stringify(mutated.body).slice(0, 300)}`);
    const plain = await create(rows[0].srv!, configMap('cm-sanity'));
    if (plain.status !== 201 || plain.body?.metadata?.labels?.team !== undefined) throw new Error(`the baseline is not hook-free: ${plain.status}`);

    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      for (const row of rows) {
        const name = `cm-${seq++}`;
        const cpu0 = process.cpuUsage();
        const main0 = threadCpuNs() ?? 0;
        const t = process.hrtime.bigint();
        const r = await create(row.srv!, configMap(name));
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        const cpu = process.cpuUsage(cpu0);
        const main = ((threadCpuNs() ?? 0) - main0) / 1e6;
        if (r.status !== 201) throw new Error(`${row.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        if (i >= WARMUP) {
          row.samples.push(ms);
          row.cpu += (cpu.user + cpu.system) / 1000;
          row.mainCpu += main;
        }
      }
    }
    // the pool alone: the same script on an admission-shaped input
    const pool: Row = { name: 'script pool alone (runScript round trip)', samples: [], cpu: 0, mainCpu: 0 };
    const input = { object: configMap('cm-pool'), oldObject: null, request: { operation: 'CREATE', namespace: NS, name: 'cm-pool' }, params: null, variables: {} };
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const t = process.hrtime.bigint();
      const r = await runScript({ source: SCRIPT_SOURCE, input });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (!r.ok) throw new Error(`runScript: ${r.reason} ${r.message}`);
      if (i >= WARMUP) pool.samples.push(ms);
    }

    const base = [...rows[0].samples].sort((a, b) => a - b);
    const b50 = pct(base, 50);
    const b99 = pct(base, 99);
    const fmt = (n: number) => n.toFixed(3).padStart(8);
    console.log('');
    console.log(`${'row'.padEnd(42)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'+p50 ms'.padStart(8)} ${'+p99 ms'.padStart(8)} ${'cpu/req'.padStart(8)} ${'+cpu'.padStart(8)} ${'main/req'.padStart(8)} ${'+main'.padStart(8)}`);
    const results: Record<string, { p50: number; added50: number }> = {};
    const perReq = (row: Row) => ({ cpu: row.cpu / row.samples.length, main: row.mainCpu / row.samples.length });
    const b = perReq(rows[0]);
    for (const row of [...rows, pool]) {
      const s = [...row.samples].sort((a, b) => a - b);
      const p50 = pct(s, 50);
      const p99 = pct(s, 99);
      const c = perReq(row);
      const added = row === pool ? '' : `${fmt(p50 - b50)} ${fmt(p99 - b99)} ${fmt(c.cpu)} ${fmt(c.cpu - b.cpu)} ${fmt(c.main)} ${fmt(c.main - b.main)}`;
      results[row.name] = { p50, added50: p50 - b50 };
      console.log(`${row.name.padEnd(42)} ${fmt(p50)} ${fmt(p99)} ${added}`);
    }
    console.log(`first request through the script hook (its pool's workers start when the hook is loaded): ${firstMs.toFixed(1)} ms`);
    console.log('(cpu/req: CPU ms per request of the whole process, all threads; main/req: of the main thread alone;');
    console.log(' on an overloaded machine wall-clock latency is several times the CPU time, the CPU columns show the work added)');
    const cel = results['10 CEL hooks'].added50;
    const script = results['1 script hook'].added50;
    console.log('');
    console.log(`target: 10 CEL hooks add <= 1 ms p50: ${cel.toFixed(3)} ms ${cel <= 1 ? 'MET' : 'NOT MET'}`);
    console.log(`target: 1 script hook adds <= 2 ms p50: ${script.toFixed(3)} ms ${script <= 2 ? 'MET' : 'NOT MET'}`);
    console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    return 0;
  } finally {
    for (const s of servers) await s.stop(5000).catch(() => undefined);
    await closeScriptPool();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
