/**
 * SystemNamespaces: make sure the namespaces every cluster has exist (`default`, `kube-system`,
 * `kube-public`, `kube-node-lease`) and the `kubernetes` Service in `default` (the first IP of the
 * service network, port 443 -> the apiserver's port) with its Endpoints and EndpointSlice.
 *
 * Runs in `initialize` once the registries are up (LifecycleStage.COMPONENTS), so the namespaces
 * exist before the server reports started and no client ever sees them missing. Writes go through
 * the generic store (defaults, admission, strategy, validation) as the internal `system:apiserver`
 * user, as kube-apiserver's loopback client does; AlreadyExists is fine, endpoints are reconciled.
 */
import { LifecycleStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import type { RequestContext } from '../../../core/pipeline/types';
import { getResourceRegistry } from '../../../core/registry/registry';
import { getStore } from '../../../core/registry/store';
import { createObject, updateObject, type WriteContext } from '../../../core/registry/store-write';
import type { KObject } from '../../../core/registry/types';
import { buildContext } from '../../../core/server/inject';
import type { Server } from '../../../core/server/server';
import { getServiceNetwork } from '../core/services/network';
import { deepEqual } from '../shared/object';

const PLUGIN_NAME = 'SystemNamespaces';
const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface SystemNamespacesOptions {
  namespaces?: string[];
  /** create the `kubernetes` Service with its Endpoints and EndpointSlice (needs the Service plugin) */
  kubernetesService?: boolean;
  /** the apiserver address published in the endpoints (default: apiserver.bindAddress, 127.0.0.1 for wildcards) */
  advertiseAddress?: string;
  /** the apiserver port published in the endpoints (default: apiserver.port) */
  port?: number;
}

/** The context of an internal write (what kube-apiserver's loopback client would send). */
function internalContext(server: Server, method: string, url: string): RequestContext {
  const ctx = buildContext({ method, url, remoteAddress: 'internal' }, server.shutdownSignal);
  server.fillRequestInfo(ctx);
  ctx.user = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };
  return ctx;
}

function collectionUrl(group: string, plural: string, namespace?: string): string {
  const base = group ? `/apis/${group}/v1` : '/api/v1';
  return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
}

/** Create unless it exists; false when the resource is not served or the write failed. */
async function ensure(server: Server, group: string, plural: string, obj: KObject, reconcileFields: string[] = []): Promise<boolean> {
  const resource = getResourceRegistry(server).get(group, plural);
  if (!resource) return false;
  const store = getStore(server, resource);
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  const wc = (method: string): WriteContext => ({
    ctx: internalContext(server, method, collectionUrl(group, plural, namespace || undefined) + (method === 'PUT' ? `/${name}` : '')),
    dryRun: false,
    version: 'v1',
    subresource: '',
  });
  try {
    await createObject(store, wc('POST'), structuredClone(obj));
    return true;
  } catch (err) {
    if ((err as { reason?: string }).reason !== 'AlreadyExists') {
      server.logger.warn({ err, resource: resource.qualifiedName, name }, `${PLUGIN_NAME}: could not create`);
      return false;
    }
  }
  if (reconcileFields.length === 0) return true;
  try {
    await updateObject(store, wc('PUT'), {
      namespace,
      name,
      tryUpdate: (current) => {
        if (reconcileFields.every((f) => deepEqual(current[f], obj[f]))) return current;
        for (const f of reconcileFields) current[f] = structuredClone(obj[f]);
        return current;
      },
    });
  } catch (err) {
    server.logger.warn({ err, resource: resource.qualifiedName, name }, `${PLUGIN_NAME}: could not update`);
    return false;
  }
  return true;
}

function apiserverAddress(server: Server, opts: SystemNamespacesOptions): { ip: string; port: number | undefined } {
  const api = (server.config.apiserver ?? {}) as { bindAddress?: string; port?: number };
  let ip = opts.advertiseAddress ?? api.bindAddress ?? '127.0.0.1';
  if (ip === '0.0.0.0' || ip === '' || ip === '::') ip = '127.0.0.1';
  const port = opts.port ?? (api.port && api.port > 0 ? api.port : undefined);
  return { ip, port };
}

async function ensureKubernetesService(server: Server, opts: SystemNamespacesOptions): Promise<void> {
  const network = getServiceNetwork(server);
  if (!network) {
    server.logger.info(`${PLUGIN_NAME}: the Service plugin is not enabled; no kubernetes Service`);
    return;
  }
  const { ip, port } = apiserverAddress(server, opts);
  await ensure(server, '', 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: network.firstIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port ?? 6443 }], sessionAffinity: 'None' },
  });
  if (port === undefined) {
    server.logger.info(`${PLUGIN_NAME}: apiserver port unknown (port 0); no kubernetes Endpoints`);
    return;
  }
  const endpointPort = { name: 'https', port, protocol: 'TCP' };
  await ensure(
    server,
    '',
    'endpoints',
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip }], ports: [endpointPort] }],
    },
    ['subsets'],
  );
  await ensure(
    server,
    'discovery.k8s.io',
    'endpointslices',
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: ip.includes(':') ? 'IPv6' : 'IPv4',
      endpoints: [{ addresses: [ip], conditions: { ready: true } }],
      ports: [endpointPort],
    },
    ['addressType', 'endpoints', 'ports'],
  );
}

export default definePlugin<SystemNamespacesOptions>({
  name: PLUGIN_NAME,
  area: 'resources',
  description: 'Ensures default, kube-system, kube-public, kube-node-lease and the kubernetes Service with its endpoints',
  dependencies: ['Namespace'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      namespaces: { type: 'array', items: { type: 'string' }, default: DEFAULT_NAMESPACES },
      kubernetesService: { type: 'boolean', default: true },
      advertiseAddress: { type: 'string' },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
    },
  },
  apply(server, options) {
    const opts = options ?? {};
    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.COMPONENTS }, async () => {
      for (const name of opts.namespaces ?? DEFAULT_NAMESPACES) {
        await ensure(server, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      }
      if (opts.kubernetesService !== false) await ensureKubernetesService(server, opts);
    });
  },
});
