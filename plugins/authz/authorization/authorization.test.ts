import assert from 'node:assert/strict';
import type { AuthorizationAttributes } from '../../../core/auth/types';
import { startTestServer } from '../../../core/registry/testing';
import type { Server } from '../../../core/server/server';
import { resourcePlugins } from '../../resources';
import { rbacSynced } from '../rbac';
import { admin, call, grant, RBAC, roleBinding, startAuthzServer, user, userSubject, type Obj } from '../testing';
import Authorization, { authorize, AuthorizerStage, forbiddenStatus, getAuthzHooks } from '.';

const attrs = (extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({
  user: { username: 'bob', groups: [] },
  verb: 'get',
  apiGroup: 'apps',
  resource: 'deployments',
  subresource: '',
  namespace: 'default',
  name: 'x',
  path: '/apis/apps/v1/namespaces/default/deployments/x',
  isResourceRequest: true,
  ...extra,
});

describe('authz/Authorization', () => {
  describe('the Forbidden Status', () => {
    it('names the resource, group, namespace and user as kube-apiserver does', () => {
      const s = forbiddenStatus(attrs(), '');
      assert.equal(s.message, 'deployments.apps "x" is forbidden: User "bob" cannot get resource "deployments" in API group "apps" in the namespace "default"');
      assert.deepEqual([s.reason, s.code], ['Forbidden', 403]);
      assert.deepEqual(s.details, { name: 'x', group: 'apps', kind: 'deployments' });
    });

    it('says "at the cluster scope" for cluster-scoped requests and leaves the group out of core resources', () => {
      const s = forbiddenStatus(attrs({ apiGroup: '', resource: 'nodes', namespace: '', verb: 'list', name: '' }), '');
      assert.equal(s.message, 'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope');
    });

    it('names subresources as resource/subresource', () => {
      const s = forbiddenStatus(attrs({ apiGroup: '', resource: 'pods', subresource: 'log', name: 'p' }), '');
      assert.match(s.message!, /^pods "p" is forbidden: User "bob" cannot get resource "pods\/log" in API group ""/);
      assert.equal(s.details?.kind, 'pods');
    });

    it('names the path of non-resource requests', () => {
      const s = forbiddenStatus(attrs({ isResourceRequest: false, path: '/metrics', resource: '', apiGroup: '' }), '');
      assert.equal(s.message, 'forbidden: User "bob" cannot get path "/metrics"');
    });

    it('appends the authorizer reason', () => {
      assert.match(forbiddenStatus(attrs(), 'no RBAC policy matched').message!, /: no RBAC policy matched$/);
    });
  });

  describe('the authorizer union', () => {
    let server: Server;
    beforeEach(async () => {
      server = await startTestServer({ setup: (s) => Authorization.apply(s, {}) });
    });
    afterEach(() => server.stop());

    it('denies when no authorizer has an opinion', async () => {
      assert.equal((await authorize(server, attrs())).allowed, false);
    });

    it('stops at the first Allow', async () => {
      const seen: string[] = [];
      getAuthzHooks(server).authorize.tapPromise({ name: 'a', stage: AuthorizerStage.RBAC }, async () => (seen.push('a'), { allowed: true, reason: 'a' }));
      getAuthzHooks(server).authorize.tapPromise({ name: 'b', stage: AuthorizerStage.DEFAULT }, async () => (seen.push('b'), undefined));
      assert.deepEqual(await authorize(server, attrs()), { allowed: true, reason: 'a' });
      assert.deepEqual(seen, ['a']);
    });

    it('stops at the first Deny, before later authorizers that would allow', async () => {
      getAuthzHooks(server).authorize.tapPromise({ name: 'deny', stage: AuthorizerStage.NODE }, async () => ({ allowed: false, denied: true, reason: 'nope' }));
      getAuthzHooks(server).authorize.tapPromise({ name: 'allow', stage: AuthorizerStage.RBAC }, async () => ({ allowed: true, reason: '' }));
      const d = await authorize(server, attrs());
      assert.deepEqual([d.allowed, d.denied, d.reason], [false, true, 'nope']);
    });

    it('passes no opinion on to the next stage', async () => {
      getAuthzHooks(server).authorize.tapPromise({ name: 'none', stage: AuthorizerStage.NODE }, async () => undefined);
      getAuthzHooks(server).authorize.tapPromise({ name: 'allow', stage: AuthorizerStage.RBAC }, async () => ({ allowed: true, reason: 'rbac' }));
      assert.equal((await authorize(server, attrs())).reason, 'rbac');
    });

    it('answers a denied request with 403 Forbidden before any handler', async () => {
      const r = await server.inject({ url: '/api/v1/namespaces/default/pods', user: { username: 'bob', groups: [] } });
      assert.equal(r.status, 403);
      assert.equal(r.json<Obj>().reason, 'Forbidden');
    });
  });

  describe('with RBAC and the bootstrap policy', () => {
    let server: Server;
    before(async () => {
      server = await startAuthzServer();
    });
    after(() => server.stop());

    it('lets system:masters (the inject loopback identity) do anything', async () => {
      assert.equal((await server.inject({ url: '/api/v1/nodes' })).status, 200);
    });

    it('lets anonymous requests read /healthz and /version (system:public-info-viewer)', async () => {
      for (const url of ['/healthz', '/livez', '/readyz', '/version']) assert.notEqual((await call(server, 'anonymous', 'GET', url)).status, 403, url);
    });

    it('refuses anonymous discovery (/api) with 403 naming the path', async () => {
      const r = await call(server, 'anonymous', 'GET', '/api');
      assert.equal(r.status, 403);
      assert.equal(r.json<Obj>().message, 'forbidden: User "system:anonymous" cannot get path "/api"');
    });

    it('lets authenticated users read discovery (system:discovery)', async () => {
      // no Discovery plugin in this server: past authorization, the end of the chain answers 404
      assert.equal((await call(server, user('bob'), 'GET', '/apis')).status, 404);
    });

    it('refuses a user without bindings with the Kubernetes message', async () => {
      const r = await call(server, user('bob'), 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
      assert.equal(r.status, 403);
      const s = r.json<Obj>();
      assert.equal(s.message, 'deployments.apps "web" is forbidden: User "bob" cannot get resource "deployments" in API group "apps" in the namespace "default"');
      assert.deepEqual(s.details, { name: 'web', group: 'apps', kind: 'deployments' });
    });

    it('honours resourceNames', async () => {
      await admin(server, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'one' } });
      await admin(server, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'two' } });
      await admin(server, 'POST', `${RBAC}/namespaces/default/roles`, { metadata: { name: 'only-one' }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['one'], verbs: ['get'] }] });
      await grant(server, `${RBAC}/namespaces/default/rolebindings`, roleBinding('default', 'only-one', { kind: 'Role', name: 'only-one' }, [userSubject('rn')]));
      assert.equal((await call(server, user('rn'), 'GET', '/api/v1/namespaces/default/configmaps/one')).status, 200);
      assert.equal((await call(server, user('rn'), 'GET', '/api/v1/namespaces/default/configmaps/two')).status, 403);
      assert.equal((await call(server, user('rn'), 'GET', '/api/v1/namespaces/default/configmaps')).status, 403);
    });

    it('matches `*/scale` and `resource/subresource` rules against subresources only', async () => {
      await admin(server, 'POST', `${RBAC}/clusterroles`, { metadata: { name: 'scaler' }, rules: [{ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['get'] }, { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }] });
      await grant(server, `${RBAC}/namespaces/default/rolebindings`, roleBinding('default', 'scaler', { kind: 'ClusterRole', name: 'scaler' }, [userSubject('sc')]));
      const sc = user('sc');
      assert.notEqual((await call(server, sc, 'GET', '/apis/apps/v1/namespaces/default/deployments/d/scale')).status, 403);
      assert.notEqual((await call(server, sc, 'GET', '/apis/apps/v1/namespaces/default/statefulsets/s/scale')).status, 403);
      assert.equal((await call(server, sc, 'GET', '/apis/apps/v1/namespaces/default/deployments/d')).status, 403);
      assert.notEqual((await call(server, sc, 'GET', '/api/v1/namespaces/default/pods/p/log')).status, 403);
      assert.equal((await call(server, sc, 'GET', '/api/v1/namespaces/default/pods/p')).status, 403);
    });

    it('matches nonResourceURLs with a trailing * as a prefix', async () => {
      await admin(server, 'POST', `${RBAC}/clusterroles`, { metadata: { name: 'metrics-reader' }, rules: [{ nonResourceURLs: ['/metrics*'], verbs: ['get'] }] });
      await grant(server, `${RBAC}/clusterrolebindings`, { metadata: { name: 'metrics-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'metrics-reader' }, subjects: [userSubject('prom')] });
      assert.notEqual((await call(server, user('prom'), 'GET', '/metrics')).status, 403);
      assert.equal((await call(server, user('bob'), 'GET', '/metrics')).status, 403);
    });

    it('ignores a RoleBinding to a Role that does not exist', async () => {
      await grant(server, `${RBAC}/namespaces/default/rolebindings`, roleBinding('default', 'dangling', { kind: 'Role', name: 'missing' }, [userSubject('dang')]));
      assert.equal((await call(server, user('dang'), 'GET', '/api/v1/namespaces/default/pods')).status, 403);
    });

    it('sees a revoked binding at once (the cache follows the storage watch)', async () => {
      await grant(server, `${RBAC}/namespaces/default/rolebindings`, roleBinding('default', 'temp', { kind: 'ClusterRole', name: 'view' }, [userSubject('temp')]));
      assert.equal((await call(server, user('temp'), 'GET', '/api/v1/namespaces/default/pods')).status, 200);
      await admin(server, 'DELETE', `${RBAC}/namespaces/default/rolebindings/temp`);
      await rbacSynced(server);
      assert.equal((await call(server, user('temp'), 'GET', '/api/v1/namespaces/default/pods')).status, 403);
    });
  });

  describe('CVE-2019-11247: scope comes from the registered resource', () => {
    let server: Server;
    before(async () => {
      server = await startAuthzServer();
      await admin(server, 'POST', '/api/v1/nodes', { metadata: { name: 'n1' } });
      // a namespace admin: `*` on `*` through a RoleBinding in default
      await admin(server, 'POST', `${RBAC}/namespaces/default/roles`, { metadata: { name: 'all' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] });
      await grant(server, `${RBAC}/namespaces/default/rolebindings`, roleBinding('default', 'all', { kind: 'Role', name: 'all' }, [userSubject('nsadmin')]));
    });
    after(() => server.stop());

    it('answers 404 for a node reached through a namespaced path, even to a namespace admin', async () => {
      const r = await call(server, user('nsadmin'), 'GET', '/api/v1/namespaces/default/nodes/n1');
      assert.deepEqual([r.status, r.json<Obj>().reason], [404, 'NotFound']);
    });

    it('answers 404 for clusterroles listed and created through a namespaced path', async () => {
      const list = await call(server, user('nsadmin'), 'GET', `${RBAC}/namespaces/default/clusterroles`);
      assert.equal(list.status, 404);
      const create = await call(server, user('nsadmin'), 'POST', `${RBAC}/namespaces/default/clusterroles`, { metadata: { name: 'evil' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] });
      assert.equal(create.status, 404);
      assert.equal((await server.inject({ url: `${RBAC}/clusterroles/evil` })).status, 404);
    });

    it('does not let the namespace admin reach the node through the cluster path either', async () => {
      assert.equal((await call(server, user('nsadmin'), 'GET', '/api/v1/nodes/n1')).status, 403);
    });

    it('still addresses the namespace object itself through /api/v1/namespaces/<name>', async () => {
      assert.equal((await call(server, user('nsadmin'), 'GET', '/api/v1/namespaces/default')).status, 200);
    });

    it('is also refused by the generic store without the Authorization filter (defence in depth)', async () => {
      const bare = await startTestServer({
        setup: (s) => {
          // the store alone: resources, no authz plugins
          for (const p of resourcePlugins) p.apply(s, {});
        },
      });
      try {
        await bare.inject({ method: 'POST', url: '/api/v1/nodes', body: { metadata: { name: 'n1' } } });
        assert.equal((await bare.inject({ url: '/api/v1/namespaces/default/nodes/n1' })).status, 404);
        assert.equal((await bare.inject({ url: `${RBAC}/namespaces/default/clusterroles` })).status, 404);
      } finally {
        await bare.stop();
      }
    });
  });
});
