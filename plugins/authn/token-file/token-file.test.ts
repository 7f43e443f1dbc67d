import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import { initializedServer } from '../testing';
import { parseTokenFile, splitCsvLine } from './csv';

const WHOAMI = { method: 'POST', url: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } };

describe('authn/TokenFile', () => {
  const servers = useTestServers();
  const tmp = useTmpDirs();

  async function serverWith(csv: string) {
    const dir = tmp.make();
    const file = path.join(dir, 'tokens.csv');
    fs.writeFileSync(file, csv);
    return initializedServer(servers, dir, { plugins: { authn: { enabled: [{ name: 'TokenFile', options: { path: file } }] } } });
  }

  it('splits CSV with a quoted group list', () => {
    assert.deepEqual(splitCsvLine('t0k3n,bob,42,"dev,ops"'), ['t0k3n', 'bob', '42', 'dev,ops']);
  });

  it('refuses a line with fewer than three fields, naming the line', () => {
    assert.throws(() => parseTokenFile('# c\n\nabc,bob\n'), /line 3/);
  });

  it('a listed token is its user, uid and groups (+ system:authenticated)', async () => {
    const server = await serverWith('# tokens\nt0k3n,bob,42,"dev,ops"\nother,carol,7\n');
    const r = await server.inject({ ...WHOAMI, user: 'anonymous', headers: { authorization: 'Bearer t0k3n' } });
    assert.equal(r.status, 201, r.text());
    assert.deepEqual(r.json<any>().status.userInfo, { username: 'bob', uid: '42', groups: ['dev', 'ops', 'system:authenticated'] });
  });

  it('a token not in the file is 401 Unauthorized', async () => {
    const server = await serverWith('t0k3n,bob,42\n');
    const r = await server.inject({ ...WHOAMI, user: 'anonymous', headers: { authorization: 'Bearer t0k3nX' } });
    assert.equal(r.status, 401);
    assert.equal(r.json<any>().reason, 'Unauthorized');
  });

  it('a malformed file fails the start', async () => {
    await assert.rejects(serverWith('lonely\n'), /TokenFile .*line 1/);
  });
});
