import type { AreaPluginSet } from '../plugin/resolve';
import type { StorageConfig } from '../storage';
import { schedulerConfigSchema, type SchedulerConfiguration } from './scheduler';

/** The k8ts Configuration (YAML), after defaults. */
export interface Configuration {
  apiVersion: 'k8ts.dev/v1alpha1';
  kind: 'Configuration';
  /** where state, certificates and the kubeconfig live (relative to the working directory) */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  apiserver: {
    bindAddress: string;
    /** 0 picks a free port */
    port: number;
    /** plain HTTP instead of HTTPS, for local experiments */
    insecureHttp: boolean;
    /** how long in-flight requests may take to drain on shutdown */
    drainTimeoutSeconds: number;
  };
  storage: StorageConfig;
  /** directories of drop-in plugin modules, relative to the config file */
  pluginDirs: string[];
  /** per area: enabled / disabled lists (the Kubernetes scheduler's merge rules) */
  plugins: Record<string, AreaPluginSet>;
  /** the nodes this process hosts (kubelet area); absent = one simulated node k8ts-node-0, [] = none */
  nodes?: NodeEntry[];
  /** scheduling profiles and queue settings (plugins/scheduler) */
  scheduler: SchedulerConfiguration;
}

/** One `nodes:` entry; with `count`, it stands for nodes `<name>-0` … `<name>-<count-1>`. */
export interface NodeEntry {
  name: string;
  count?: number;
  runtime?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }>;
  capacity?: Record<string, string | number>;
  allocatable?: Record<string, string | number>;
  podCIDR?: string;
  proxy?: Record<string, unknown>;
}

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const quantityMap = { type: 'object', additionalProperties: { type: ['string', 'number'] } };
const nodeEntry = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
    count: { type: 'integer', minimum: 1, maximum: 16384 },
    runtime: { type: 'string', minLength: 1 },
    labels: stringMap,
    annotations: stringMap,
    taints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'effect'],
        additionalProperties: false,
        properties: { key: { type: 'string', minLength: 1 }, value: { type: 'string' }, effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] } },
      },
    },
    capacity: quantityMap,
    allocatable: quantityMap,
    podCIDR: { type: 'string', minLength: 1 },
    proxy: { type: 'object' },
  },
};

const pluginEntry = {
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1 }, options: {} },
    },
  ],
};

/** The ajv schema; `default`s fill what the file leaves out. */
export const configurationSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'k8ts.dev/v1alpha1', default: 'k8ts.dev/v1alpha1' },
    kind: { const: 'Configuration', default: 'Configuration' },
    dataDir: { type: 'string', minLength: 1, default: '.k8ts' },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    apiserver: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        bindAddress: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 6443 },
        insecureHttp: { type: 'boolean', default: false },
        drainTimeoutSeconds: { type: 'number', minimum: 0, default: 10 },
      },
    },
    storage: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        backend: { enum: ['sqlite', 'etcd', 'memory'], default: 'sqlite' },
        sqlite: {
          type: 'object',
          additionalProperties: false,
          properties: {
            path: { type: 'string', minLength: 1 },
            historyWindowSeconds: { type: 'number', minimum: 0 },
            compactIntervalSeconds: { type: 'number', minimum: 0 },
          },
        },
        etcd: {
          type: 'object',
          additionalProperties: false,
          properties: {
            endpoints: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            prefix: { type: 'string' },
            dialTimeoutMs: { type: 'integer', minimum: 1 },
            requestTimeoutMs: { type: 'integer', minimum: 1 },
            retry: {
              type: 'object',
              additionalProperties: false,
              required: ['initialMs', 'maxMs', 'maxAttempts'],
              properties: {
                initialMs: { type: 'integer', minimum: 1 },
                maxMs: { type: 'integer', minimum: 1 },
                maxAttempts: { type: 'integer', minimum: 1 },
              },
            },
          },
        },
      },
    },
    pluginDirs: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    nodes: { type: 'array', items: nodeEntry },
    scheduler: schedulerConfigSchema,
    plugins: {
      type: 'object',
      default: {},
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'array', items: pluginEntry },
          disabled: { type: 'array', items: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
} as const;
