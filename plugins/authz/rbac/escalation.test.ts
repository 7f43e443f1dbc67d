import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { admin, call, clusterRoleBinding, grant, RBAC, roleBinding, startAuthzServer, user, userSubject, type Obj } from '../testing';

const G = 'rbac.authorization.k8s.io';
const role = (name: string, rules: Obj[]) => ({ apiVersion: `${G}/v1`, kind: 'Role', metadata: { name, namespace: 'ns1' }, rules });
const clusterRole = (name: string, rules: Obj[], extra: Obj = {}) => ({ apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name }, rules, ...extra });
const podsRead = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] };
const secretsAll = { apiGroups: [''], resources: ['secrets'], verbs: ['*'] };

describe('authz/RBAC: escalation prevention', () => {
  let server: Server;
  // ns1 admin: can write roles and rolebindings in ns1 (admin), holds what admin holds there
  const nsAdmin = user('nsadmin');
  // can write clusterroles/clusterrolebindings but holds only pods read
  const roleWriter = user('writer');

  before(async () => {
    server = await startAuthzServer();
    await admin(server, 'POST', '/api/v1/namespaces', { metadata: { name: 'ns1' } });
    await grant(server, `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'nsadmin', { kind: 'ClusterRole', name: 'admin' }, [userSubject('nsadmin')]));
    await admin(server, 'POST', `${RBAC}/clusterroles`, clusterRole('role-writer', [{ apiGroups: [G], resources: ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'], verbs: ['create', 'update', 'get'] }, podsRead]));
    await grant(server, `${RBAC}/clusterrolebindings`, clusterRoleBinding('writer', 'role-writer', [userSubject('writer')]));
  });
  after(() => server.stop());

  it('lets a user create a Role with rules it holds', async () => {
    const r = await call(server, nsAdmin, 'POST', `${RBAC}/namespaces/ns1/roles`, role('pod-reader', [podsRead]));
    assert.equal(r.status, 201, r.text());
  });

  it('refuses a Role with rules the user does not hold (403 naming the missing rules)', async () => {
    const r = await call(server, nsAdmin, 'POST', `${RBAC}/namespaces/ns1/roles`, role('node-lord', [{ apiGroups: [''], resources: ['nodes'], verbs: ['delete'] }]));
    assert.equal(r.status, 403);
    const s = r.json<Obj>();
    assert.equal(s.reason, 'Forbidden');
    assert.deepEqual(s.details, { name: 'node-lord', group: G, kind: 'roles' });
    assert.match(s.message, /attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["delete"\]\}/);
  });

  it('refuses a ClusterRole with rules held only in a namespace', async () => {
    const r = await call(server, roleWriter, 'POST', `${RBAC}/clusterroles`, clusterRole('secrets-everywhere', [secretsAll]));
    assert.equal(r.status, 403);
    assert.equal(r.json<Obj>().reason, 'Forbidden');
  });

  it('refuses wildcards the user holds only as a list of verbs', async () => {
    const r = await call(server, roleWriter, 'POST', `${RBAC}/clusterroles`, clusterRole('pods-star', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }]));
    assert.equal(r.status, 403);
  });

  it('refuses an aggregationRule to anyone without full authority', async () => {
    const r = await call(server, roleWriter, 'POST', `${RBAC}/clusterroles`, clusterRole('gatherer', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } }));
    assert.equal(r.status, 403);
  });

  it('lets a user holding `escalate` on roles create any Role', async () => {
    await admin(server, 'POST', `${RBAC}/clusterroles`, clusterRole('escalator', [{ apiGroups: [G], resources: ['roles'], verbs: ['create', 'escalate'] }]));
    await grant(server, `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'esc', { kind: 'ClusterRole', name: 'escalator' }, [userSubject('esc')]));
    const r = await call(server, user('esc'), 'POST', `${RBAC}/namespaces/ns1/roles`, role('anything', [secretsAll, { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]));
    assert.equal(r.status, 201, r.text());
  });

  it('lets an update through when the rules did not change', async () => {
    const existing = await admin(server, 'GET', `${RBAC}/namespaces/ns1/roles/anything`);
    existing.metadata.labels = { touched: 'yes' };
    const r = await call(server, nsAdmin, 'PUT', `${RBAC}/namespaces/ns1/roles/anything`, existing);
    assert.equal(r.status, 200, r.text());
  });

  it('refuses an update that adds rules the user does not hold', async () => {
    const existing = await admin(server, 'GET', `${RBAC}/namespaces/ns1/roles/pod-reader`);
    existing.rules.push({ apiGroups: [''], resources: ['nodes'], verbs: ['get'] });
    const r = await call(server, nsAdmin, 'PUT', `${RBAC}/namespaces/ns1/roles/pod-reader`, existing);
    assert.equal(r.status, 403);
  });

  it('lets a user bind a role whose rules it holds', async () => {
    const r = await call(server, nsAdmin, 'POST', `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'view-for-bob', { kind: 'ClusterRole', name: 'view' }, [userSubject('bob')]));
    assert.equal(r.status, 201, r.text());
  });

  it('refuses a RoleBinding to a role with rules the user does not hold', async () => {
    const r = await call(server, nsAdmin, 'POST', `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'bob-admin', { kind: 'ClusterRole', name: 'cluster-admin' }, [userSubject('bob')]));
    assert.equal(r.status, 403);
    assert.deepEqual([r.json<Obj>().reason, r.json<Obj>().details.kind], ['Forbidden', 'rolebindings']);
  });

  it('refuses a ClusterRoleBinding to cluster-admin from a user who only holds pods read', async () => {
    const r = await call(server, roleWriter, 'POST', `${RBAC}/clusterrolebindings`, clusterRoleBinding('me-admin', 'cluster-admin', [userSubject('writer')]));
    assert.equal(r.status, 403);
    assert.equal(r.json<Obj>().details.kind, 'clusterrolebindings');
  });

  it('refuses a binding to a role that does not exist unless the user may `bind` it', async () => {
    const r = await call(server, nsAdmin, 'POST', `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'ghost', { kind: 'Role', name: 'ghost' }, [userSubject('bob')]));
    assert.equal(r.status, 403);
  });

  it('lets a user holding `bind` on that one ClusterRole bind it', async () => {
    await admin(server, 'POST', `${RBAC}/clusterroles`, clusterRole('binder', [{ apiGroups: [G], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] }]));
    await grant(server, `${RBAC}/clusterrolebindings`, clusterRoleBinding('writer-binds', 'binder', [userSubject('writer')]));
    const ok = await call(server, roleWriter, 'POST', `${RBAC}/clusterrolebindings`, clusterRoleBinding('granted-admin', 'cluster-admin', [userSubject('carol')]));
    assert.equal(ok.status, 201, ok.text());
    const other = await call(server, roleWriter, 'POST', `${RBAC}/clusterrolebindings`, clusterRoleBinding('granted-edit', 'edit', [userSubject('carol')]));
    assert.equal(other.status, 403);
  });

  it('lets system:masters grant anything', async () => {
    const r = await server.inject({ method: 'POST', url: `${RBAC}/clusterroles`, body: clusterRole('big', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]) });
    assert.equal(r.status, 201);
  });
});
