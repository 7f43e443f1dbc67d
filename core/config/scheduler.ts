/**
 * The top-level `scheduler:` section of the Configuration: scheduling profiles in the grammar of
 * KubeSchedulerConfiguration (per extension point `enabled` / `disabled`, score weights,
 * pluginConfig args) and the queue knobs. The Scheduler plugin (plugins/scheduler) reads it.
 */

export interface SchedulerPluginRef {
  name: string;
  weight?: number;
}

export interface SchedulerPluginSetConfig {
  enabled?: Array<string | SchedulerPluginRef>;
  disabled?: Array<string | { name: string }>;
}

export interface SchedulerProfileConfig {
  schedulerName: string;
  plugins?: Record<string, SchedulerPluginSetConfig>;
  pluginConfig?: Array<{ name: string; args?: Record<string, unknown> }>;
}

export interface SchedulerConfiguration {
  /** 0 = adaptive (50 - nodes/125 %, at least 5 %, at least 100 nodes) */
  percentageOfNodesToScore: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  profiles: SchedulerProfileConfig[];
}

const ref = {
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1 }, weight: { type: 'integer', minimum: 0, maximum: 100 } },
    },
  ],
};

const pluginSet = {
  type: 'object',
  additionalProperties: false,
  properties: { enabled: { type: 'array', items: ref }, disabled: { type: 'array', items: ref } },
};

const POINTS = ['queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'];

export const schedulerConfigSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    percentageOfNodesToScore: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
    podInitialBackoffSeconds: { type: 'number', exclusiveMinimum: 0, default: 1 },
    podMaxBackoffSeconds: { type: 'number', exclusiveMinimum: 0, default: 10 },
    profiles: {
      type: 'array',
      default: [{ schedulerName: 'default-scheduler' }],
      minItems: 1,
      items: {
        type: 'object',
        required: ['schedulerName'],
        additionalProperties: false,
        properties: {
          schedulerName: { type: 'string', minLength: 1 },
          plugins: { type: 'object', additionalProperties: false, properties: Object.fromEntries(POINTS.map((p) => [p, pluginSet])) },
          pluginConfig: {
            type: 'array',
            items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1 }, args: { type: 'object' } } },
          },
        },
      },
    },
  },
} as const;
