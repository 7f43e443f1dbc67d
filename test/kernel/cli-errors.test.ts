import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { useK8tsProcesses, type RunResult } from '../helpers/k8ts-process';
import { isAbsentOrEmpty, useTmpDirs, writeFiles } from '../helpers/tmp';

/**
 * Every startup error of `k8ts up`: exactly one line on stderr naming the file/path/plugin, a
 * non-zero exit, and nothing half-started (the process ends, the data dir stays absent).
 */
describe('kernel: CLI startup errors (node bin/k8ts.js up)', function () {
  this.timeout(60_000);
  const tmp = useTmpDirs();
  const k8ts = useK8tsProcesses();

  /** run `k8ts up --config <dir>/k8ts.yaml --data-dir <dir>/data --port 0` in `dir` */
  async function up(dir: string, yaml: string | undefined, extra: string[] = []): Promise<RunResult & { dataDir: string; config: string }> {
    const config = path.join(dir, 'k8ts.yaml');
    if (yaml !== undefined) writeFiles(dir, { 'k8ts.yaml': yaml });
    const dataDir = path.join(dir, 'data');
    const args = ['up', '--config', config, '--data-dir', dataDir, ...extra];
    if (!extra.includes('--port')) args.push('--port', '0');
    return { ...(await k8ts.run(args, { cwd: dir })), dataDir, config };
  }

  /** one line, naming each of `names`; exit 1; nothing written */
  function assertCleanFailure(r: RunResult & { dataDir: string }, names: string[], code = 1): void {
    assert.equal(r.timedOut, false, 'the process ended by itself');
    assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${r.stderr}`);
    for (const name of names) assert.ok(lines[0].includes(name), `"${lines[0]}" names ${name}`);
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.ok(isAbsentOrEmpty(r.dataDir), 'the data dir is absent or empty');
  }

  it('a config that does not parse names the file and line', async () => {
    const dir = tmp.make();
    const r = await up(dir, 'storage:\n  backend: memory\nplugins: [\n');
    assertCleanFailure(r, [r.config, 'line ']);
  });

  it('a config that fails validation names the path and the valid values', async () => {
    const dir = tmp.make();
    const r = await up(dir, 'storage: { backend: nope }\n');
    assertCleanFailure(r, [r.config, 'storage.backend', 'sqlite', 'etcd', 'memory']);
  });

  it('a config file that does not exist is named', async () => {
    const dir = tmp.make();
    const r = await up(dir, undefined);
    assertCleanFailure(r, [r.config]);
  });

  it('an unknown plugin name names the entry and the plugin', async () => {
    const dir = tmp.make();
    const r = await up(dir, 'plugins:\n  metrics:\n    enabled: [Prometheus, Graphite]\n');
    assertCleanFailure(r, [r.config, 'plugins.metrics.enabled[1]', 'Graphite']);
  });

  it('an unknown plugin area is named', async () => {
    const dir = tmp.make();
    const r = await up(dir, 'plugins:\n  nope:\n    enabled: [X]\n');
    assertCleanFailure(r, [r.config, 'plugins.nope']);
  });

  it('bad plugin options name the option path and the plugin', async () => {
    const dir = tmp.make();
    const r = await up(dir, 'plugins:\n  metrics:\n    enabled:\n      - name: Prometheus\n        options: { processMetrics: maybe }\n');
    assertCleanFailure(r, [r.config, 'plugins.metrics.enabled[0].options.processMetrics', 'metrics/Prometheus']);
  });

  it('a missing dependency names the plugin and what it needs', async () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/needy.js': `module.exports = { name: 'Needy', area: 'testing', dependencies: ['Helper'], apply() {} };` });
    const r = await up(dir, 'pluginDirs: [./plugins.d]\n');
    assertCleanFailure(r, [r.config, 'testing/Needy', 'Helper']);
  });

  it('a dependency on a disabled built-in names the plugin and the dependency', async () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/needy.js': `module.exports = { name: 'Needy', area: 'testing', dependencies: ['Version'], apply() {} };` });
    const r = await up(dir, 'pluginDirs: [./plugins.d]\nplugins:\n  apiserver:\n    disabled: [Version]\n');
    assertCleanFailure(r, [r.config, 'testing/Needy', 'Version']);
  });

  it('a drop-in that throws on load names the module file', async () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/broken.js': `throw new Error('cannot start\\nat line two');` });
    const r = await up(dir, 'pluginDirs: [./plugins.d]\n');
    assertCleanFailure(r, [path.join(dir, 'plugins.d', 'broken.js')]);
  });

  it('a drop-in that exports no plugin names the module file', async () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/nothing.js': `module.exports = {};` });
    const r = await up(dir, 'pluginDirs: [./plugins.d]\n');
    assertCleanFailure(r, [path.join(dir, 'plugins.d', 'nothing.js')]);
  });

  it('a plugin directory that does not exist is named', async () => {
    const dir = tmp.make();
    const r = await up(dir, 'pluginDirs: [./missing]\n');
    assertCleanFailure(r, [r.config, 'pluginDirs[0]']);
  });

  it('a port in use names apiserver.port and the port', async () => {
    const dir = tmp.make();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const r = await up(dir, '', ['--port', String(port)]);
      assertCleanFailure(r, ['apiserver.port', String(port)]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a port in use without flags or config leaves no default .k8ts data dir', async () => {
    const dir = tmp.make();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const r = await k8ts.run(['up', '--port', String(port)], { cwd: dir });
      assertCleanFailure({ ...r, dataDir: path.join(dir, '.k8ts') }, ['apiserver.port']);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('an unknown flag is a usage error (exit 2)', async () => {
    const dir = tmp.make();
    const r = await up(dir, '', ['--bogus']);
    assertCleanFailure(r, ['--bogus'], 2);
  });

  it('a port that is not a number is a usage error (exit 2)', async () => {
    const dir = tmp.make();
    const r = await up(dir, '', ['--port', 'http']);
    assertCleanFailure(r, ['--port'], 2);
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const dir = tmp.make();
    const r = await k8ts.run(['upp'], { cwd: dir });
    assertCleanFailure({ ...r, dataDir: path.join(dir, '.k8ts') }, ['upp'], 2);
  });
});
