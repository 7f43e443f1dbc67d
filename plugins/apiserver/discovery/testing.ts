/**
 * Test fixtures for the discovery, OpenAPI and schema-validation plugins: a few ResourceDefinitions
 * pointing at real Kubernetes schemas (so the tests don't depend on the resource plugins), and a
 * bare Server with the plugins applied (no storage: discovery and OpenAPI need none).
 */
import os from 'node:os';
import pino from 'pino';
import { builtinPatchSchema } from '../../../core/api/patch';
import { definePlugin, type PluginDefinition } from '../../../core/plugin/define';
import { getResourceRegistry } from '../../../core/registry/registry';
import type { CustomSubresource, ResourceDefinition } from '../../../core/registry/types';
import { Server } from '../../../core/server/server';
import Discovery from '.';
import OpenAPI from '../openapi';
import SchemaValidation from '../schema-validation';

const notServed: CustomSubresource['handle'] = async () => ({ status: 501 });

export const DEPLOYMENTS: ResourceDefinition = {
  group: 'apps',
  versions: [{ name: 'v1', served: true, storage: true, schemaRef: 'io.k8s.api.apps.v1.Deployment' }],
  names: { plural: 'deployments', singular: 'deployment', kind: 'Deployment', listKind: 'DeploymentList', shortNames: ['deploy'], categories: ['all'] },
  namespaced: true,
  patchSchema: builtinPatchSchema('Deployment'),
  subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'status.selector' } },
};

export const PODS: ResourceDefinition = {
  group: '',
  versions: [{ name: 'v1', served: true, storage: true, schemaRef: 'io.k8s.api.core.v1.Pod' }],
  names: { plural: 'pods', singular: 'pod', kind: 'Pod', listKind: 'PodList', shortNames: ['po'], categories: ['all'] },
  namespaced: true,
  patchSchema: builtinPatchSchema('Pod'),
  subresources: {
    status: true,
    custom: [
      { name: 'eviction', verbs: ['create'], kind: 'Eviction', group: 'policy', version: 'v1', handle: notServed },
      { name: 'log', verbs: ['get'], kind: 'Pod', handle: notServed },
    ],
  },
};

export const NAMESPACES: ResourceDefinition = {
  group: '',
  versions: [{ name: 'v1', served: true, storage: true, schemaRef: 'io.k8s.api.core.v1.Namespace' }],
  names: { plural: 'namespaces', singular: 'namespace', kind: 'Namespace', listKind: 'NamespaceList', shortNames: ['ns'] },
  namespaced: false,
  patchSchema: builtinPatchSchema('Namespace'),
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: { status: true },
};

/** Two served versions: v2 is listed first, so it is the preferred one. */
export const HPAS: ResourceDefinition = {
  group: 'autoscaling',
  versions: [
    { name: 'v2', served: true, storage: true, schemaRef: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler' },
    { name: 'v1', served: true, storage: false, schemaRef: 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler' },
  ],
  names: { plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'] },
  namespaced: true,
  subresources: { status: true },
};

/** A custom resource without a schema (as a CRD without openAPIV3Schema). */
export const CRONTABS: ResourceDefinition = {
  group: 'stable.example.com',
  versions: [{ name: 'v1', served: true, storage: true }],
  names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
  namespaced: true,
};

export const TEST_DEFINITIONS: readonly ResourceDefinition[] = [DEPLOYMENTS, PODS, NAMESPACES, HPAS, CRONTABS];

/**
 * A plugin registering `defs`. With `ifAbsent` it registers after every plugin was applied and
 * skips resources a real resource plugin already registered.
 */
export function testResources(defs: readonly ResourceDefinition[] = TEST_DEFINITIONS, opts: { ifAbsent?: boolean } = {}): PluginDefinition<any> {
  return definePlugin({
    name: 'TestResources',
    area: 'testing',
    apply(server) {
      const register = () => {
        const registry = getResourceRegistry(server);
        for (const d of defs) if (!opts.ifAbsent || !registry.get(d.group, d.names.plural)) registry.register(d);
      };
      if (opts.ifAbsent) server.hooks.afterPlugins.tap('TestResources', register);
      else register();
    },
  });
}

/** A bare Server with Discovery, OpenAPI, SchemaValidation and the test resources applied. */
export function docsServer(defs: readonly ResourceDefinition[] = TEST_DEFINITIONS, options: Record<string, unknown> = {}): Server {
  const server = new Server({ config: {}, dataDir: os.tmpdir(), logger: pino({ level: 'silent' }) });
  const plugins: PluginDefinition<any>[] = [Discovery, OpenAPI, SchemaValidation, testResources(defs)];
  for (const p of plugins) p.apply(server, options[p.name] ?? {});
  return server;
}

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
/** What kubectl 1.32 sends for /api and /apis. */
export const KUBECTL_DISCOVERY_ACCEPT = `${AGGREGATED_V2},${AGGREGATED_V2BETA1},application/json`;
