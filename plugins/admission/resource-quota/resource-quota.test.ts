import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { api, pod, startAdmission, type Api, type Obj } from '../shared/testing';
import ResourceQuota from '.';
import { formatQuantity, quotaMatches, usageOf } from './usage';

const NS = '/api/v1/namespaces/default';

function quota(name: string, hard: Obj, extra: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard, ...extra } };
}

function cm(name: string): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } };
}

async function eventually<T>(check: () => Promise<T | undefined>, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('admission/ResourceQuota', function () {
  this.timeout(20000);
  let server: Server;
  let a: Api;
  beforeEach(async () => {
    server = await startAdmission([ResourceQuota], { ResourceQuota: { resyncPeriodSeconds: 0.2 } });
    a = api(server);
  });
  afterEach(() => server.stop(0));

  it('refuses an object count over the quota with 403 Forbidden', async () => {
    await a.create(`${NS}/resourcequotas`, quota('q', { configmaps: '1' }));
    await a.create(`${NS}/configmaps`, cm('one'));
    const r = await a.call('POST', `${NS}/configmaps`, cm('two'));
    const s = r.json<Obj>();
    assert.equal(r.status, 403);
    assert.equal(s.reason, 'Forbidden');
    assert.match(s.message, /exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1$/);
  });

  it('tracks count/<resource> names', async () => {
    await a.create(`${NS}/resourcequotas`, quota('q', { 'count/secrets': '0' }));
    const r = await a.call('POST', `${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
    assert.equal(r.status, 403);
  });

  it('refuses pods over requests.cpu', async () => {
    await a.create(`${NS}/resourcequotas`, quota('compute', { 'requests.cpu': '1' }));
    const p = (name: string, cpu: string) => pod(name, { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu } } }] });
    await a.create(`${NS}/pods`, p('a', '600m'));
    const r = await a.call('POST', `${NS}/pods`, p('b', '500m'));
    assert.equal(r.status, 403);
    assert.match(r.json<Obj>().message, /requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1/);
  });

  it('refuses a pod that does not specify a tracked compute resource', async () => {
    await a.create(`${NS}/resourcequotas`, quota('compute', { 'limits.memory': '1Gi' }));
    const r = await a.call('POST', `${NS}/pods`, pod('p'));
    assert.equal(r.status, 403);
    assert.match(r.json<Obj>().message, /failed quota: compute: must specify limits.memory for: c/);
  });

  it('ignores objects a scoped quota does not select', async () => {
    await a.create(`${NS}/resourcequotas`, quota('be', { pods: '0' }, { scopes: ['NotBestEffort'] }));
    assert.equal((await a.call('POST', `${NS}/pods`, pod('p'))).status, 201);
  });

  it('does not charge dry runs against later requests', async () => {
    await a.create(`${NS}/resourcequotas`, quota('q', { configmaps: '1' }));
    assert.equal((await a.call('POST', `${NS}/configmaps?dryRun=All`, cm('dry'))).status, 201);
    assert.equal((await a.call('POST', `${NS}/configmaps`, cm('real'))).status, 201);
  });

  it('the controller keeps status.hard and status.used current', async () => {
    await a.create(`${NS}/resourcequotas`, quota('q', { configmaps: '5', 'requests.memory': '1Gi' }));
    await a.create(`${NS}/configmaps`, cm('one'));
    await a.create(`${NS}/configmaps`, cm('two'));
    const status = await eventually(async () => {
      const q = (await a.call('GET', `${NS}/resourcequotas/q`)).json<Obj>();
      return q.status?.used?.configmaps === '2' ? q.status : undefined;
    });
    assert.deepEqual(status.hard, { configmaps: '5', 'requests.memory': '1Gi' });
    assert.equal(status.used['requests.memory'], '0');
    await a.call('DELETE', `${NS}/configmaps/one`);
    await eventually(async () => ((await a.call('GET', `${NS}/resourcequotas/q`)).json<Obj>().status.used.configmaps === '1' ? true : undefined));
  });

  it('usageOf counts pod compute (max of init containers) and skips terminal pods', () => {
    const spec = { containers: [{ resources: { requests: { cpu: '100m' } } }, { resources: { requests: { cpu: '200m' } } }], initContainers: [{ resources: { requests: { cpu: '500m' } } }] };
    assert.equal(usageOf('', 'pods', { spec })['requests.cpu'], 0.5);
    assert.deepEqual(usageOf('', 'pods', { spec, status: { phase: 'Succeeded' } }), {});
    assert.equal(usageOf('apps', 'deployments', {})['count/deployments.apps'], 1);
  });

  it('quotaMatches applies Terminating and BestEffort scopes to pods only', () => {
    const q = { spec: { scopes: ['Terminating'] } };
    assert.equal(quotaMatches(q, 'pods', '', { spec: { activeDeadlineSeconds: 10 } }), true);
    assert.equal(quotaMatches(q, 'pods', '', { spec: {} }), false);
    assert.equal(quotaMatches(q, 'configmaps', '', {}), false);
  });

  it('formats quantities like Kubernetes', () => {
    assert.equal(formatQuantity('requests.cpu', 0.5), '500m');
    assert.equal(formatQuantity('limits.memory', 2 ** 30), '1Gi');
    assert.equal(formatQuantity('pods', 3), '3');
  });
});
