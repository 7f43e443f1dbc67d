import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { admin, call, eventually, grant, RBAC, roleBinding, startAuthzServer, user, userSubject, type Obj } from '../testing';
import { aggregatedRules } from './aggregation';

const G = 'rbac.authorization.k8s.io';
const crdReader = { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] };
const hasRule = (role: Obj, rule: Obj) => (role.rules ?? []).some((r: Obj) => JSON.stringify(r.resources) === JSON.stringify(rule.resources) && JSON.stringify(r.apiGroups) === JSON.stringify(rule.apiGroups));

describe('authz/RBAC: clusterrole aggregation', () => {
  describe('aggregatedRules', () => {
    const role = (name: string, labels: Record<string, string>, rules: Obj[]) => ({ metadata: { name, labels }, rules });
    const agg = { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'true' } }] } };

    it('is the union of the matched roles, sorted by name, without duplicates', () => {
      const rules = aggregatedRules(agg, [agg, role('b', { a: 'true' }, [crdReader]), role('a', { a: 'true' }, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, crdReader]), role('c', {}, [{ apiGroups: ['x'], resources: ['y'], verbs: ['z'] }])]);
      assert.deepEqual(rules?.map((r) => r.resources?.[0]), ['pods', 'widgets']);
    });

    it('is undefined for a role without an aggregationRule', () => {
      assert.equal(aggregatedRules(role('x', {}, []), []), undefined);
    });
  });

  describe('the controller', () => {
    let server: Server;
    before(async () => {
      server = await startAuthzServer();
    });
    after(() => server.stop());

    it('fills view, edit and admin from the bootstrap aggregate-to-* roles', async () => {
      const view = await admin(server, 'GET', `${RBAC}/clusterroles/view`);
      assert.ok(hasRule(view, { apiGroups: [''], resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'] }));
      const edit = await admin(server, 'GET', `${RBAC}/clusterroles/edit`);
      const adminRole = await admin(server, 'GET', `${RBAC}/clusterroles/admin`);
      // view is aggregated into edit, edit into admin
      for (const rule of view.rules) assert.ok(hasRule(edit, rule), JSON.stringify(rule));
      for (const rule of edit.rules) assert.ok(hasRule(adminRole, rule), JSON.stringify(rule));
      assert.ok(hasRule(adminRole, { apiGroups: [G], resources: ['rolebindings', 'roles'] }));
      assert.ok(!hasRule(edit, { apiGroups: [G], resources: ['rolebindings', 'roles'] }));
    });

    it('adds a ClusterRole labelled aggregate-to-view to view (and so to edit and admin)', async () => {
      await admin(server, 'POST', `${RBAC}/clusterroles`, { metadata: { name: 'widget-reader', labels: { [`${G}/aggregate-to-view`]: 'true' } }, rules: [crdReader] });
      for (const name of ['view', 'edit', 'admin']) {
        await eventually(async () => hasRule(await admin(server, 'GET', `${RBAC}/clusterroles/${name}`), crdReader));
      }
    });

    it('grants the aggregated rule to a user bound to view', async () => {
      await grant(server, `${RBAC}/namespaces/default/rolebindings`, roleBinding('default', 'viewer', { kind: 'ClusterRole', name: 'view' }, [userSubject('vi')]));
      await eventually(async () => (await call(server, user('vi'), 'GET', '/apis/example.com/v1/namespaces/default/widgets')).status !== 403);
    });

    it('removes the rules of a deleted aggregated role', async () => {
      await admin(server, 'DELETE', `${RBAC}/clusterroles/widget-reader`);
      await eventually(async () => !hasRule(await admin(server, 'GET', `${RBAC}/clusterroles/view`), crdReader));
    });

    it('overwrites rules written by hand into an aggregated role', async () => {
      const r = await server.inject({
        method: 'PATCH',
        url: `${RBAC}/clusterroles/view`,
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }),
      });
      assert.equal(r.status, 200);
      await eventually(async () => !hasRule(await admin(server, 'GET', `${RBAC}/clusterroles/view`), { apiGroups: ['*'], resources: ['*'] }));
    });
  });
});
