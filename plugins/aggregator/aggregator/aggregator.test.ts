/**
 * Integration: a full k8ts (memory storage, plain HTTP) with the Aggregator and a small extension
 * API server on 127.0.0.1 reached through a Service and Endpoints the test creates.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { inProcessClient, type Client } from '../../../core/client';
import { createCa } from '../../../core/http/pki';
import type { KObject } from '../../../core/registry/types';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { AUTHENTICATION_CONFIGMAP } from '.';
import { createServiceAndEndpoints, EXT_BASE, EXT_GROUP, EXT_VERSION, extensionAPIService, startExtensionServer, type ExtensionServer } from './testing';

const APISERVICES = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices' };
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const ALICE = { username: 'alice', groups: ['system:masters', 'system:authenticated'], extra: { scopes: ['a', 'b'] } };

function available(obj: KObject | undefined): { status?: string; reason?: string } | undefined {
  const conds = (obj?.status as { conditions?: Array<{ type: string; status: string; reason: string }> } | undefined)?.conditions ?? [];
  return conds.find((c) => c.type === 'Available');
}

describe('Aggregator', function () {
  this.timeout(60_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let ext: ExtensionServer;

  async function apiService(name: string): Promise<KObject | undefined> {
    return client.get(APISERVICES, { name }).catch(() => undefined);
  }

  async function waitAvailable(name: string, status: string, reason?: string): Promise<void> {
    await eventually(`${name} Available=${status}`, async () => {
      const c = available(await apiService(name));
      return c?.status === status && (!reason || c.reason === reason);
    }, 20_000);
  }

  before(async () => {
    cluster = await startCluster({ config: { plugins: { aggregator: { enabled: [{ name: 'Aggregator', options: { probeIntervalSeconds: 1 } }] } } } });
    client = inProcessClient(cluster.server);
    const cm = await eventually('the authentication ConfigMap', () => client.get({ group: '', version: 'v1', resource: 'configmaps' }, { namespace: 'kube-system', name: AUTHENTICATION_CONFIGMAP }).catch(() => undefined));
    const frontProxyCa = String((cm.data as Record<string, string>)['requestheader-client-ca-file']);
    ext = await startExtensionServer('metrics.default.svc', frontProxyCa);
    await createServiceAndEndpoints(client, 'default', 'metrics', ext.port);
    await client.create(APISERVICES, extensionAPIService('default', 'metrics', ext.caBundle));
    await waitAvailable(`${EXT_VERSION}.${EXT_GROUP}`, 'True', 'Passed');
  });

  after(async () => {
    await ext?.close();
    await cluster?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}, user: typeof ALICE | undefined = ALICE) => cluster.server.inject({ method: 'GET', url, headers, user });
  const lastReceived = () => ext.received[ext.received.length - 1];

  it('creates Local APIServices for the built-in group-versions, Available with reason Local', async () => {
    for (const name of ['v1.', 'v1.apps', 'v1.batch']) await waitAvailable(name, 'True', 'Local');
    const core = await apiService('v1.');
    assert.equal((core?.spec as { service?: unknown }).service, undefined);
  });

  it('proxies /apis/<group>/<version> to the extension server', async () => {
    const res = await get(EXT_BASE);
    assert.equal(res.status, 200);
    assert.equal(res.json<{ groupVersion: string }>().groupVersion, `${EXT_GROUP}/${EXT_VERSION}`);
  });

  it('proxies a resource below the group-version', async () => {
    const res = await get(`${EXT_BASE}/nodemetrics/node-b`);
    assert.equal(res.status, 200);
    assert.equal(res.json<KObject>().metadata.name, 'node-b');
  });

  it('authenticates to the backend with the front-proxy client certificate', async () => {
    await get(`${EXT_BASE}/nodemetrics`);
    assert.equal(lastReceived().clientCN, 'front-proxy-client');
  });

  it('passes the authenticated user in X-Remote-User, X-Remote-Group and X-Remote-Extra-*', async () => {
    await get(`${EXT_BASE}/nodemetrics`);
    const h = lastReceived().headers;
    assert.equal(h['x-remote-user'], 'alice');
    assert.equal(h['x-remote-group'], 'system:masters, system:authenticated');
    assert.equal(h['x-remote-extra-scopes'], 'a, b');
  });

  it('does not forward X-Remote-* headers the client sent', async () => {
    await get(`${EXT_BASE}/nodemetrics`, { 'X-Remote-User': 'system:admin', 'X-Remote-Group': 'spoofed', 'X-Remote-Extra-Evil': 'yes' });
    const h = lastReceived().headers;
    assert.equal(h['x-remote-user'], 'alice');
    assert.equal(h['x-remote-group'], 'system:masters, system:authenticated');
    assert.equal(h['x-remote-extra-evil'], undefined);
  });

  it('does not forward the client credentials', async () => {
    await get(`${EXT_BASE}/nodemetrics`, { Authorization: 'Bearer secret', 'Impersonate-User': 'x' });
    const h = lastReceived().headers;
    assert.equal(h.authorization, undefined);
    assert.equal(h['impersonate-user'], undefined);
  });

  it('authorizes the request before proxying it (403, the backend never asked)', async () => {
    const before = ext.received.length;
    const res = await get(`${EXT_BASE}/nodemetrics`, {}, { username: 'bob', groups: ['system:authenticated'] } as typeof ALICE);
    assert.equal(res.status, 403);
    assert.equal(res.json<{ reason: string }>().reason, 'Forbidden');
    assert.equal(ext.received.length, before);
  });

  it('lists the aggregated group in /apis', async () => {
    const res = await get('/apis');
    const groups = res.json<{ groups: Array<{ name: string; preferredVersion: { version: string } }> }>().groups;
    assert.equal(groups.find((g) => g.name === EXT_GROUP)?.preferredVersion.version, EXT_VERSION);
  });

  it('serves /apis/<group> for the aggregated group', async () => {
    const res = await get(`/apis/${EXT_GROUP}`);
    assert.equal(res.status, 200);
    assert.equal(res.json<{ kind: string }>().kind, 'APIGroup');
  });

  it('includes the aggregated group and its resources in aggregated discovery v2', async () => {
    const doc = await eventually('the group in aggregated discovery', async () => {
      const items = (await get('/apis', { Accept: AGGREGATED })).json<{ items: Array<{ metadata: { name: string }; versions: Array<{ version: string; freshness: string; resources: Array<{ resource: string; scope: string }> }> }> }>().items;
      return items.find((i) => i.metadata.name === EXT_GROUP && i.versions[0]?.resources.length > 0);
    });
    assert.equal(doc.versions[0].freshness, 'Current');
    assert.deepEqual(doc.versions[0].resources.map((r) => [r.resource, r.scope]), [['nodemetrics', 'Cluster']]);
  });

  it('lists the backend OpenAPI document in /openapi/v3 and serves it', async () => {
    const index = await eventually('the document in the index', async () => (await get('/openapi/v3')).json<{ paths: Record<string, { serverRelativeURL: string }> }>().paths[`apis/${EXT_GROUP}/${EXT_VERSION}`]);
    const doc = await get(index.serverRelativeURL);
    assert.equal(doc.status, 200);
    assert.deepEqual(Object.keys(doc.json<{ components: { schemas: object } }>().components.schemas), ['dev.example.metrics.v1alpha1.NodeMetrics']);
  });

  it('streams a watch from the backend chunk by chunk', async () => {
    const abort = new AbortController();
    const chunks: Buffer[] = [];
    const done = cluster.server.inject({ method: 'GET', url: `${EXT_BASE}/nodemetrics?watch=true`, user: ALICE, signal: abort.signal, onChunk: (c) => chunks.push(c) });
    // the backend holds the watch open: the first event arrives before the response ends
    await eventually('the first watch event', () => Buffer.concat(chunks).toString().includes('"ADDED"'));
    abort.abort();
    await done.catch(() => undefined);
  });

  it('never follows a redirect from the backend (502)', async () => {
    const res = await get(`${EXT_BASE}/redirect`);
    assert.equal(res.status, 502);
    assert.equal(ext.received.some((r) => r.url.endsWith('/redirected')), false);
  });

  it('does not treat a 200 answer to an upgrade request as an upgrade, and closes that connection', async () => {
    const closed = ext.closedConnections;
    const res = await get(`${EXT_BASE}/nodemetrics`, { Connection: 'Upgrade', Upgrade: 'websocket' });
    assert.equal(res.status, 200);
    assert.equal(res.json<{ kind: string }>().kind, 'Status');
    await eventually('the backend connection of the failed upgrade closed', () => ext.closedConnections > closed);
  });

  /** an upgrade request through the HTTP listener: 'upgrade' with the socket on a 101, else the plain response */
  function upgradeRequest(path: string): Promise<{ status: number; socket?: Duplex; body?: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${cluster.listener.url}${path}`, { headers: { Connection: 'Upgrade', Upgrade: 'k8ts-echo' } });
      req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('splices the connections on a real 101 Switching Protocols from the backend', async () => {
    const { status, socket, body } = await upgradeRequest(`${EXT_BASE}/echo`);
    assert.equal(status, 101, body);
    try {
      let echoed = '';
      socket!.on('data', (c: Buffer) => (echoed += c.toString()));
      socket!.write('ping');
      await eventually('the echo', () => echoed === 'ping');
      assert.equal(ext.received.find((r) => r.url.endsWith('/echo'))?.clientCN, 'front-proxy-client');
    } finally {
      socket!.destroy();
    }
  });

  it('answers a 200 to an upgrade request over the listener as a plain response', async () => {
    const res = await upgradeRequest(`${EXT_BASE}/nodemetrics`);
    assert.equal(res.status, 200);
    assert.equal(res.socket, undefined);
  });

  it('reports ServiceNotFound for an APIService whose Service does not exist', async () => {
    await client.create(APISERVICES, { ...extensionAPIService('default', 'missing'), metadata: { name: 'v1.missing.example.dev' }, spec: { ...extensionAPIService('default', 'missing').spec, group: 'missing.example.dev', version: 'v1' } });
    await waitAvailable('v1.missing.example.dev', 'False', 'ServiceNotFound');
  });

  it('reports MissingEndpoints for a Service without endpoints', async () => {
    await client.create({ group: '', version: 'v1', resource: 'services' }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty', namespace: 'default' }, spec: { ports: [{ port: 443, targetPort: 1 }] } });
    await client.create(APISERVICES, { ...extensionAPIService('default', 'empty'), metadata: { name: 'v1.empty.example.dev' }, spec: { ...extensionAPIService('default', 'empty').spec, group: 'empty.example.dev', version: 'v1' } });
    await waitAvailable('v1.empty.example.dev', 'False', 'MissingEndpoints');
  });

  it('answers 503 ServiceUnavailable for an unavailable APIService', async () => {
    const res = await get('/apis/missing.example.dev/v1/things');
    assert.equal(res.status, 503);
    assert.equal(res.json<{ reason: string }>().reason, 'ServiceUnavailable');
  });

  it('marks an unavailable group-version Stale in aggregated discovery and keeps the other groups', async () => {
    const items = (await get('/apis', { Accept: AGGREGATED })).json<{ items: Array<{ metadata: { name: string }; versions: Array<{ freshness: string }> }> }>().items;
    assert.equal(items.find((i) => i.metadata.name === 'missing.example.dev')?.versions[0].freshness, 'Stale');
    assert.ok(items.some((i) => i.metadata.name === 'apps'));
  });

  it('drops the group of a deleted APIService from discovery', async () => {
    await client.delete(APISERVICES, { name: 'v1.missing.example.dev' });
    await eventually('the group gone from /apis', async () => {
      const groups = (await get('/apis')).json<{ groups: Array<{ name: string }> }>().groups;
      return !groups.some((g) => g.name === 'missing.example.dev');
    });
  });

  async function setTls(tls: { caBundle?: string; insecureSkipTLSVerify?: boolean }): Promise<void> {
    const obj = await client.get(APISERVICES, { name: `${EXT_VERSION}.${EXT_GROUP}` });
    const spec = { ...(obj.spec as Record<string, unknown>) };
    delete spec.caBundle;
    delete spec.insecureSkipTLSVerify;
    await client.update(APISERVICES, { ...obj, spec: { ...spec, ...tls } });
  }

  it('verifies the backend certificate against caBundle (a wrong CA: FailedDiscoveryCheck)', async () => {
    const other = await createCa('some-other-ca');
    await setTls({ caBundle: Buffer.from(other.cert).toString('base64') });
    await waitAvailable(`${EXT_VERSION}.${EXT_GROUP}`, 'False', 'FailedDiscoveryCheck');
  });

  it('skips the verification with insecureSkipTLSVerify', async () => {
    await setTls({ insecureSkipTLSVerify: true });
    await waitAvailable(`${EXT_VERSION}.${EXT_GROUP}`, 'True', 'Passed');
    assert.equal((await get(`${EXT_BASE}/nodemetrics/node-a`)).status, 200);
  });

  // last: stops the extension server
  it('turns Available False (FailedDiscoveryCheck) and answers 503 when the backend goes down', async () => {
    await ext.close();
    await waitAvailable(`${EXT_VERSION}.${EXT_GROUP}`, 'False', 'FailedDiscoveryCheck');
    const res = await get(`${EXT_BASE}/nodemetrics`);
    assert.equal(res.status, 503);
    assert.equal(res.json<{ reason: string }>().reason, 'ServiceUnavailable');
  });
});
