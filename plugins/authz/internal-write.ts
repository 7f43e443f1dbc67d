/**
 * Internal writes of the authz plugins (bootstrap policy, aggregated rules): through the generic
 * store (defaults, admission, strategy, validation) as kube-apiserver's loopback identity, without a
 * trip through the request pipeline, so they neither show up as requests (filters, audit, metrics)
 * nor depend on the filter chain being ready during `initialize`.
 */
import { buildContext } from '../../core/server/inject';
import { getResourceRegistry } from '../../core/registry/registry';
import { getStore } from '../../core/registry/store';
import { createObject, updateObject, type WriteContext } from '../../core/registry/store-write';
import type { KObject } from '../../core/registry/types';
import type { Server } from '../../core/server/server';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function writeContext(server: Server, method: string, url: string): WriteContext {
  const ctx = buildContext({ method, url, remoteAddress: 'internal' }, server.shutdownSignal);
  server.fillRequestInfo(ctx);
  ctx.user = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };
  return { ctx, dryRun: false, version: 'v1', subresource: '' };
}

function storeOf(server: Server, plural: string) {
  const resource = getResourceRegistry(server).get(RBAC_GROUP, plural);
  if (!resource) throw new Error(`${plural}.${RBAC_GROUP} is not served (the RBAC resource plugins are not enabled)`);
  return getStore(server, resource);
}

/** Create a cluster-scoped RBAC object unless it exists: 'created' or 'exists'. */
export async function createIfAbsent(server: Server, plural: string, obj: KObject): Promise<'created' | 'exists'> {
  const url = `/apis/${RBAC_GROUP}/v1/${plural}`;
  try {
    await createObject(storeOf(server, plural), writeContext(server, 'POST', url), structuredClone(obj));
    return 'created';
  } catch (err) {
    if ((err as { reason?: string }).reason === 'AlreadyExists') return 'exists';
    throw err;
  }
}

/** Replace a ClusterRole's rules (a vanished role is fine: nothing to aggregate into). */
export async function setClusterRoleRules(server: Server, name: string, rules: unknown[]): Promise<void> {
  const url = `/apis/${RBAC_GROUP}/v1/clusterroles/${encodeURIComponent(name)}`;
  try {
    await updateObject(storeOf(server, 'clusterroles'), writeContext(server, 'PUT', url), {
      namespace: '',
      name,
      tryUpdate: (current) => ({ ...current, rules: structuredClone(rules) }),
    });
  } catch (err) {
    if ((err as { reason?: string }).reason === 'NotFound') return;
    throw err;
  }
}
