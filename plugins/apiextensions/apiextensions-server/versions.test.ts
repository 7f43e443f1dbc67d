import assert from 'node:assert/strict';
import { gvr, inProcessClient, type Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { startCluster } from '../../controllers/shared/test-cluster';
import type { CustomResourceDefinition } from '../schema';
import { compareVersions } from './definition';
import { createAndServe, crontab, crontabCrd, CRONTABS } from './testing';

const BASE = '/apis/stable.example.com/v1/namespaces/default/crontabs';

/** Two served versions (v1 stored, v2beta1 also served), strategy None. */
function twoVersions(): CustomResourceDefinition {
  const crd = simple('multi.example.com', 'Multi');
  const v1 = crd.spec.versions[0];
  crd.spec.versions = [{ ...v1, name: 'v2beta1', storage: false, deprecated: true }, v1, { ...v1, name: 'v1alpha1', served: false, storage: false }];
  return crd;
}

function simple(group: string, kind: string): CustomResourceDefinition {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, kind },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 3 } } } } } } }],
    },
  };
}

/** v1 and v2 (both served, v2 stored) with their own printer columns and selectable fields. */
function perVersionColumns(): CustomResourceDefinition {
  const crd = simple('cols.example.com', 'Col');
  const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } } } } };
  crd.spec.versions = [
    { name: 'v1', served: true, storage: false, schema, additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }], selectableFields: [{ jsonPath: '.spec.size' }] },
    { name: 'v2', served: true, storage: true, schema, additionalPrinterColumns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color' }], selectableFields: [{ jsonPath: '.spec.color' }] },
  ];
  return crd;
}

describe('apiextensions/APIExtensionServer: schemas and versions', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let server: Server;
  let client: Client;
  const call = (method: string, url: string, body?: unknown) => server.inject({ method, url, body });

  before(async () => {
    cluster = await startCluster();
    server = cluster.server;
    client = inProcessClient(server);
    await createAndServe(client, crontabCrd(), CRONTABS);
    await createAndServe(client, twoVersions(), gvr('multi.example.com/v1', 'multis'));
    await createAndServe(client, perVersionColumns(), gvr('cols.example.com/v2', 'cols'));
    await client.create(gvr('cols.example.com/v2', 'cols'), { apiVersion: 'cols.example.com/v2', kind: 'Col', metadata: { name: 'c', namespace: 'default' }, spec: { size: 2, color: 'red' } }, { namespace: 'default' });
  });
  after(async () => cluster?.close());

  it('orders versions as Kubernetes does (GA, beta, alpha; higher first)', () => {
    assert.deepEqual(['v1alpha1', 'v2beta1', 'v1', 'v2', 'v1beta1', 'foo'].sort(compareVersions), ['v2', 'v1', 'v2beta1', 'v1beta1', 'v1alpha1', 'foo']);
  });

  it('answers 422 Invalid with a cause per violated field', async () => {
    const res = await call('POST', BASE, { ...crontab('bad', { replicas: -1 }), spec: { image: 'x', replicas: -1 } });
    assert.equal(res.status, 422);
    const causes = res.json<{ details: { causes: Array<{ field: string; reason: string }> } }>().details.causes;
    assert.deepEqual(causes.map((c) => [c.field, c.reason]).sort(), [['spec.cronSpec', 'FieldValueRequired'], ['spec.replicas', 'FieldValueInvalid']]);
  });

  it('answers 422 Invalid for a violated x-kubernetes-validations rule', async () => {
    const res = await call('POST', BASE, crontab('cel', { replicas: 11 }));
    assert.equal(res.status, 422);
    assert.deepEqual(res.json<{ details: { causes: Array<{ field: string }> } }>().details.causes.map((c) => c.field), ['spec']);
  });

  it('answers 400 BadRequest to an unknown field with fieldValidation=Strict', async () => {
    const res = await call('POST', `${BASE}?fieldValidation=Strict`, crontab('strict', { bogus: 1 }));
    assert.equal(res.status, 400);
    assert.equal(res.json<{ reason: string }>().reason, 'BadRequest');
  });

  it('prunes an unknown field with a warning under fieldValidation=Warn', async () => {
    const res = await call('POST', `${BASE}?fieldValidation=Warn`, crontab('warn', { bogus: 1 }));
    assert.equal(res.status, 201);
    assert.match(String(res.headers.warning), /spec\.bogus/);
    assert.equal((res.json<KObject>().spec as Record<string, unknown>).bogus, undefined);
  });

  it('fills schema defaults on create', async () => {
    const obj = await client.create<KObject>(CRONTABS, { ...crontab('dflt'), spec: { cronSpec: '* * * * *', image: 'x' } }, { namespace: 'default' });
    assert.equal((obj.spec as { replicas: number }).replicas, 1);
  });

  it('serves every served version and reads an object in another version than it was written in', async () => {
    const v2 = gvr('multi.example.com/v2beta1', 'multis');
    await client.create(v2, { apiVersion: 'multi.example.com/v2beta1', kind: 'Multi', metadata: { name: 'm', namespace: 'default' }, spec: {} }, { namespace: 'default' });
    const asV1 = await client.get<KObject>(gvr('multi.example.com/v1', 'multis'), { namespace: 'default', name: 'm' });
    assert.equal(asV1.apiVersion, 'multi.example.com/v1');
    assert.equal((asV1.spec as { size: number }).size, 3);
    await assert.rejects(client.get(gvr('multi.example.com/v1alpha1', 'multis'), { namespace: 'default', name: 'm' }), (e: { reason?: string }) => e.reason === 'NotFound');
  });

  it('warns on requests to a deprecated version', async () => {
    const res = await call('GET', '/apis/multi.example.com/v2beta1/namespaces/default/multis');
    assert.equal(res.status, 200);
    assert.match(String(res.headers.warning), /multi\.example\.com\/v2beta1 Multi is deprecated; use multi\.example\.com\/v1 Multi/);
    const v1 = await call('GET', '/apis/multi.example.com/v1/namespaces/default/multis');
    assert.equal(v1.headers.warning, undefined);
  });

  it('prints the printer columns of the version asked for', async () => {
    const table = async (v: string) => {
      const res = await server.inject({ method: 'GET', url: `/apis/cols.example.com/${v}/namespaces/default/cols`, headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
      const t = res.json<{ columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> }>();
      return [t.columnDefinitions.map((c) => c.name), t.rows[0].cells];
    };
    assert.deepEqual(await table('v1'), [['Name', 'Size'], ['c', 2]]);
    assert.deepEqual(await table('v2'), [['Name', 'Color'], ['c', 'red']]);
  });

  it('selects by the selectable fields of the version asked for', async () => {
    const v1 = await call('GET', '/apis/cols.example.com/v1/namespaces/default/cols?fieldSelector=spec.size%3D2');
    assert.equal(v1.json<{ items: KObject[] }>().items.length, 1);
    const v2 = await call('GET', '/apis/cols.example.com/v2/namespaces/default/cols?fieldSelector=spec.color%3Dred');
    assert.equal(v2.json<{ items: KObject[] }>().items.length, 1);
    assert.equal((await call('GET', '/apis/cols.example.com/v2/namespaces/default/cols?fieldSelector=spec.size%3D2')).status, 400);
  });

  it('prefers the highest-priority served version in discovery', async () => {
    const group = (await call('GET', '/apis/multi.example.com')).json<{ preferredVersion: { version: string }; versions: Array<{ version: string }> }>();
    assert.equal(group.preferredVersion.version, 'v1');
    assert.deepEqual(group.versions.map((v) => v.version), ['v1', 'v2beta1']);
  });
});
