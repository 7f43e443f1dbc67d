import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { api, causeFields, startWithPlugins, type Obj } from '../shared/groups-testing';
import { bareServer, errorOn, fields, resourceOf, runCreate, runUpdate } from '../shared/testing';
import ClusterRoleBinding from './clusterrolebindings';
import ClusterRole from './clusterroles';
import RoleBinding from './rolebindings';
import Role from './roles';

const G = 'rbac.authorization.k8s.io';
const server = () => bareServer([Role, ClusterRole, RoleBinding, ClusterRoleBinding]);
const rule = (extra: Obj = {}) => ({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'], ...extra });
const role = (rules: unknown[], name = 'reader') => ({ apiVersion: `${G}/v1`, kind: 'Role', metadata: { name, namespace: 'default' }, rules });
const clusterRole = (extra: Obj = {}, name = 'view-pods') => ({ apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name }, rules: [rule()], ...extra });
const subjects = [
  { kind: 'User', name: 'alice' },
  { kind: 'Group', name: 'devs' },
  { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
];
const rb = (roleRef: Obj, subs: unknown[] = subjects) => ({ apiVersion: `${G}/v1`, kind: 'RoleBinding', metadata: { name: 'read', namespace: 'default' }, roleRef, subjects: subs });
const crb = (roleRef: Obj, subs: unknown[] = subjects) => ({ apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'read-all' }, roleRef, subjects: subs });

describe('resources/rbac.authorization.k8s.io', () => {
  it('registers roles and rolebindings namespaced, clusterroles and clusterrolebindings cluster-scoped, with path-segment names', () => {
    const s = server();
    const scope = (plural: string) => resourceOf(s, G, plural).definition;
    assert.deepEqual(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'].map((p) => scope(p).namespaced), [true, true, false, false]);
    for (const p of ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']) {
      assert.equal(scope(p).nameValidation, 'PathSegment');
      assert.equal(scope(p).generation, 'none');
    }
  });

  describe('Role and ClusterRole', () => {
    it('accepts resource rules', () => {
      assert.deepEqual(runCreate(resourceOf(server(), G, 'roles'), role([rule()])).errors, []);
    });

    it('requires verbs', () => {
      const { errors } = runCreate(resourceOf(server(), G, 'roles'), role([rule({ verbs: [] })]));
      assert.equal(errorOn(errors, 'rules[0].verbs'), 'FieldValueRequired');
    });

    it('requires apiGroups and resources in resource rules', () => {
      const { errors } = runCreate(resourceOf(server(), G, 'roles'), role([{ verbs: ['get'] }]));
      assert.deepEqual(fields(errors), ['rules[0].apiGroups', 'rules[0].resources']);
    });

    it('refuses non-resource URLs in a Role and allows them in a ClusterRole', () => {
      const urls = { verbs: ['get'], nonResourceURLs: ['/healthz'] };
      assert.equal(errorOn(runCreate(resourceOf(server(), G, 'roles'), role([urls])).errors, 'rules[0].nonResourceURLs'), 'FieldValueInvalid');
      assert.deepEqual(runCreate(resourceOf(server(), G, 'clusterroles'), clusterRole({ rules: [urls] })).errors, []);
    });

    it('refuses rules mixing resources and non-resource URLs', () => {
      const { errors } = runCreate(resourceOf(server(), G, 'clusterroles'), clusterRole({ rules: [rule({ nonResourceURLs: ['/metrics'] })] }));
      assert.equal(errorOn(errors, 'rules[0].nonResourceURLs'), 'FieldValueInvalid');
    });

    it('stores an aggregationRule as given', () => {
      const aggregationRule = { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] };
      const { obj, errors } = runCreate(resourceOf(server(), G, 'clusterroles'), clusterRole({ aggregationRule, rules: [] }));
      assert.deepEqual(errors, []);
      assert.deepEqual((obj as Obj).aggregationRule, aggregationRule);
    });

    it('requires at least one clusterRoleSelector in an aggregationRule', () => {
      const { errors } = runCreate(resourceOf(server(), G, 'clusterroles'), clusterRole({ aggregationRule: { clusterRoleSelectors: [] } }));
      assert.equal(errorOn(errors, 'aggregationRule.clusterRoleSelectors'), 'FieldValueRequired');
    });
  });

  describe('RoleBinding and ClusterRoleBinding', () => {
    it('defaults roleRef.apiGroup and subject apiGroups', () => {
      const { obj, errors } = runCreate(resourceOf(server(), G, 'rolebindings'), rb({ kind: 'Role', name: 'reader' }));
      assert.deepEqual(errors, []);
      assert.equal((obj as Obj).roleRef.apiGroup, G);
      assert.deepEqual((obj as Obj).subjects.map((s: Obj) => s.apiGroup), [G, G, '']);
    });

    it('refuses a Role reference from a ClusterRoleBinding', () => {
      const { errors } = runCreate(resourceOf(server(), G, 'clusterrolebindings'), crb({ kind: 'Role', name: 'reader' }));
      assert.equal(errorOn(errors, 'roleRef.kind'), 'FieldValueNotSupported');
    });

    it('requires the namespace of a ServiceAccount subject in a ClusterRoleBinding only', () => {
      const sa = [{ kind: 'ServiceAccount', name: 'builder' }];
      assert.equal(errorOn(runCreate(resourceOf(server(), G, 'clusterrolebindings'), crb({ kind: 'ClusterRole', name: 'view' }, sa)).errors, 'subjects[0].namespace'), 'FieldValueRequired');
      assert.deepEqual(runCreate(resourceOf(server(), G, 'rolebindings'), rb({ kind: 'ClusterRole', name: 'view' }, sa)).errors, []);
    });

    it('refuses an unknown subject kind and a foreign roleRef apiGroup', () => {
      const { errors } = runCreate(resourceOf(server(), G, 'rolebindings'), rb({ apiGroup: 'example.com', kind: 'Role', name: 'r' }, [{ kind: 'Robot', name: 'r2' }]));
      assert.deepEqual(fields(errors), ['roleRef.apiGroup', 'subjects[0].kind']);
    });

    it('makes roleRef immutable ("cannot change roleRef")', () => {
      const r = resourceOf(server(), G, 'rolebindings');
      const old = runCreate(r, rb({ kind: 'Role', name: 'reader' })).obj;
      const { errors } = runUpdate(r, { ...old, roleRef: { apiGroup: G, kind: 'Role', name: 'writer' } }, old);
      assert.equal(errorOn(errors, 'roleRef'), 'FieldValueInvalid');
      assert.match(errors[0].message, /cannot change roleRef/);
    });

    it('allows changing the subjects', () => {
      const r = resourceOf(server(), G, 'clusterrolebindings');
      const old = runCreate(r, crb({ kind: 'ClusterRole', name: 'view' })).obj;
      assert.deepEqual(runUpdate(r, { ...old, subjects: [{ kind: 'User', name: 'bob' }] }, old).errors, []);
    });

    it('prints ROLE AGE and the wide USERS GROUPS SERVICEACCOUNTS cells', () => {
      const p = resourceOf(server(), G, 'rolebindings').definition.printer!;
      assert.deepEqual(p.columns.map((c) => [c.name, c.priority]), [['Name', 0], ['Role', 0], ['Age', 0], ['Users', 1], ['Groups', 1], ['ServiceAccounts', 1]]);
      const row = p.row({ ...rb({ kind: 'ClusterRole', name: 'view' }, [...subjects, { kind: 'User', name: 'bob' }]), metadata: { name: 'read', creationTimestamp: '2026-11-26T11:00:00Z' } } as any, new Date('2026-11-26T12:00:00Z'));
      assert.deepEqual(row, ['read', 'ClusterRole/view', '60m', 'alice, bob', 'devs', 'ci/builder']);
    });
  });

  describe('through the API', () => {
    let s: Server;
    beforeEach(async () => {
      s = await startWithPlugins([Role, ClusterRole, RoleBinding, ClusterRoleBinding]);
    });
    afterEach(() => s.stop());

    it('creates a ClusterRole with a system: name (201)', async () => {
      const created = await api(s).create(`/apis/${G}/v1/clusterroles`, clusterRole({}, 'system:controller:demo'));
      assert.equal(created.metadata.name, 'system:controller:demo');
      assert.equal(created.metadata.generation, undefined);
    });

    it('answers 422 for a rule without verbs', async () => {
      const r = await api(s).call('POST', `/apis/${G}/v1/namespaces/default/roles`, role([rule({ verbs: undefined })]));
      assert.equal(r.status, 422);
      assert.equal(r.json<Obj>().details.kind, 'Role');
      assert.deepEqual(causeFields(r.json<Obj>()), ['rules[0].verbs']);
    });

    it('answers 422 when a binding roleRef changes', async () => {
      const url = `/apis/${G}/v1/clusterrolebindings`;
      const created = await api(s).create(url, crb({ kind: 'ClusterRole', name: 'view' }));
      const r = await api(s).call('PUT', `${url}/read-all`, { ...created, roleRef: { ...created.roleRef, name: 'edit' } });
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['roleRef']);
    });

    it('prints roles with the default Name/Created At columns and bindings with ROLE', async () => {
      await api(s).create(`/apis/${G}/v1/namespaces/default/roles`, role([rule()]));
      await api(s).create(`/apis/${G}/v1/namespaces/default/rolebindings`, rb({ kind: 'Role', name: 'reader' }));
      const roles = await api(s).table(`/apis/${G}/v1/namespaces/default/roles`);
      assert.deepEqual(roles.columnDefinitions.map((c: Obj) => c.name), ['Name', 'Created At']);
      const bindings = await api(s).table(`/apis/${G}/v1/namespaces/default/rolebindings`);
      assert.deepEqual(bindings.rows[0].cells.filter((_: unknown, i: number) => i !== 2), ['read', 'Role/reader', 'alice', 'devs', 'ci/builder']);
    });
  });
});
