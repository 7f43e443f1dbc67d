import assert from 'node:assert/strict';
import { ConfigError } from '../../core/config/errors';
import { addToCatalogue, definePlugin, type Catalogue, type PluginDefinition } from '../../core/plugin/define';
import { resolvePlugins, type AreaPluginSet } from '../../core/plugin/resolve';
import { builtinPlugins } from '../../plugins';

const FILE = '/etc/k8ts/k8ts.yaml';

const Limits = definePlugin<any>({
  name: 'Limits',
  area: 'testing',
  enabledByDefault: false,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['max'],
    properties: {
      max: { type: 'integer', minimum: 1 },
      mode: { enum: ['soft', 'hard'], default: 'soft' },
      namespaces: { type: 'array', items: { type: 'string' } },
    },
  },
  apply() {},
});
const Plain = definePlugin({ name: 'Plain', area: 'testing', enabledByDefault: false, apply() {} });
const NeedsVersion = definePlugin({ name: 'NeedsVersion', area: 'testing', enabledByDefault: false, dependencies: ['Version'], apply() {} });
const NeedsQualified = definePlugin({ name: 'NeedsQualified', area: 'testing', enabledByDefault: false, dependencies: ['apiserver/Version'], apply() {} });
const NeedsPlain = definePlugin({ name: 'NeedsPlain', area: 'testing', dependencies: ['Plain'], apply() {} });

function catalogue(extra: PluginDefinition<any>[] = []): Catalogue {
  const c: Catalogue = new Map();
  addToCatalogue(c, builtinPlugins, 'plugins/index.ts');
  addToCatalogue(c, [Limits, Plain, NeedsVersion, NeedsQualified, ...extra], 'test');
  return c;
}

function configError(sets: Record<string, AreaPluginSet>, extra: PluginDefinition<any>[] = []): ConfigError {
  try {
    resolvePlugins(catalogue(extra), sets, FILE);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, 'a config error is one line');
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('kernel: plugin options (ajv against the plugin schema)', () => {
  it('a wrong type names the option path under the YAML entry', () => {
    const err = configError({ metrics: { enabled: [{ name: 'Prometheus', options: { processMetrics: 'yes' } }] } });
    assert.equal(err.path, 'plugins.metrics.enabled[0].options.processMetrics');
  });

  it('the path follows the entry index in the enabled list', () => {
    const err = configError({ testing: { enabled: ['Plain', { name: 'Limits', options: { max: 0 } }] } });
    assert.equal(err.path, 'plugins.testing.enabled[1].options.max');
  });

  it('an unknown option names the unknown field', () => {
    const err = configError({ testing: { enabled: [{ name: 'Limits', options: { max: 1, maxx: 2 } }] } });
    assert.equal(err.path, 'plugins.testing.enabled[0].options.maxx');
  });

  it('a missing required option names the missing field', () => {
    const err = configError({ testing: { enabled: [{ name: 'Limits', options: {} }] } });
    assert.equal(err.path, 'plugins.testing.enabled[0].options.max');
  });

  it('a plugin listed by name alone is validated with empty options', () => {
    const err = configError({ testing: { enabled: ['Limits'] } });
    assert.equal(err.path, 'plugins.testing.enabled[0].options.max');
  });

  it('an enum violation names the field', () => {
    const err = configError({ testing: { enabled: [{ name: 'Limits', options: { max: 1, mode: 'medium' } }] } });
    assert.equal(err.path, 'plugins.testing.enabled[0].options.mode');
  });

  it('an error inside an array names the element', () => {
    const err = configError({ testing: { enabled: [{ name: 'Limits', options: { max: 1, namespaces: ['a', 7] } }] } });
    assert.equal(err.path, 'plugins.testing.enabled[0].options.namespaces[1]');
  });

  it('options for a plugin without a schema are an error naming .options', () => {
    const err = configError({ testing: { enabled: [{ name: 'Plain', options: { x: 1 } }] } });
    assert.equal(err.path, 'plugins.testing.enabled[0].options');
  });

  it('the error names the config file', () => {
    const err = configError({ testing: { enabled: ['Limits'] } });
    assert.equal(err.file, FILE);
  });

  it('the error names the plugin', () => {
    const err = configError({ testing: { enabled: [{ name: 'Limits', options: { max: 'x' } }] } });
    assert.match(err.message, /testing\/Limits/);
  });

  it('valid options are passed with their schema defaults', () => {
    const r = resolvePlugins(catalogue(), { testing: { enabled: [{ name: 'Limits', options: { max: 2 } }] } }, FILE);
    assert.deepEqual(r.find((p) => p.plugin.name === 'Limits')?.options, { max: 2, mode: 'soft' });
  });

  it('the YAML options object is not mutated by defaulting', () => {
    const options = { max: 2 };
    resolvePlugins(catalogue(), { testing: { enabled: [{ name: 'Limits', options }] } }, FILE);
    assert.deepEqual(options, { max: 2 });
  });
});

describe('kernel: plugin dependencies', () => {
  it('a dependency named by plugin name is satisfied by an enabled plugin', () => {
    const r = resolvePlugins(catalogue(), { testing: { enabled: ['NeedsVersion'] } }, FILE);
    assert.ok(r.some((p) => p.plugin.name === 'NeedsVersion'));
  });

  it('a dependency named area/name is satisfied by an enabled plugin', () => {
    const r = resolvePlugins(catalogue(), { testing: { enabled: ['NeedsQualified'] } }, FILE);
    assert.ok(r.some((p) => p.plugin.name === 'NeedsQualified'));
  });

  it('a disabled dependency is an error naming the dependent entry', () => {
    const err = configError({ apiserver: { disabled: ['Version'] }, testing: { enabled: ['Plain', 'NeedsVersion'] } });
    assert.equal(err.path, 'plugins.testing.enabled[1]');
  });

  it('a dependency disabled with "*" is an error too', () => {
    const err = configError({ apiserver: { disabled: ['*'] }, testing: { enabled: ['NeedsQualified'] } });
    assert.equal(err.path, 'plugins.testing.enabled[0]');
  });

  it('a dependency that exists but is not enabled is an error naming the default dependent', () => {
    const err = configError({}, [NeedsPlain]);
    assert.equal(err.path, 'plugins.testing(default NeedsPlain)');
  });

  it('a dependency on a plugin that does not exist is an error', () => {
    const Orphan = definePlugin({ name: 'Orphan', area: 'testing', dependencies: ['NoSuchPlugin'], apply() {} });
    const err = configError({}, [Orphan]);
    assert.equal(err.path, 'plugins.testing(default Orphan)');
  });

  it('the dependency error names the missing plugin', () => {
    const err = configError({ apiserver: { disabled: ['Version'] }, testing: { enabled: ['NeedsVersion'] } });
    assert.match(err.message, /"Version"/);
  });
});
