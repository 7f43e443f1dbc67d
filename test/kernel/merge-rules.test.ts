import assert from 'node:assert/strict';
import { ConfigError } from '../../core/config/errors';
import { addToCatalogue, definePlugin, type Catalogue, type PluginDefinition } from '../../core/plugin/define';
import { resolvePlugins, type AreaPluginSet } from '../../core/plugin/resolve';

const FILE = '/etc/k8ts/k8ts.yaml';

function plugin(name: string, extra: Partial<PluginDefinition<any>> = {}): PluginDefinition<any> {
  return definePlugin<any>({
    name,
    area: 'a',
    optionsSchema: { type: 'object', additionalProperties: false, properties: { weight: { type: 'integer', default: 1 } } },
    apply() {},
    ...extra,
  });
}

/** area `a`: defaults A, B, C; X and Y exist but are off by default. Area `b`: default D. */
function catalogue(): Catalogue {
  const c: Catalogue = new Map();
  addToCatalogue(
    c,
    [
      plugin('A'),
      plugin('X', { enabledByDefault: false }),
      plugin('B'),
      plugin('Y', { enabledByDefault: false }),
      plugin('C'),
      plugin('D', { area: 'b' }),
    ],
    'test',
  );
  return c;
}

function resolve(sets?: Record<string, AreaPluginSet>): string[] {
  return resolvePlugins(catalogue(), sets, FILE).map((r) => `${r.plugin.area}/${r.plugin.name}`);
}

function options(sets: Record<string, AreaPluginSet>, name: string): unknown {
  return resolvePlugins(catalogue(), sets, FILE).find((r) => r.plugin.name === name)?.options;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('kernel: plugin merge rules (plugins.<area>.enabled/disabled)', () => {
  it('enables the defaults in catalogue order when the config lists nothing', () => {
    assert.deepEqual(resolve(), ['a/A', 'a/B', 'a/C', 'b/D']);
  });

  it('leaves out plugins declared enabledByDefault: false', () => {
    assert.deepEqual(resolve({}).filter((n) => n.startsWith('a/')), ['a/A', 'a/B', 'a/C']);
  });

  it('"*" in disabled drops every default of that area', () => {
    assert.deepEqual(resolve({ a: { disabled: ['*'] } }), ['b/D']);
  });

  it('"*" with an enabled list keeps exactly the enabled plugins, in YAML order', () => {
    assert.deepEqual(resolve({ a: { disabled: ['*'], enabled: ['C', 'X', 'A'] } }), ['a/C', 'a/X', 'a/A', 'b/D']);
  });

  it('"*" in one area leaves the defaults of other areas alone', () => {
    assert.deepEqual(resolve({ b: { disabled: ['*'] } }), ['a/A', 'a/B', 'a/C']);
  });

  it('a re-listed default keeps its position', () => {
    assert.deepEqual(resolve({ a: { enabled: ['Y', { name: 'B', options: { weight: 5 } }] } }), ['a/A', 'a/B', 'a/C', 'a/Y', 'b/D']);
  });

  it('a re-listed default takes the options given in YAML', () => {
    assert.deepEqual(options({ a: { enabled: [{ name: 'B', options: { weight: 5 } }] } }, 'B'), { weight: 5 });
  });

  it('a default that is not re-listed gets its schema defaults', () => {
    assert.deepEqual(options({}, 'A'), { weight: 1 });
  });

  it('non-default plugins are appended in YAML order', () => {
    assert.deepEqual(resolve({ a: { enabled: ['Y', 'X'] } }), ['a/A', 'a/B', 'a/C', 'a/Y', 'a/X', 'b/D']);
  });

  it('a disabled default is dropped', () => {
    assert.deepEqual(resolve({ a: { disabled: ['B'] } }), ['a/A', 'a/C', 'b/D']);
  });

  it('a default disabled and re-enabled moves to its place in the enabled list', () => {
    assert.deepEqual(resolve({ a: { disabled: ['B'], enabled: ['X', 'B'] } }), ['a/A', 'a/C', 'a/X', 'a/B', 'b/D']);
  });

  it('a default disabled and re-enabled takes the options given in YAML', () => {
    assert.deepEqual(options({ a: { disabled: ['B'], enabled: [{ name: 'B', options: { weight: 3 } }] } }, 'B'), { weight: 3 });
  });

  it('records where each plugin came from (default or its YAML path)', () => {
    const sources = resolvePlugins(catalogue(), { a: { enabled: ['X', { name: 'B' }] } }, FILE).map((r) => [r.plugin.name, r.source]);
    assert.deepEqual(Object.fromEntries(sources), {
      A: 'plugins.a(default A)',
      B: 'plugins.a.enabled[1]',
      C: 'plugins.a(default C)',
      X: 'plugins.a.enabled[0]',
      D: 'plugins.b(default D)',
    });
  });

  it('an unknown plugin in enabled is an error naming its path', () => {
    const err = configError(() => resolve({ a: { enabled: ['X', 'Nope'] } }));
    assert.equal(err.path, 'plugins.a.enabled[1]');
  });

  it('an unknown plugin in disabled is an error naming its path', () => {
    const err = configError(() => resolve({ a: { disabled: ['Nope'] } }));
    assert.equal(err.path, 'plugins.a.disabled[0]');
  });

  it('a plugin of another area is unknown in this one', () => {
    const err = configError(() => resolve({ b: { enabled: ['A'] } }));
    assert.equal(err.path, 'plugins.b.enabled[0]');
  });

  it('an unknown area is an error naming plugins.<area>', () => {
    const err = configError(() => resolve({ nope: { enabled: ['A'] } }));
    assert.equal(err.path, 'plugins.nope');
  });

  it('a plugin enabled twice is an error naming the second entry', () => {
    const err = configError(() => resolve({ a: { enabled: ['X', { name: 'X' }] } }));
    assert.equal(err.path, 'plugins.a.enabled[1]');
  });

  it('errors name the config file', () => {
    const err = configError(() => resolve({ a: { enabled: ['Nope'] } }));
    assert.equal(err.file, FILE);
  });
});
