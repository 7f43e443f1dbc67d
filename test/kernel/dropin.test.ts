import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError } from '../../core/config/errors';
import { buildTestServer } from '../helpers/kernel';
import { recordingPluginSource, writeRecordingPlugins } from '../helpers/dropins';
import { events } from '../helpers/recorder';
import { useTmpDirs, writeFiles } from '../helpers/tmp';

describe('kernel: drop-in plugins (pluginDirs)', () => {
  const tmp = useTmpDirs();

  function buildError(dir: string, config: Record<string, unknown>): ConfigError {
    try {
      buildTestServer({ dir, config });
    } catch (err) {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      assert.doesNotMatch(err.message, /\n/, 'a config error is one line');
      return err;
    }
    assert.fail('expected a ConfigError');
  }

  it('a .js module exporting a plugin object is applied like a built-in', () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [{ name: 'Hello', taps: [] }]);
    const { server } = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'] } });
    assert.deepEqual(events(server), ['apply:Hello']);
  });

  it('a drop-in joins the catalogue under its area', () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [{ name: 'Hello', area: 'greetings', taps: [] }]);
    const { catalogue, plugins } = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'] } });
    assert.ok(catalogue.get('greetings')?.has('Hello'));
    assert.ok(plugins.some((r) => r.plugin.area === 'greetings' && r.plugin.name === 'Hello'));
  });

  it('a drop-in in a built-in area can be disabled there like a built-in', () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [{ name: 'Extra', area: 'apiserver', taps: [] }]);
    const { server } = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'], plugins: { apiserver: { disabled: ['Extra'] } } } });
    assert.deepEqual(events(server), []);
  });

  it('a drop-in declared enabledByDefault: false is applied only when enabled in YAML', () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [{ name: 'Opt', enabledByDefault: false, taps: [] }]);
    const off = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'] } });
    const on = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'], plugins: { testing: { enabled: ['Opt'] } } } });
    assert.deepEqual([events(off.server), events(on.server)], [[], ['apply:Opt']]);
  });

  it('drop-ins are applied in file-name order', () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [{ name: 'Zeta', taps: [] }, { name: 'Alpha', taps: [] }, { name: 'Mid', taps: [] }]);
    const { server } = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'] } });
    assert.deepEqual(events(server), ['apply:Alpha', 'apply:Mid', 'apply:Zeta']);
  });

  it('a folder with an index.js is a module', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/hello/index.js': recordingPluginSource({ name: 'Folder', taps: [] }) });
    const { server } = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'] } });
    assert.deepEqual(events(server), ['apply:Folder']);
  });

  it('a module may export several plugins as { plugins: [...] }', () => {
    const dir = tmp.make();
    writeFiles(dir, {
      'plugins.d/two.js': `module.exports = { plugins: [
        { name: 'One', area: 'testing', apply() {} },
        { name: 'Two', area: 'testing', apply() {} },
      ] };`,
    });
    const { plugins } = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'] } });
    assert.deepEqual(plugins.filter((r) => r.plugin.area === 'testing').map((r) => r.plugin.name), ['One', 'Two']);
  });

  it('a module may export its plugin as exports.default', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/esm.js': `exports.__esModule = true; exports.default = { name: 'Esm', area: 'testing', apply() {} };` });
    const { plugins } = buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'] } });
    assert.ok(plugins.some((r) => r.plugin.name === 'Esm'));
  });

  it('files that are not modules are ignored', () => {
    const dir = tmp.make();
    writeFiles(dir, {
      'plugins.d/README.md': '# notes',
      'plugins.d/plugin.ts': 'throw new Error("not loaded")',
      'plugins.d/.hidden.js': 'throw new Error("not loaded")',
      'plugins.d/data/notes.txt': 'not a package',
    });
    assert.doesNotThrow(() => buildTestServer({ dir, config: { pluginDirs: ['./plugins.d'] } }));
  });

  it('drop-in options are validated against the plugin schema', () => {
    const dir = tmp.make();
    writeFiles(dir, {
      'plugins.d/opts.js': `module.exports = { name: 'Opts', area: 'testing', apply() {},
        optionsSchema: { type: 'object', additionalProperties: false, properties: { greeting: { type: 'string' } } } };`,
    });
    const err = buildError(dir, { pluginDirs: ['./plugins.d'], plugins: { testing: { enabled: [{ name: 'Opts', options: { greeting: 1 } }] } } });
    assert.equal(err.path, 'plugins.testing.enabled[0].options.greeting');
  });

  it('a module that throws on load is an error naming the file', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/broken.js': 'throw new Error("boom\\nsecond line");' });
    const err = buildError(dir, { pluginDirs: ['./plugins.d'] });
    assert.equal(err.file, path.join(dir, 'k8ts.yaml'));
    assert.ok(err.path.includes(path.join(dir, 'plugins.d', 'broken.js')), err.path);
  });

  it('a module with a syntax error is an error naming the file', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/syntax.js': 'module.exports = {' });
    const err = buildError(dir, { pluginDirs: ['./plugins.d'] });
    assert.ok(err.path.includes('syntax.js'), err.path);
  });

  it('a module that exports no plugin is an error naming the file', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/empty.js': 'module.exports = { helper() {} };' });
    const err = buildError(dir, { pluginDirs: ['./plugins.d'] });
    assert.ok(err.path.includes('empty.js'), err.path);
  });

  it('a module that exports something that is not a plugin is an error naming the file', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/shape.js': `module.exports = { name: 'NoApply', area: 'testing' };` });
    const err = buildError(dir, { pluginDirs: ['./plugins.d'] });
    assert.ok(err.path.includes('shape.js'), err.path);
  });

  it('a missing plugin directory names pluginDirs[i]', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/ok.js': recordingPluginSource({ name: 'Ok', taps: [] }) });
    const err = buildError(dir, { pluginDirs: ['./plugins.d', './nope'] });
    assert.equal(err.path, 'pluginDirs[1]');
  });

  it('a drop-in with the name of a built-in in the same area is an error naming pluginDirs', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/dup.js': `module.exports = { name: 'Version', area: 'apiserver', apply() {} };` });
    const err = buildError(dir, { pluginDirs: ['./plugins.d'] });
    assert.equal(err.path, 'pluginDirs');
  });

  it('a drop-in whose apply throws is an error naming its entry', () => {
    const dir = tmp.make();
    writeFiles(dir, { 'plugins.d/bad-apply.js': `module.exports = { name: 'BadApply', area: 'testing', apply() { throw new Error('no'); } };` });
    const err = buildError(dir, { pluginDirs: ['./plugins.d'] });
    assert.equal(err.path, 'plugins.testing(default BadApply)');
  });

  it('pluginDirs resolve against the directory of the config file', () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [{ name: 'Rel', taps: [] }]);
    const cwd = process.cwd();
    process.chdir(tmp.make());
    try {
      const { server } = buildTestServer({ dir, config: { pluginDirs: ['plugins.d'] } });
      assert.deepEqual(events(server), ['apply:Rel']);
    } finally {
      process.chdir(cwd);
    }
  });
});
