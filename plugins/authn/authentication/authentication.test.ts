import assert from 'node:assert/strict';
import { useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import type { UserInfo } from '../../../core/pipeline/types';
import { FilterStage } from '../../../hooks/stages';
import { initializedServer } from '../testing';

describe('authn/Authentication (the authenticator union)', () => {
  const servers = useTestServers();
  const tmp = useTmpDirs();

  it('keeps the user an in-process request already carries (loopback, system:masters)', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ method: 'POST', url: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    assert.equal(r.status, 201, r.text());
    assert.equal(r.json<any>().status.userInfo.username, 'system:apiserver');
  });

  it('a request without credentials is system:anonymous in system:unauthenticated only', async () => {
    const server = await initializedServer(servers, tmp.make());
    let seen: UserInfo | undefined;
    // only the request under test: in-process components (the scheduler, the kubelet) make requests of their own meanwhile
    server.hooks.filter.tapPromise({ name: 'Probe', stage: FilterStage.IMPERSONATION + 1 }, async (ctx) => {
      if (ctx.path === '/healthz') seen = ctx.user;
      return undefined;
    });
    const r = await server.inject({ url: '/healthz', user: 'anonymous' });
    assert.equal(r.status, 200, r.text());
    assert.deepEqual(seen, { username: 'system:anonymous', groups: ['system:unauthenticated'] });
  });

  it('an unknown bearer token is 401 Unauthorized, never anonymous', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ url: '/healthz', user: 'anonymous', headers: { authorization: 'Bearer nope' } });
    assert.equal(r.status, 401);
    assert.deepEqual([r.json<any>().kind, r.json<any>().reason, r.json<any>().code], ['Status', 'Unauthorized', 401]);
  });

  it('with Anonymous disabled a request without credentials is 401', async () => {
    const server = await initializedServer(servers, tmp.make(), { plugins: { authn: { enabled: [{ name: 'Anonymous', options: { enabled: false } }] } } });
    const r = await server.inject({ url: '/healthz', user: 'anonymous' });
    assert.equal(r.status, 401);
    assert.equal(r.json<any>().reason, 'Unauthorized');
  });

  it('registers the hook point authn.authenticate', async () => {
    const server = await initializedServer(servers, tmp.make());
    const point = server.hookIndex.get('authn.authenticate');
    assert.equal(point?.kind, 'AsyncSeriesBailHook');
    assert.deepEqual(point?.hook.taps.map((t) => t.name), ['X509', 'TokenFile', 'ServiceAccountToken', 'Anonymous']);
  });
});
