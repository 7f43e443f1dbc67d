import assert from 'node:assert/strict';
import { pb } from '../../../core/api/protobuf/testing';
import type { Server } from '../../../core/server/server';
import { admin, call, grant, RBAC, roleBinding, startAuthzServer, user, userSubject, type Obj } from '../testing';

const AUTHZ = '/apis/authorization.k8s.io/v1';
const ssar = (resourceAttributes: Obj) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } });

describe('authz/AuthorizationReviews', () => {
  let server: Server;
  const bob = user('bob');
  before(async () => {
    server = await startAuthzServer();
    await admin(server, 'POST', '/api/v1/namespaces', { metadata: { name: 'ns1' } });
    await grant(server, `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'bob-edit', { kind: 'ClusterRole', name: 'edit' }, [userSubject('bob')]));
  });
  after(() => server.stop());

  describe('SelfSubjectAccessReview', () => {
    it('answers 201 allowed for what the caller may do, with the RBAC reason', async () => {
      const r = await call(server, bob, 'POST', `${AUTHZ}/selfsubjectaccessreviews`, ssar({ namespace: 'ns1', verb: 'create', resource: 'pods' }));
      assert.equal(r.status, 201, r.text());
      const out = r.json<Obj>();
      assert.equal(out.kind, 'SelfSubjectAccessReview');
      assert.equal(out.status.allowed, true);
      assert.match(out.status.reason, /RBAC: allowed by RoleBinding "bob-edit\/ns1" of ClusterRole "edit" to User "bob"/);
      assert.deepEqual(out.spec.resourceAttributes, { namespace: 'ns1', verb: 'create', resource: 'pods' });
    });

    it('answers allowed false elsewhere', async () => {
      const r = await call(server, bob, 'POST', `${AUTHZ}/selfsubjectaccessreviews`, ssar({ namespace: 'ns2', verb: 'create', resource: 'pods' }));
      assert.deepEqual([r.status, r.json<Obj>().status.allowed], [201, false]);
    });

    it('asks about the cluster scope for cluster-scoped resources, whatever namespace the spec names', async () => {
      await admin(server, 'POST', `${RBAC}/namespaces/ns1/roles`, { metadata: { name: 'nodes' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] });
      await grant(server, `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'bob-nodes', { kind: 'Role', name: 'nodes' }, [userSubject('bob')]));
      const r = await call(server, bob, 'POST', `${AUTHZ}/selfsubjectaccessreviews`, ssar({ namespace: 'ns1', verb: 'get', resource: 'nodes' }));
      assert.equal(r.json<Obj>().status.allowed, false);
    });

    it('answers non-resource questions', async () => {
      const body = { spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } };
      assert.equal((await call(server, bob, 'POST', `${AUTHZ}/selfsubjectaccessreviews`, body)).json<Obj>().status.allowed, true);
    });

    it('refuses a spec with neither or both attribute kinds (422 Invalid)', async () => {
      const r = await call(server, bob, 'POST', `${AUTHZ}/selfsubjectaccessreviews`, { spec: {} });
      assert.deepEqual([r.status, r.json<Obj>().reason], [422, 'Invalid']);
    });

    it('is refused to anonymous callers (system:basic-user is for authenticated users)', async () => {
      const r = await call(server, 'anonymous', 'POST', `${AUTHZ}/selfsubjectaccessreviews`, ssar({ verb: 'get', resource: 'pods' }));
      assert.deepEqual([r.status, r.json<Obj>().reason], [403, 'Forbidden']);
    });

    it('accepts the protobuf body kubectl sends', async () => {
      // spec(2) -> resourceAttributes(1){namespace=1, verb=2, group=3, version=4, resource=5}, as kubectl writes it
      const raw = Buffer.concat([pb.msg(1), pb.msg(2, pb.msg(1, pb.str(1, 'ns1'), pb.str(2, 'create'), pb.str(3, ''), pb.str(4, ''), pb.str(5, 'pods')))]);
      const body = pb.envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw);
      const r = await server.inject({ method: 'POST', url: `${AUTHZ}/selfsubjectaccessreviews`, body, headers: { 'content-type': 'application/vnd.kubernetes.protobuf' }, user: bob });
      assert.equal(r.status, 201, r.text());
      assert.equal(r.json<Obj>().status.allowed, true);
    });

    it('answers 405 to anything but create', async () => {
      assert.equal((await server.inject({ url: `${AUTHZ}/selfsubjectaccessreviews` })).status, 405);
    });

    it('is listed by discovery with the single verb create', async () => {
      const { getResourceRegistry } = await import('../../../core/registry/registry');
      const r = getResourceRegistry(server).get('authorization.k8s.io', 'selfsubjectaccessreviews');
      assert.deepEqual(r?.definition.verbs, ['create']);
    });
  });

  describe('SelfSubjectRulesReview', () => {
    it('lists the resource and non-resource rules the caller holds in the namespace', async () => {
      const r = await call(server, bob, 'POST', `${AUTHZ}/selfsubjectrulesreviews`, { spec: { namespace: 'ns1' } });
      assert.equal(r.status, 201);
      const st = r.json<Obj>().status;
      assert.equal(st.incomplete, false);
      assert.ok(st.resourceRules.some((x: Obj) => x.resources.includes('selfsubjectaccessreviews')));
      assert.ok(st.resourceRules.some((x: Obj) => x.resources.includes('pods') && x.verbs.includes('create')));
      assert.ok(st.nonResourceRules.some((x: Obj) => x.nonResourceURLs.includes('/healthz')));
    });

    it('lists only cluster-wide rules for another namespace', async () => {
      const st = (await call(server, bob, 'POST', `${AUTHZ}/selfsubjectrulesreviews`, { spec: { namespace: 'ns2' } })).json<Obj>().status;
      assert.ok(!st.resourceRules.some((x: Obj) => x.resources.includes('pods') && x.verbs.includes('create')));
    });

    it('gives system:masters `*` on everything', async () => {
      const st = (await server.inject({ method: 'POST', url: `${AUTHZ}/selfsubjectrulesreviews`, body: { spec: { namespace: 'default' } } })).json<Obj>().status;
      assert.ok(st.resourceRules.some((x: Obj) => x.verbs[0] === '*' && x.apiGroups[0] === '*' && x.resources[0] === '*'));
    });
  });

  describe('SubjectAccessReview and LocalSubjectAccessReview', () => {
    const sar = (spec: Obj) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });

    it('answers for the user and groups in the spec', async () => {
      const r = await server.inject({ method: 'POST', url: `${AUTHZ}/subjectaccessreviews`, body: sar({ user: 'bob', groups: ['system:authenticated'], resourceAttributes: { namespace: 'ns1', verb: 'delete', resource: 'secrets' } }) });
      assert.deepEqual([r.status, r.json<Obj>().status.allowed], [201, true]);
      const no = await server.inject({ method: 'POST', url: `${AUTHZ}/subjectaccessreviews`, body: sar({ user: 'alice', resourceAttributes: { namespace: 'ns1', verb: 'delete', resource: 'secrets' } }) });
      assert.equal(no.json<Obj>().status.allowed, false);
    });

    it('requires a user or a group (422)', async () => {
      const r = await server.inject({ method: 'POST', url: `${AUTHZ}/subjectaccessreviews`, body: sar({ resourceAttributes: { verb: 'get', resource: 'pods' } }) });
      assert.deepEqual([r.status, r.json<Obj>().reason], [422, 'Invalid']);
    });

    it('is not something a plain user may create', async () => {
      const r = await call(server, bob, 'POST', `${AUTHZ}/subjectaccessreviews`, sar({ user: 'bob', resourceAttributes: { verb: 'get', resource: 'pods' } }));
      assert.equal(r.status, 403);
    });

    it('LocalSubjectAccessReview asks inside the URL namespace', async () => {
      const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'bob', resourceAttributes: { verb: 'get', resource: 'pods' } } };
      const r = await server.inject({ method: 'POST', url: `${AUTHZ}/namespaces/ns1/localsubjectaccessreviews`, body });
      assert.equal(r.status, 201);
      assert.deepEqual([r.json<Obj>().status.allowed, r.json<Obj>().spec.resourceAttributes.namespace], [true, 'ns1']);
    });

    it('LocalSubjectAccessReview refuses a spec naming another namespace (400)', async () => {
      const body = { spec: { user: 'bob', resourceAttributes: { namespace: 'ns2', verb: 'get', resource: 'pods' } } };
      const r = await server.inject({ method: 'POST', url: `${AUTHZ}/namespaces/ns1/localsubjectaccessreviews`, body });
      assert.deepEqual([r.status, r.json<Obj>().reason], [400, 'BadRequest']);
    });

    it('an ns1 admin may ask LocalSubjectAccessReviews in ns1 (admin holds them)', async () => {
      await grant(server, `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'ann-admin', { kind: 'ClusterRole', name: 'admin' }, [userSubject('ann')]));
      const body = { spec: { user: 'bob', resourceAttributes: { verb: 'get', resource: 'pods' } } };
      const r = await call(server, user('ann'), 'POST', `${AUTHZ}/namespaces/ns1/localsubjectaccessreviews`, body);
      assert.equal(r.status, 201, r.text());
    });
  });
});
