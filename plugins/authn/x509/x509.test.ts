import assert from 'node:assert/strict';
import { createCa, issueCertificate } from '../../../core/http/pki';
import { useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import { httpsRequest, startTls } from '../testing';

const WHOAMI = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const REVIEW = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };

describe('authn/X509 (client certificates over HTTPS)', function () {
  this.timeout(30_000);
  const servers = useTestServers();
  const tmp = useTmpDirs();

  it('a certificate signed by the cluster CA is CN = user, O = groups (+ system:authenticated)', async () => {
    const s = await startTls(servers, tmp.make());
    const client = await issueCertificate(s.ca, { commonName: 'alice', organizations: ['dev', 'ops'], clientAuth: true });
    const r = await httpsRequest(s.url, WHOAMI, { ca: s.ca.cert, client, method: 'POST', body: REVIEW });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json().status.userInfo, { username: 'alice', groups: ['dev', 'ops', 'system:authenticated'] });
  });

  it('the admin certificate of the kubeconfig is kubernetes-admin in system:masters', async () => {
    const s = await startTls(servers, tmp.make());
    const r = await httpsRequest(s.url, WHOAMI, { ca: s.ca.cert, client: s.admin, method: 'POST', body: REVIEW });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json().status.userInfo, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  it('an expired certificate is 401 Unauthorized', async () => {
    const s = await startTls(servers, tmp.make());
    const client = await issueCertificate(s.ca, { commonName: 'old', clientAuth: true, validityMs: -1000 });
    const r = await httpsRequest(s.url, '/api/v1/namespaces', { ca: s.ca.cert, client });
    assert.equal(r.status, 401, r.body);
    assert.deepEqual([r.json().reason, r.json().code], ['Unauthorized', 401]);
  });

  it('a certificate from a foreign CA is 401 Unauthorized (also on /healthz: bad credentials are never anonymous)', async () => {
    const s = await startTls(servers, tmp.make());
    const foreign = await createCa('someone-else');
    const client = await issueCertificate(foreign, { commonName: 'kubernetes-admin', organizations: ['system:masters'], clientAuth: true });
    const r = await httpsRequest(s.url, '/healthz', { ca: s.ca.cert, client });
    assert.equal(r.status, 401, r.body);
    assert.equal(r.json().reason, 'Unauthorized');
  });

  it('a certificate that only allows serverAuth is 401 Unauthorized', async () => {
    const s = await startTls(servers, tmp.make());
    const client = await issueCertificate(s.ca, { commonName: 'server-only', serverAuth: true });
    const r = await httpsRequest(s.url, '/api/v1/namespaces', { ca: s.ca.cert, client });
    assert.equal(r.status, 401, r.body);
  });

  it('no certificate and no token: anonymous, so /healthz is 200 and /api/v1/pods a 4xx Status', async () => {
    const s = await startTls(servers, tmp.make());
    const health = await httpsRequest(s.url, '/healthz', { ca: s.ca.cert });
    const pods = await httpsRequest(s.url, '/api/v1/pods', { ca: s.ca.cert });
    assert.equal(health.status, 200);
    assert.ok(pods.status === 401 || pods.status === 403, pods.body);
    assert.equal(pods.json().kind, 'Status');
  });
});
