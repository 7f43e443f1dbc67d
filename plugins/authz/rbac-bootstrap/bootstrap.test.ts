import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { admin, RBAC, startAuthzServer, type Obj } from '../testing';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles, ensureBootstrapPolicy } from '.';

describe('authz/RBACBootstrap', () => {
  let server: Server;
  before(async () => {
    server = await startAuthzServer();
  });
  after(() => server.stop());

  it('creates the default cluster roles a user expects', async () => {
    const names = (await admin(server, 'GET', `${RBAC}/clusterroles`)).items.map((r: Obj) => r.metadata.name);
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:node']) {
      assert.ok(names.includes(n), n);
    }
  });

  it('labels them rbac-defaults and marks them autoupdate', async () => {
    const role = await admin(server, 'GET', `${RBAC}/clusterroles/cluster-admin`);
    assert.equal(role.metadata.labels['kubernetes.io/bootstrapping'], 'rbac-defaults');
    assert.equal(role.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'], 'true');
  });

  it('gives admin, edit and view the aggregationRules and aggregate-to-* labels of Kubernetes', async () => {
    const get = (n: string) => admin(server, 'GET', `${RBAC}/clusterroles/${n}`);
    const sel = (r: Obj) => r.aggregationRule.clusterRoleSelectors[0].matchLabels;
    assert.deepEqual(sel(await get('admin')), { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' });
    assert.deepEqual(sel(await get('edit')), { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });
    assert.deepEqual(sel(await get('view')), { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' });
    assert.equal((await get('edit')).metadata.labels['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
    assert.equal((await get('view')).metadata.labels['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
  });

  it('binds cluster-admin to system:masters and public-info-viewer to authenticated and unauthenticated', async () => {
    const crb = (n: string) => admin(server, 'GET', `${RBAC}/clusterrolebindings/${n}`);
    assert.deepEqual((await crb('cluster-admin')).subjects.map((s: Obj) => s.name), ['system:masters']);
    assert.deepEqual((await crb('system:public-info-viewer')).subjects.map((s: Obj) => s.name), ['system:authenticated', 'system:unauthenticated']);
    assert.deepEqual((await crb('system:basic-user')).subjects.map((s: Obj) => s.name), ['system:authenticated']);
  });

  it('lets public-info-viewer read /healthz, /livez, /readyz, /version and /version/ only', async () => {
    const role = await admin(server, 'GET', `${RBAC}/clusterroles/system:public-info-viewer`);
    assert.deepEqual(role.rules, [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]);
  });

  it('is idempotent: a second run creates nothing and keeps edits', async () => {
    const existing = await admin(server, 'GET', `${RBAC}/clusterroles/system:discovery`);
    existing.metadata.labels.edited = 'yes';
    await admin(server, 'PUT', `${RBAC}/clusterroles/system:discovery`, existing);
    assert.deepEqual(await ensureBootstrapPolicy(server), []);
    assert.equal((await admin(server, 'GET', `${RBAC}/clusterroles/system:discovery`)).metadata.labels.edited, 'yes');
  });

  it('recreates a deleted default role on the next run', async () => {
    await admin(server, 'DELETE', `${RBAC}/clusterrolebindings/system:basic-user`);
    assert.deepEqual(await ensureBootstrapPolicy(server), ['clusterrolebindings/system:basic-user']);
  });

  it('ships bindings only to roles it ships', () => {
    const roles = new Set(bootstrapClusterRoles().map((r) => r.metadata.name));
    for (const b of bootstrapClusterRoleBindings()) assert.ok(roles.has(b.roleRef.name), b.metadata.name);
  });
});
