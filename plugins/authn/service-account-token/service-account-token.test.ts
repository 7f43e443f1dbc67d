import assert from 'node:assert/strict';
import fixtures from '../../../core/api/protobuf/fixtures/kubectl-bodies.json';
import type { Server } from '../../../core/server/server';
import { useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import { initializedServer } from '../testing';
import { getServiceAccountTokenSigner, DEFAULT_ISSUER } from '.';
import { generateSigningKeyPem, ServiceAccountTokenSigner } from './jwt';

const WHOAMI = { method: 'POST', url: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } };
const SA_URL = '/api/v1/namespaces/default/serviceaccounts';

function fixture(id: string): Buffer {
  const f = (fixtures as { bodies: Array<{ id: string; hex: string }> }).bodies.find((b) => b.id === id);
  if (!f) throw new Error(`no fixture ${id}`);
  return Buffer.from(f.hex, 'hex');
}

describe('authn/ServiceAccountToken', () => {
  const servers = useTestServers();
  const tmp = useTmpDirs();

  async function withServiceAccount(name = 'robot'): Promise<{ server: Server; uid: string }> {
    const server = await initializedServer(servers, tmp.make());
    const r = await server.inject({ method: 'POST', url: SA_URL, body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } } });
    assert.equal(r.status, 201, r.text());
    return { server, uid: r.json<any>().metadata.uid };
  }

  async function requestToken(server: Server, name: string, spec: Record<string, unknown> = {}) {
    return server.inject({ method: 'POST', url: `${SA_URL}/${name}/token`, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec } });
  }

  async function whoami(server: Server, token: string) {
    return server.inject({ ...WHOAMI, user: 'anonymous', headers: { authorization: `Bearer ${token}` } });
  }

  it('TokenRequest answers 201 with status.token and status.expirationTimestamp (default 3600 s)', async () => {
    const { server } = await withServiceAccount();
    const before = Date.now();
    const r = await requestToken(server, 'robot');
    assert.equal(r.status, 201, r.text());
    const body = r.json<any>();
    assert.deepEqual([body.kind, body.apiVersion, body.spec.expirationSeconds, body.spec.audiences], ['TokenRequest', 'authentication.k8s.io/v1', 3600, [DEFAULT_ISSUER]]);
    assert.equal(body.status.token.split('.').length, 3);
    const exp = Date.parse(body.status.expirationTimestamp);
    assert.ok(exp >= before + 3599_000 && exp <= Date.now() + 3601_000, body.status.expirationTimestamp);
  });

  it('the token carries the bound-token claims (sub, aud, exp, iat, nbf, jti, kubernetes.io)', async () => {
    const { server, uid } = await withServiceAccount();
    const token = (await requestToken(server, 'robot')).json<any>().status.token as string;
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(header.alg, 'ES256');
    assert.deepEqual(
      [claims.iss, claims.sub, claims.aud, claims.exp - claims.iat, claims.nbf, typeof claims.jti, claims['kubernetes.io']],
      [DEFAULT_ISSUER, 'system:serviceaccount:default:robot', [DEFAULT_ISSUER], 3600, claims.iat, 'string', { namespace: 'default', serviceaccount: { name: 'robot', uid } }],
    );
  });

  it('a valid token is system:serviceaccount:<ns>:<name> in the serviceaccount groups', async () => {
    const { server, uid } = await withServiceAccount();
    const token = (await requestToken(server, 'robot')).json<any>().status.token;
    const r = await whoami(server, token);
    assert.equal(r.status, 201, r.text());
    const info = r.json<any>().status.userInfo;
    assert.deepEqual([info.username, info.uid, info.groups], ['system:serviceaccount:default:robot', uid, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']]);
    assert.match(info.extra['authentication.kubernetes.io/credential-id'][0], /^JTI=/);
  });

  it('the protobuf body of `kubectl create token default` is accepted', async () => {
    const { server } = await withServiceAccount('default').catch(async () => ({ server: await initializedServer(servers, tmp.make()), uid: '' }));
    const r = await server.inject({ method: 'POST', url: `${SA_URL}/default/token`, headers: { 'content-type': 'application/vnd.kubernetes.protobuf' }, body: fixture('create-token') });
    assert.equal(r.status, 201, r.text());
    assert.ok(r.json<any>().status.token);
  });

  it('expirationSeconds below 600 is 422 Invalid', async () => {
    const { server } = await withServiceAccount();
    const r = await requestToken(server, 'robot', { expirationSeconds: 300 });
    assert.equal(r.status, 422);
    assert.deepEqual([r.json<any>().reason, r.json<any>().details.causes[0].field], ['Invalid', 'spec.expirationSeconds']);
  });

  it('a TokenRequest for a missing ServiceAccount is 404 NotFound', async () => {
    const server = await initializedServer(servers, tmp.make());
    const r = await requestToken(server, 'ghost');
    assert.equal(r.status, 404);
    assert.equal(r.json<any>().reason, 'NotFound');
  });

  it('an expired token is 401 Unauthorized', async () => {
    const { server, uid } = await withServiceAccount();
    const signer = getServiceAccountTokenSigner(server)!;
    const { token } = await signer.issue({ namespace: 'default', name: 'robot', uid, audiences: signer.apiAudiences, expirationSeconds: 600, now: Date.now() - 3600_000 });
    const r = await whoami(server, token);
    assert.equal(r.status, 401);
    assert.equal(r.json<any>().reason, 'Unauthorized');
  });

  it('a token signed by another key (same issuer) is 401 Unauthorized', async () => {
    const { server, uid } = await withServiceAccount();
    const foreign = await ServiceAccountTokenSigner.create(generateSigningKeyPem(), DEFAULT_ISSUER, [DEFAULT_ISSUER]);
    const { token } = await foreign.issue({ namespace: 'default', name: 'robot', uid, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 });
    const r = await whoami(server, token);
    assert.equal(r.status, 401);
    assert.equal(r.json<any>().reason, 'Unauthorized');
  });

  it('a token for another audience is 401 Unauthorized at the API', async () => {
    const { server } = await withServiceAccount();
    const token = (await requestToken(server, 'robot', { audiences: ['https://vault.example'] })).json<any>().status.token;
    const r = await whoami(server, token);
    assert.equal(r.status, 401);
    assert.equal(r.json<any>().reason, 'Unauthorized');
  });

  it('a token whose ServiceAccount was deleted is 401 Unauthorized', async () => {
    const { server } = await withServiceAccount();
    const token = (await requestToken(server, 'robot')).json<any>().status.token;
    assert.equal((await server.inject({ method: 'DELETE', url: `${SA_URL}/robot` })).status, 200);
    const r = await whoami(server, token);
    assert.equal(r.status, 401);
    assert.equal(r.json<any>().reason, 'Unauthorized');
  });

  it('a token whose ServiceAccount was recreated (new uid) is 401 Unauthorized', async () => {
    const { server } = await withServiceAccount();
    const token = (await requestToken(server, 'robot')).json<any>().status.token;
    await server.inject({ method: 'DELETE', url: `${SA_URL}/robot` });
    assert.equal((await server.inject({ method: 'POST', url: SA_URL, body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } } })).status, 201);
    const r = await whoami(server, token);
    assert.equal(r.status, 401);
  });

  it('a token bound to a Secret stops working when the Secret is deleted', async () => {
    const { server } = await withServiceAccount();
    assert.equal((await server.inject({ method: 'POST', url: '/api/v1/namespaces/default/secrets', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' } } })).status, 201);
    const token = (await requestToken(server, 'robot', { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's1' } })).json<any>().status.token;
    assert.equal((await whoami(server, token)).status, 201);
    await server.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/secrets/s1' });
    assert.equal((await whoami(server, token)).status, 401);
  });

  it('discovery lists serviceaccounts/token as authentication.k8s.io/v1 TokenRequest (create)', async () => {
    const server = await initializedServer(servers, tmp.make());
    const list = (await server.inject({ url: '/api/v1' })).json<any>();
    const entry = list.resources.find((r: { name: string }) => r.name === 'serviceaccounts/token');
    assert.deepEqual([entry?.group, entry?.version, entry?.kind, entry?.verbs], ['authentication.k8s.io', 'v1', 'TokenRequest', ['create']]);
  });

  it('keeps the signing key in <data-dir>/pki/sa.key across restarts', async () => {
    const dir = tmp.make();
    const first = await initializedServer(servers, dir);
    const kid = getServiceAccountTokenSigner(first)!.keyId;
    await first.stop(0);
    const second = await initializedServer(servers, dir);
    assert.equal(getServiceAccountTokenSigner(second)!.keyId, kid);
  });
});
