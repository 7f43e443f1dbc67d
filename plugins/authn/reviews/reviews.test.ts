import assert from 'node:assert/strict';
import fixtures from '../../../core/api/protobuf/fixtures/kubectl-bodies.json';
import { useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import { initializedServer } from '../testing';

const V1 = '/apis/authentication.k8s.io/v1';

describe('authn/AuthenticationReviews (SelfSubjectReview, TokenReview)', () => {
  const servers = useTestServers();
  const tmp = useTmpDirs();

  it('SelfSubjectReview from the protobuf body of `kubectl auth whoami` is 201 with status.userInfo', async () => {
    const server = await initializedServer(servers, tmp.make());
    const hex = (fixtures as { bodies: Array<{ id: string; hex: string }> }).bodies.find((b) => b.id === 'auth-whoami')!.hex;
    const r = await server.inject({ method: 'POST', url: `${V1}/selfsubjectreviews`, headers: { 'content-type': 'application/vnd.kubernetes.protobuf' }, body: Buffer.from(hex, 'hex') });
    assert.equal(r.status, 201, r.text());
    assert.deepEqual([r.json<any>().kind, r.json<any>().status.userInfo.username], ['SelfSubjectReview', 'system:apiserver']);
  });

  it('SelfSubjectReview is never stored (GET is 405 MethodNotAllowed)', async () => {
    const server = await initializedServer(servers, tmp.make());
    await server.inject({ method: 'POST', url: `${V1}/selfsubjectreviews`, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    const r = await server.inject({ url: `${V1}/selfsubjectreviews` });
    assert.equal(r.status, 405);
    assert.equal(r.json<any>().reason, 'MethodNotAllowed');
  });

  it('TokenReview of a valid ServiceAccount token is authenticated with the user', async () => {
    const server = await initializedServer(servers, tmp.make());
    await server.inject({ method: 'POST', url: '/api/v1/namespaces/default/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } } });
    const token = (await server.inject({ method: 'POST', url: '/api/v1/namespaces/default/serviceaccounts/robot/token', body: { spec: { audiences: ['vault'] } } })).json<any>().status.token;
    const r = await server.inject({ method: 'POST', url: `${V1}/tokenreviews`, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['vault'] } } });
    assert.equal(r.status, 201, r.text());
    const st = r.json<any>().status;
    assert.deepEqual([st.authenticated, st.user.username, st.audiences], [true, 'system:serviceaccount:default:robot', ['vault']]);
  });

  it('TokenReview of an unknown token is not authenticated and says why', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ method: 'POST', url: `${V1}/tokenreviews`, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'nope' } } });
    assert.equal(r.status, 201, r.text());
    assert.deepEqual([r.json<any>().status.authenticated, typeof r.json<any>().status.error], [undefined, 'string']);
  });

  it('TokenReview without spec.token is 422 Invalid', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ method: 'POST', url: `${V1}/tokenreviews`, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} } });
    assert.equal(r.status, 422);
    assert.equal(r.json<any>().reason, 'Invalid');
  });

  it('discovery lists authentication.k8s.io/v1 with selfsubjectreviews and tokenreviews (create)', async () => {
    const server = await initializedServer(servers, tmp.make());
    const list = (await server.inject({ url: V1 })).json<any>();
    const names = list.resources.map((r: { name: string; verbs: string[] }) => `${r.name}:${r.verbs.join(',')}`).sort();
    assert.deepEqual(names, ['selfsubjectreviews:create', 'tokenreviews:create']);
  });
});
