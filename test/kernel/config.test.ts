import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError } from '../../core/config/errors';
import { loadConfig, parseConfig } from '../../core/config/load';
import { useTmpDirs, writeFiles } from '../helpers/tmp';

const FILE = 'k8ts.yaml';

function configError(text: string): ConfigError {
  try {
    parseConfig(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, 'a config error is one line');
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('kernel: configuration (YAML, ajv-validated)', () => {
  const tmp = useTmpDirs();

  it('an empty file is the default Configuration', () => {
    const c = parseConfig('', FILE);
    assert.equal(c.kind, 'Configuration');
    assert.equal(c.storage.backend, 'sqlite');
    assert.equal(c.apiserver.port, 6443);
    assert.equal(c.apiserver.bindAddress, '127.0.0.1');
    assert.equal(c.dataDir, '.k8ts');
    assert.deepEqual(c.pluginDirs, []);
    assert.deepEqual(c.plugins, {});
  });

  it('no file at all is the same default Configuration', () => {
    const loaded = loadConfig();
    assert.equal(loaded.file, '<default>');
    assert.deepEqual(loaded.config, parseConfig('', FILE));
  });

  it('YAML that does not parse names the file and the line', () => {
    const err = configError('storage:\n  backend: memory\nplugins: [\n');
    assert.equal(err.file, FILE);
    assert.match(err.path, /^line \d+, column \d+$/);
  });

  it('a duplicate key does not parse', () => {
    const err = configError('dataDir: a\ndataDir: b\n');
    assert.equal(err.path, 'line 2, column 1');
  });

  it('an alias bomb is refused as a config error', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const err = configError(lines.join('\n'));
    assert.equal(err.file, FILE);
  });

  it('a document that is not a mapping is refused', () => {
    const err = configError('- a\n- b\n');
    assert.equal(err.path, '');
  });

  it('an unknown storage backend names storage.backend', () => {
    const err = configError('storage: { backend: nope }\n');
    assert.equal(err.path, 'storage.backend');
  });

  it('an unknown storage backend lists the valid values', () => {
    const err = configError('storage: { backend: nope }\n');
    for (const backend of ['sqlite', 'etcd', 'memory']) assert.match(err.detail, new RegExp(`\\b${backend}\\b`));
  });

  it('an unknown top-level field names the field', () => {
    const err = configError('admission: {}\n');
    assert.equal(err.path, 'admission');
  });

  it('an out-of-range port names apiserver.port', () => {
    const err = configError('apiserver: { port: 70000 }\n');
    assert.equal(err.path, 'apiserver.port');
  });

  it('a wrong apiVersion names apiVersion', () => {
    const err = configError('apiVersion: v2\n');
    assert.equal(err.path, 'apiVersion');
  });

  it('a malformed plugin entry names its position', () => {
    const err = configError('plugins: { metrics: { enabled: [Prometheus, 7] } }\n');
    assert.equal(err.path, 'plugins.metrics.enabled[1]');
  });

  it('an unknown field in a plugin set names it', () => {
    const err = configError('plugins: { metrics: { enable: [Prometheus] } }\n');
    assert.equal(err.path, 'plugins.metrics.enable');
  });

  it('sqlite compaction can be switched off with compactIntervalSeconds: 0', () => {
    const c = parseConfig('storage: { backend: sqlite, sqlite: { compactIntervalSeconds: 0 } }\n', FILE);
    assert.equal(c.storage.sqlite?.compactIntervalSeconds, 0);
  });

  it('a file that cannot be read names the file', () => {
    const missing = path.join(tmp.make(), 'nope.yaml');
    assert.throws(() => loadConfig(missing), (err: unknown) => err instanceof ConfigError && err.file === missing && err.path === '');
  });

  it('relative paths in a file resolve against its directory', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'conf/k8ts.yaml': 'pluginDirs: [./plugins.d]\n' });
    assert.equal(loadConfig(path.join(dir, 'conf/k8ts.yaml')).baseDir, path.join(dir, 'conf'));
  });
});
