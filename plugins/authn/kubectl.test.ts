/**
 * e2e: the real kubectl against an in-process k8ts on TLS (port 0) with the admin client
 * certificate of its kubeconfig; each kubectl run gets a fresh HOME (no cache carried over).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { useTestServers } from '../../test/helpers/kernel';
import { useTmpDirs } from '../../test/helpers/tmp';
import { startTls, type TlsServer } from './testing';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('authn with the real kubectl (e2e)', function () {
  this.timeout(60_000);
  const servers = useTestServers();
  const tmp = useTmpDirs();

  function runner(s: TlsServer, dir: string) {
    return (args: string[]) =>
      new Promise<Run>((resolve) => {
        const home = tmp.make('k8ts-kubectl-home-');
        execFile('kubectl', args, { cwd: dir, env: { ...process.env, HOME: home, KUBECONFIG: '' }, timeout: 30_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
      });
  }

  async function setup() {
    const dir = tmp.make();
    const s = await startTls(servers, dir);
    const run = runner(s, dir);
    const kubectl = (...args: string[]) => run(['--kubeconfig', s.started.kubeconfigPath, ...args]);
    const caFile = path.join(dir, 'ca.crt');
    fs.writeFileSync(caFile, s.ca.cert);
    /** kubectl with no kubeconfig: only the server, the CA and a bearer token */
    const withToken = (token: string, ...args: string[]) => run(['--server', s.url, '--certificate-authority', caFile, '--token', token, ...args]);
    return { s, kubectl, withToken };
  }

  it('kubectl auth whoami shows kubernetes-admin in system:masters', async () => {
    const { kubectl } = await setup();
    const r = await kubectl('auth', 'whoami');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Username\s+kubernetes-admin/);
    assert.match(r.stdout, /Groups\s+\[system:masters system:authenticated\]/);
  });

  it('kubectl create token default prints a token that authenticates as the ServiceAccount', async () => {
    const { kubectl, withToken } = await setup();
    if ((await kubectl('get', 'serviceaccount', 'default')).code !== 0) {
      const c = await kubectl('create', 'serviceaccount', 'default');
      assert.equal(c.code, 0, c.stderr);
    }
    const t = await kubectl('create', 'token', 'default');
    assert.equal(t.code, 0, t.stderr);
    const token = t.stdout.trim();
    assert.equal(token.split('.').length, 3, t.stdout);
    const who = await withToken(token, 'auth', 'whoami', '-o', 'json');
    assert.equal(who.code, 0, who.stderr);
    assert.equal(JSON.parse(who.stdout).status.userInfo.username, 'system:serviceaccount:default:default');
  });

  it('kubectl --as bob --as-group dev auth whoami shows the impersonated user', async () => {
    const { kubectl } = await setup();
    const r = await kubectl('--as', 'bob', '--as-group', 'dev', 'auth', 'whoami', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).status.userInfo, { username: 'bob', groups: ['dev', 'system:authenticated'] });
  });

  it('a bad token: error: You must be logged in to the server (401)', async () => {
    const { withToken } = await setup();
    const r = await withToken('not-a-token', 'get', 'pods');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error: You must be logged in to the server/);
  });
});
