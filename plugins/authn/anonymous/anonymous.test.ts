import assert from 'node:assert/strict';
import { useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import { initializedServer } from '../testing';
import { pathAllowed } from '.';

describe('authn/Anonymous', () => {
  const servers = useTestServers();
  const tmp = useTmpDirs();

  it('anonymous GET /healthz is 200', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ url: '/healthz', user: 'anonymous' });
    assert.equal(r.status, 200);
  });

  it('anonymous GET /version is 200', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ url: '/version', user: 'anonymous' });
    assert.equal(r.status, 200);
  });

  it('anonymous GET /api/v1/pods is a 401 or 403 Status (401 without an authorizer)', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ url: '/api/v1/pods', user: 'anonymous' });
    const body = r.json<any>();
    assert.ok(r.status === 401 || r.status === 403, String(r.status));
    assert.deepEqual([body.kind, body.status, body.code], ['Status', 'Failure', r.status]);
    assert.equal(body.reason, r.status === 401 ? 'Unauthorized' : 'Forbidden');
    if (!server.hookIndex.get('authz.authorize')) assert.equal(r.status, 401);
  });

  it('allowedPaths entries ending in /* match below the prefix only', () => {
    assert.deepEqual(
      ['/healthz', '/healthz/ping', '/healthzx', '/livez/etcd'].map((p) => pathAllowed(p, ['/healthz', '/livez/*'])),
      [true, false, false, true],
    );
  });
});
