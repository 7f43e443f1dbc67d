/**
 * RBACBootstrap: writes the default cluster roles and bindings (policy.ts) at postStart through
 * server.inject (as the loopback identity), creating what is absent and leaving what exists alone,
 * so restarts are idempotent and an operator's edits (autoupdate "false" or not) survive. The
 * readiness check `poststarthook/RBACBootstrap` passes once RBAC's cache and the aggregation
 * controller have caught up with them.
 */
import { definePlugin } from '../../../core/plugin/define';
import type { Server } from '../../../core/server/server';
import { rbacSynced } from '../rbac';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles, type Obj } from './policy';

export { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './policy';

const PLUGIN_NAME = 'RBACBootstrap';
const BASE = '/apis/rbac.authorization.k8s.io/v1';

async function ensure(server: Server, plural: string, obj: Obj): Promise<'created' | 'exists'> {
  const r = await server.inject({ method: 'POST', url: `${BASE}/${plural}`, body: obj });
  if (r.status === 201) return 'created';
  if (r.status === 409) return 'exists';
  throw new Error(`bootstrap ${plural}/${obj.metadata.name}: ${r.status} ${r.text()}`);
}

/** Create every bootstrap role and binding that does not exist yet; returns the names created. */
export async function ensureBootstrapPolicy(server: Server): Promise<string[]> {
  const created: string[] = [];
  for (const role of bootstrapClusterRoles()) if ((await ensure(server, 'clusterroles', role)) === 'created') created.push(`clusterroles/${role.metadata.name}`);
  for (const b of bootstrapClusterRoleBindings()) if ((await ensure(server, 'clusterrolebindings', b)) === 'created') created.push(`clusterrolebindings/${b.metadata.name}`);
  return created;
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authz',
  description: 'Default cluster roles (cluster-admin, admin, edit, view, system:*) and their bindings, created at postStart when absent',
  dependencies: ['authz/RBAC'],
  apply(server) {
    server.hooks.postStart.tapPromise(PLUGIN_NAME, async () => {
      const created = await ensureBootstrapPolicy(server);
      if (created.length > 0) server.logger.info({ created: created.length }, 'RBAC bootstrap policy created');
      await rbacSynced(server);
    });
  },
});
