'use strict';
/**
 * A drop-in scheduler score plugin: prefers nodes carrying a label (optionally with a value).
 * A node with the label scores 100, any other 0; the profile's weight scales it against the
 * built-in scores (TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, ...).
 *
 *   pluginDirs: [./examples/plugins]
 *   plugins:
 *     scheduler:
 *       enabled: [{ name: PreferNodeLabel, options: { label: tier, value: fast } }]
 *   scheduler:
 *     profiles:
 *       - schedulerName: default-scheduler
 *         plugins: { score: { enabled: [{ name: PreferNodeLabel, weight: 10 }] } }
 *
 * Plain CommonJS, loaded with require() like a built-in; `require('k8ts/scheduler')` is the
 * scheduler's plugin API (defineSchedulerPlugin, statuses, types).
 */
const { defineSchedulerPlugin, MAX_NODE_SCORE } = require('k8ts/scheduler');

const PLUGIN_NAME = 'PreferNodeLabel';

module.exports = defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'score: nodes with a label (and value) first',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['label'],
    properties: {
      label: { type: 'string', minLength: 1 },
      value: { type: 'string' },
    },
  },
  // off until named under plugins.scheduler.enabled (it needs its label); then every profile
  // runs it at score by default (weight 1 unless the profile says otherwise)
  enabledByDefault: false,
  defaultPoints: ['score'],
  defaultWeight: 1,
  points(_server, options) {
    return {
      score(_pod, nodeInfo, state) {
        const args = state.args(PLUGIN_NAME, options);
        const v = nodeInfo.labels[args.label];
        if (v === undefined) return 0;
        return args.value === undefined || v === args.value ? MAX_NODE_SCORE : 0;
      },
    };
  },
});
