import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { useK8tsProcesses, type K8tsUp } from '../helpers/k8ts-process';
import { tmpDirs, useTmpDirs, writeFiles } from '../helpers/tmp';

const run = promisify(execFile);

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** the real kubectl with a fresh HOME, so its discovery cache is fresh */
async function kubectl(args: string[], cwd: string, home: string): Promise<string> {
  const { stdout } = await run('kubectl', args, { cwd, env: { ...process.env, HOME: home, KUBECONFIG: '' }, timeout: 30_000 });
  return stdout;
}

describe('kernel: k8ts CLI (node bin/k8ts.js)', function () {
  this.timeout(60_000);

  describe('help', () => {
    const tmp = useTmpDirs();
    const k8ts = useK8tsProcesses();

    it('k8ts --help lists the commands', async () => {
      const r = await k8ts.run(['--help'], { cwd: tmp.make() });
      assert.equal(r.code, 0);
      for (const cmd of ['up', 'plugins']) assert.match(r.stdout, new RegExp(`^\\s+${cmd}\\s`, 'm'));
    });

    it('k8ts up --help lists the flags and starts nothing', async () => {
      const dir = tmp.make();
      const r = await k8ts.run(['up', '--help'], { cwd: dir });
      assert.equal(r.code, 0);
      for (const flag of ['--config', '--port', '--bind-address', '--data-dir', '--insecure-http', '--help']) assert.ok(r.stdout.includes(flag), flag);
      assert.deepEqual(fs.readdirSync(dir), []);
    });
  });

  describe('k8ts up --port 0', () => {
    const dirs = tmpDirs();
    const k8ts = useK8tsProcesses('all');
    let dir: string;
    let up: K8tsUp;

    before(async () => {
      dir = dirs.make();
      up = await k8ts.up({ dataDir: path.join(dir, 'data'), cwd: dir });
    });
    after(async () => {
      await k8ts.killAll();
      dirs.cleanup();
    });

    it('prints the URL with the port it chose', () => {
      assert.match(up.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(up.port, 0);
    });

    it('listens on the printed port', async () => {
      assert.equal(await connects(up.port), true);
    });

    it('writes <data-dir>/kubeconfig pointing at the printed URL', () => {
      const kc = parse(fs.readFileSync(up.kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string } }> };
      assert.equal(kc.clusters[0].cluster.server, up.url);
    });

    it('writes the kubeconfig readable by its owner only', () => {
      assert.equal(fs.statSync(up.kubeconfig).mode & 0o077, 0);
    });

    it('the real kubectl version shows Server Version: v1.32.4+k8ts', async () => {
      const out = await kubectl(['--kubeconfig', up.kubeconfig, 'version'], dir, dirs.make());
      assert.match(out, /^Server Version: v1\.32\.4\+k8ts$/m);
    });

    it('the printed kubectl command line works as printed', async () => {
      const line = up.stdout().split('\n').find((l) => l.startsWith('kubectl '));
      assert.ok(line, up.stdout());
      const out = await kubectl(line.split(' ').slice(1), dir, dirs.make());
      assert.equal((JSON.parse(out) as { minor: string }).minor, '32');
    });

    it('kubectl get --raw /readyz is ok', async () => {
      const out = await kubectl(['--kubeconfig', up.kubeconfig, 'get', '--raw', '/readyz'], dir, dirs.make());
      assert.equal(out.trim(), 'ok');
    });
  });

  describe('signals', () => {
    const tmp = useTmpDirs();
    const k8ts = useK8tsProcesses();

    it('SIGTERM exits 0 and closes the port', async () => {
      const dir = tmp.make();
      const up = await k8ts.up({ dataDir: path.join(dir, 'data'), cwd: dir });
      const exit = await up.stop('SIGTERM');
      assert.deepEqual([exit.code, await connects(up.port)], [0, false]);
    });

    it('SIGINT exits 0 and closes the port', async () => {
      const dir = tmp.make();
      const up = await k8ts.up({ dataDir: path.join(dir, 'data'), cwd: dir });
      const exit = await up.stop('SIGINT');
      assert.deepEqual([exit.code, await connects(up.port)], [0, false]);
    });

    it('a restart on the same data dir keeps the cluster CA', async () => {
      const dir = tmp.make();
      const dataDir = path.join(dir, 'data');
      const ca = () => fs.readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8');
      const first = await k8ts.up({ dataDir, cwd: dir });
      const before = ca();
      await first.stop();
      const second = await k8ts.up({ dataDir, cwd: dir });
      const after = ca();
      await second.stop();
      assert.equal(after, before);
    });
  });

  describe('k8ts plugins', () => {
    const tmp = useTmpDirs();
    const k8ts = useK8tsProcesses();

    async function plugins(yaml?: string, files: Record<string, string> = {}) {
      const dir = tmp.make();
      writeFiles(dir, files);
      const args = ['plugins'];
      if (yaml !== undefined) {
        writeFiles(dir, { 'k8ts.yaml': yaml });
        args.push('--config', path.join(dir, 'k8ts.yaml'));
      }
      const r = await k8ts.run(args, { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const line = (prefix: string) => r.stdout.split('\n').map((l) => l.trim()).find((l) => l.startsWith(prefix)) ?? '';
      return { ...r, dir, line };
    }

    it('lists each hook point with its taps as name@stage', async () => {
      const { line } = await plugins();
      assert.match(line('apiserver.resolveHandler '), /\bHealthz@-2000\b/);
      assert.match(line('apiserver.resolveHandler '), /\bVersion@-2000\b/);
      assert.match(line('apiserver.responded '), /\bPrometheus@-100\b/);
      assert.match(line('lifecycle.initialize '), /\bCore@-1000\b/);
    });

    it('names the tapable kind of each hook point', async () => {
      const { line } = await plugins();
      assert.match(line('apiserver.filter '), /\(AsyncSeriesBailHook\)/);
      assert.match(line('lifecycle.postStart '), /\(AsyncParallelHook\)/);
    });

    it('lists each plugin with its area, state and options', async () => {
      const { line } = await plugins();
      assert.equal(line('metrics/Prometheus '), 'metrics/Prometheus enabled options={"processMetrics":true}');
      assert.match(line('apiserver/Version '), /^apiserver\/Version enabled options=\{\}$/);
    });

    it('shows a plugin disabled in the config as disabled, with its taps gone', async () => {
      const { line } = await plugins('plugins:\n  metrics:\n    disabled: ["*"]\n');
      assert.equal(line('metrics/Prometheus '), 'metrics/Prometheus disabled');
      assert.doesNotMatch(line('apiserver.responded '), /Prometheus/);
    });

    it('shows the options given in the config', async () => {
      const { line } = await plugins('plugins:\n  metrics:\n    enabled: [{ name: Prometheus, options: { processMetrics: false } }]\n');
      assert.equal(line('metrics/Prometheus '), 'metrics/Prometheus enabled options={"processMetrics":false}');
    });

    it('includes drop-in plugins and their taps', async () => {
      const { line } = await plugins('pluginDirs: [./plugins.d]\n', {
        'plugins.d/audit.js': `module.exports = { name: 'TestAudit', area: 'testing', apply(server) {
          server.hooks.filter.tapPromise({ name: 'TestAudit', stage: -900 }, async () => undefined);
        } };`,
      });
      assert.match(line('apiserver.filter '), /\bTestAudit@-900\b/);
      assert.equal(line('testing/TestAudit '), 'testing/TestAudit enabled options={}');
    });

    it('a bad config is one line and a non-zero exit', async () => {
      const dir = tmp.make();
      writeFiles(dir, { 'k8ts.yaml': 'storage: { backend: nope }\n' });
      const r = await k8ts.run(['plugins', '--config', path.join(dir, 'k8ts.yaml')], { cwd: dir });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1);
      assert.ok(r.stderr.includes('storage.backend'));
    });

    it('opens nothing: no data dir is created', async () => {
      const { dir } = await plugins();
      assert.deepEqual(fs.readdirSync(dir), []);
    });
  });
});
