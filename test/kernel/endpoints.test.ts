import assert from 'node:assert/strict';
import type { Status } from '../../core/api/status';
import { httpRequest, useTestServers } from '../helpers/kernel';
import { useTmpDirs } from '../helpers/tmp';

/** the value of one apiserver_request_total series, or undefined */
function requestTotal(metrics: string, labels: Record<string, string>): number | undefined {
  for (const line of metrics.split('\n')) {
    const m = /^apiserver_request_total\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const have = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[2]);
  }
  return undefined;
}

describe('kernel: non-resource endpoints (Healthz, Version, Prometheus)', () => {
  const tmp = useTmpDirs();
  const servers = useTestServers();

  it('/version answers version.Info with major "1" and minor "32"', async () => {
    const { listener } = await servers.start({ dir: tmp.make() });
    const res = await httpRequest(listener.url, '/version');
    const info = JSON.parse(res.body) as { major: string; minor: string; gitVersion: string };
    assert.deepEqual([res.status, info.major, info.minor, info.gitVersion], [200, '1', '32', 'v1.32.4+k8ts']);
  });

  it('/version is JSON', async () => {
    const { listener } = await servers.start({ dir: tmp.make() });
    const res = await httpRequest(listener.url, '/version');
    assert.match(String(res.headers['content-type']), /^application\/json/);
  });

  it('/healthz, /livez and /readyz answer 200 ok on a started server', async () => {
    const { listener } = await servers.start({ dir: tmp.make() });
    const codes = await Promise.all(['/healthz', '/livez', '/readyz'].map(async (p) => (await httpRequest(listener.url, p)).status));
    assert.deepEqual(codes, [200, 200, 200]);
  });

  it('/healthz/<check> runs one check and 404s an unknown one', async () => {
    const { server } = await servers.start({ dir: tmp.make() });
    const codes = [(await server.inject({ url: '/healthz/ping' })).status, (await server.inject({ url: '/healthz/nope' })).status];
    assert.deepEqual(codes, [200, 404]);
  });

  it('/readyz?verbose lists each check with [+]', async () => {
    const { server } = await servers.start({ dir: tmp.make() });
    const text = (await server.inject({ url: '/readyz?verbose' })).text();
    assert.match(text, /^\[\+\]ping ok$/m);
    assert.match(text, /^\[\+\]shutdown ok$/m);
  });

  it('/metrics counts requests by verb, resource and code', async () => {
    const { server, listener } = await servers.start({ dir: tmp.make() });
    await server.inject({ url: '/apis/nope.example/v1/namespaces/ns1/things' });
    await httpRequest(listener.url, '/apis/nope.example/v1/namespaces/ns1/things');
    await server.inject({ method: 'DELETE', url: '/apis/nope.example/v1/namespaces/ns1/things/t1' });
    const metrics = (await httpRequest(listener.url, '/metrics')).body;
    const list = requestTotal(metrics, { verb: 'LIST', group: 'nope.example', version: 'v1', resource: 'things', scope: 'namespace', code: '404' });
    const del = requestTotal(metrics, { verb: 'DELETE', group: 'nope.example', resource: 'things', scope: 'resource', code: '404' });
    assert.deepEqual([list, del], [2, 1]);
  });

  it('/metrics counts non-resource requests by HTTP method and code', async () => {
    const { server } = await servers.start({ dir: tmp.make() });
    await server.inject({ url: '/version' });
    const metrics = (await server.inject({ url: '/metrics' })).text();
    assert.ok((requestTotal(metrics, { verb: 'GET', resource: '', code: '200' }) ?? 0) >= 1);
  });

  it('/metrics exports the request duration histogram', async () => {
    const { server } = await servers.start({ dir: tmp.make() });
    await server.inject({ url: '/version' });
    assert.match((await server.inject({ url: '/metrics' })).text(), /^apiserver_request_duration_seconds_count\{/m);
  });

  it('/metrics has process metrics unless processMetrics: false', async () => {
    const on = await servers.start({ dir: tmp.make() });
    const off = await servers.start({ dir: tmp.make(), config: { plugins: { metrics: { enabled: [{ name: 'Prometheus', options: { processMetrics: false } }] } } } });
    const has = async (s: typeof on) => /^process_cpu_user_seconds_total /m.test((await s.server.inject({ url: '/metrics' })).text());
    assert.deepEqual([await has(on), await has(off)], [true, false]);
  });

  it('/metrics is gone when the Prometheus plugin is disabled', async () => {
    const { server } = await servers.start({ dir: tmp.make(), config: { plugins: { metrics: { disabled: ['Prometheus'] } } } });
    const res = await server.inject({ url: '/metrics' });
    assert.deepEqual([res.status, res.json<Status>().reason], [404, 'NotFound']);
  });

  it('/version is gone when the Version plugin is disabled', async () => {
    const { server } = await servers.start({ dir: tmp.make(), config: { plugins: { apiserver: { disabled: ['Version'] } } } });
    assert.equal((await server.inject({ url: '/version' })).status, 404);
  });
});
