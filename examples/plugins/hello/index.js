'use strict';
/**
 * A drop-in plugin: serves `GET /hello` (and `/hello?name=you`) through the delegation chain.
 *
 * Use it by naming this folder's parent in the Configuration:
 *
 *   pluginDirs: [./examples/plugins]     # relative to the config file
 *   plugins:
 *     examples:
 *       enabled: [{ name: Hello, options: { greeting: Howdy } }]   # optional: it is on by default
 *
 * then `kubectl --kubeconfig .k8ts/kubeconfig get --raw /hello`.
 *
 * Plain CommonJS: drop-ins are loaded with require(), like a built-in plugin object. Inside this
 * repository `require('k8ts')` resolves to the package itself; elsewhere install k8ts beside it.
 */
const { definePlugin, HandlerStage } = require('k8ts');

const PLUGIN_NAME = 'Hello';

module.exports = definePlugin({
  name: PLUGIN_NAME,
  area: 'examples',
  description: 'Serves GET /hello',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { greeting: { type: 'string', minLength: 1, default: 'Hello' } },
  },
  apply(server, options) {
    // apply only taps; the tap returns `undefined` ("not mine") for every other request
    server.hooks.resolveHandler.tapPromise({ name: PLUGIN_NAME, stage: HandlerStage.NON_RESOURCE }, async (ctx) => {
      if (ctx.path !== '/hello' || ctx.method !== 'GET') return undefined;
      return async () => {
        const name = ctx.query.get('name') || 'world';
        return { status: 200, body: { greeting: `${options.greeting}, ${name}!` } };
      };
    });
  },
});
