/**
 * RBACBootstrap: writes the default cluster roles and bindings (policy.ts) during `initialize`
 * (after storage, the registries and RBAC's cache) through the generic store as the loopback
 * identity, creating what is absent and leaving what exists alone, so restarts are idempotent and
 * an operator's edits survive. `initialize` ends once RBAC's cache and the aggregation controller
 * have caught up, so the server never serves a request before the policy is in force.
 */
import { definePlugin } from '../../../core/plugin/define';
import type { Server } from '../../../core/server/server';
import { LifecycleStage } from '../../../hooks/stages';
import { rbacSynced } from '../rbac';
import { createIfAbsent } from '../internal-write';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './policy';

export { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './policy';

const PLUGIN_NAME = 'RBACBootstrap';
/** Create every bootstrap role and binding that does not exist yet; returns the names created. */
export async function ensureBootstrapPolicy(server: Server): Promise<string[]> {
  const created: string[] = [];
  for (const role of bootstrapClusterRoles()) if ((await createIfAbsent(server, 'clusterroles', role)) === 'created') created.push(`clusterroles/${role.metadata.name}`);
  for (const b of bootstrapClusterRoleBindings()) if ((await createIfAbsent(server, 'clusterrolebindings', b)) === 'created') created.push(`clusterrolebindings/${b.metadata.name}`);
  return created;
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authz',
  description: 'Default cluster roles (cluster-admin, admin, edit, view, system:*) and their bindings, created at initialize when absent',
  dependencies: ['authz/RBAC'],
  apply(server) {
    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      const created = await ensureBootstrapPolicy(server);
      if (created.length > 0) server.logger.info({ created: created.length }, 'RBAC bootstrap policy created');
      await rbacSynced(server);
    });
  },
});
