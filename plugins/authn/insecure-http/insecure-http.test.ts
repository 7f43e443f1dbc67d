import assert from 'node:assert/strict';
import { httpRequest, useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';

const WHOAMI = { method: 'POST', url: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } };

describe('authn/InsecureHttp (apiserver.insecureHttp)', () => {
  const servers = useTestServers();
  const tmp = useTmpDirs();

  it('a plain-HTTP request without credentials is system:insecure in system:masters', async () => {
    const started = await servers.start({ dir: tmp.make() });
    const r = await httpRequest(started.listener.url, WHOAMI.url, { method: 'POST', body: JSON.stringify(WHOAMI.body), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(JSON.parse(r.body).status.userInfo, { username: 'system:insecure', groups: ['system:masters', 'system:authenticated'] });
  });

  it('Impersonate-User still applies on the plain-HTTP listener', async () => {
    const started = await servers.start({ dir: tmp.make() });
    const r = await httpRequest(started.listener.url, WHOAMI.url, { method: 'POST', body: JSON.stringify(WHOAMI.body), headers: { 'content-type': 'application/json', 'Impersonate-User': 'bob' } });
    assert.equal(r.status, 201, r.body);
    assert.equal(JSON.parse(r.body).status.userInfo.username, 'bob');
  });

  it('an in-process anonymous request on an insecure server stays anonymous', async () => {
    const { server } = servers.build({ dir: tmp.make() });
    await server.initialize();
    const r = await server.inject({ url: '/api/v1/pods', user: 'anonymous' });
    assert.ok(r.status === 401 || r.status === 403, r.text());
  });
});
