/** The HTTP listener's Connection: Upgrade path for requests no handler upgrades. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { eventually, startCluster } from '../../plugins/controllers/shared/test-cluster';

function upgradeRequest(url: string, method: string, body?: string): Promise<{ status: number; upgraded: boolean; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'h2c' };
    if (body) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
    const req = http.request(url, { method, headers, agent: false });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, upgraded: true, body: '' });
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, upgraded: false, body: text, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('HTTP listener: upgrade requests no handler upgrades', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => cluster?.close());

  it('answers them as plain responses and closes the connection', async () => {
    const res = await upgradeRequest(`${cluster.listener.url}/api/v1/namespaces/default`, 'GET');
    assert.deepEqual([res.status, res.upgraded, res.connection], [200, false, 'close']);
    assert.equal(JSON.parse(res.body).metadata.name, 'default');
  });

  it('reads a body with a Content-Length', async () => {
    const res = await upgradeRequest(`${cluster.listener.url}/api/v1/namespaces`, 'POST', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'from-upgrade' } }));
    assert.equal(res.status, 201, res.body);
    await eventually('the namespace', async () => (await cluster.server.inject({ url: '/api/v1/namespaces/from-upgrade' })).status === 200);
  });

  it('streams a watch answer chunk by chunk', async () => {
    const res = await upgradeRequest(`${cluster.listener.url}/api/v1/namespaces?watch=true&timeoutSeconds=1`, 'GET');
    assert.equal(res.status, 200);
    assert.match(res.body, /"type":"ADDED"/);
  });
});
