import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError } from '../../core/config/errors';
import { loadConfig } from '../../core/config/load';
import type { Catalogue } from '../../core/plugin/define';
import { addToCatalogue } from '../../core/plugin/define';
import { resolvePlugins } from '../../core/plugin/resolve';
import { builtinPlugins } from '../../plugins';
import { ROOT } from '../helpers/k8ts-process';
import { httpRequest, useTestServers } from '../helpers/kernel';
import { useTmpDirs } from '../helpers/tmp';

const EXAMPLE_CONFIG = path.join(ROOT, 'examples', 'config', 'k8ts.yaml');
const EXAMPLE_PLUGINS = path.join(ROOT, 'examples', 'plugins');

describe('examples/', () => {
  describe('config/k8ts.yaml', () => {
    function resolved(config: ReturnType<typeof loadConfig>['config']) {
      const catalogue: Catalogue = new Map();
      addToCatalogue(catalogue, builtinPlugins, 'plugins/index.ts');
      return resolvePlugins(catalogue, config.plugins, 'test').map((r) => [`${r.plugin.area}/${r.plugin.name}`, r.options]);
    }

    it('is a valid Configuration', () => {
      assert.doesNotThrow(() => loadConfig(EXAMPLE_CONFIG));
    });

    it('holds the default value of every field', () => {
      const { plugins: _a, ...example } = loadConfig(EXAMPLE_CONFIG).config;
      const { plugins: _b, ...defaults } = loadConfig().config;
      assert.deepEqual(example, defaults);
    });

    it('enables the default plugins with their default options', () => {
      assert.deepEqual(resolved(loadConfig(EXAMPLE_CONFIG).config), resolved(loadConfig().config));
    });
  });

  describe('plugins/hello (a drop-in)', () => {
    const tmp = useTmpDirs();
    const servers = useTestServers();

    function build(config: Record<string, unknown> = {}) {
      return servers.build({ dir: tmp.make(), config: { pluginDirs: [EXAMPLE_PLUGINS], ...config } });
    }

    it('is loaded from pluginDirs and enabled by default', () => {
      const { plugins } = build();
      assert.ok(plugins.some((r) => r.plugin.area === 'examples' && r.plugin.name === 'Hello'));
    });

    it('serves GET /hello through server.inject', async () => {
      const { server } = build();
      const res = await server.inject({ url: '/hello' });
      assert.deepEqual([res.status, res.json()], [200, { greeting: 'Hello, world!' }]);
    });

    it('takes ?name= and its greeting option', async () => {
      const { server } = build({ plugins: { examples: { enabled: [{ name: 'Hello', options: { greeting: 'Howdy' } }] } } });
      const res = await server.inject({ url: '/hello?name=k8ts' });
      assert.deepEqual(res.json(), { greeting: 'Howdy, k8ts!' });
    });

    it('leaves other methods to the rest of the chain (404)', async () => {
      const { server } = build();
      assert.equal((await server.inject({ method: 'POST', url: '/hello' })).status, 404);
    });

    it('serves /hello over HTTP on a started server', async () => {
      const { listener } = await servers.start({ dir: tmp.make(), config: { pluginDirs: [EXAMPLE_PLUGINS] } });
      const res = await httpRequest(listener.url, '/hello');
      assert.deepEqual([res.status, JSON.parse(res.body)], [200, { greeting: 'Hello, world!' }]);
    });

    it('its options are checked against its schema', () => {
      assert.throws(
        () => build({ plugins: { examples: { enabled: [{ name: 'Hello', options: { greeting: '' } }] } } }),
        (err: unknown) => err instanceof ConfigError && err.path === 'plugins.examples.enabled[0].options.greeting',
      );
    });
  });
});
