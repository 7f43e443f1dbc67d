import assert from 'node:assert/strict';
import { AsyncSeriesBailHook } from 'tapable';
import type { AuthorizationAttributes, Decision } from '../../../core/auth/types';
import type { Server } from '../../../core/server/server';
import { useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import { initializedServer } from '../testing';
import { AUTHORIZE_HOOK } from './authorize';

const WHOAMI = { method: 'POST', url: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } };
const ALICE = { username: 'alice', groups: ['dev', 'system:authenticated'] };

/** The authorizer hook (the authz plugins' when they are there, else a stand-in registered under the same name). */
function authorizeHook(server: Server): AsyncSeriesBailHook<[AuthorizationAttributes], Decision | undefined> {
  const point = server.hookIndex.get(AUTHORIZE_HOOK);
  if (point) return point.hook as unknown as AsyncSeriesBailHook<[AuthorizationAttributes], Decision | undefined>;
  const hook = new AsyncSeriesBailHook<[AuthorizationAttributes], Decision | undefined>(['attrs']);
  server.hookIndex.register('authz', { authorize: hook });
  return hook;
}

describe('authn/Impersonation', () => {
  const servers = useTestServers();
  const tmp = useTmpDirs();

  it('system:masters may impersonate a user and groups (kubectl --as bob --as-group dev)', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ ...WHOAMI, headers: { 'Impersonate-User': 'bob', 'Impersonate-Group': 'dev, qa' } });
    assert.equal(r.status, 201, r.text());
    assert.deepEqual(r.json<any>().status.userInfo, { username: 'bob', groups: ['dev', 'qa', 'system:authenticated'] });
  });

  it('impersonating a ServiceAccount gives it the serviceaccount groups', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ ...WHOAMI, headers: { 'Impersonate-User': 'system:serviceaccount:ci:builder' } });
    assert.equal(r.status, 201, r.text());
    assert.deepEqual(r.json<any>().status.userInfo.groups, ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated']);
  });

  it('Impersonate-Uid and Impersonate-Extra-* become uid and extra', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ ...WHOAMI, headers: { 'Impersonate-User': 'bob', 'Impersonate-Uid': 'u-1', 'Impersonate-Extra-Scopes': 'view, edit' } });
    assert.equal(r.status, 201, r.text());
    const info = r.json<any>().status.userInfo;
    assert.deepEqual([info.uid, info.extra], ['u-1', { scopes: ['view', 'edit'] }]);
  });

  it('a user without the impersonate permission gets 403 Forbidden', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ ...WHOAMI, user: ALICE, headers: { 'Impersonate-User': 'bob' } });
    assert.equal(r.status, 403, r.text());
    assert.deepEqual([r.json<any>().reason, r.json<any>().details.kind, r.json<any>().details.name], ['Forbidden', 'users', 'bob']);
  });

  it('asks the authorizer (authz.authorize) about each impersonated attribute', async () => {
    const server = await initializedServer(servers, tmp.make());
    const asked: string[] = [];
    authorizeHook(server).tapPromise({ name: 'StubAuthorizer', stage: -100_000 }, async (a) => {
      asked.push(`${a.verb} ${a.apiGroup}/${a.resource} ${a.name}`);
      return a.user.username === 'alice' && a.verb === 'impersonate' && (a.resource === 'users' ? a.name === 'bob' : a.name === 'dev') ? { allowed: true, reason: 'stub' } : undefined;
    });
    const ok = await server.inject({ ...WHOAMI, user: ALICE, headers: { 'Impersonate-User': 'bob', 'Impersonate-Group': 'dev' } });
    const denied = await server.inject({ ...WHOAMI, user: ALICE, headers: { 'Impersonate-User': 'bob', 'Impersonate-Group': 'system:masters' } });
    assert.equal(ok.status, 201, ok.text());
    assert.equal(ok.json<any>().status.userInfo.username, 'bob');
    assert.deepEqual([denied.status, denied.json<any>().reason, denied.json<any>().details.kind], [403, 'Forbidden', 'groups']);
    assert.ok(asked.includes('impersonate /users bob') && asked.includes('impersonate /groups dev'), asked.join('; '));
  });

  it('Impersonate-Group without Impersonate-User is 400 BadRequest', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ ...WHOAMI, headers: { 'Impersonate-Group': 'dev' } });
    assert.equal(r.status, 400);
    assert.equal(r.json<any>().reason, 'BadRequest');
  });
});
