import assert from 'node:assert/strict';
import type { InjectResponse } from '../pipeline/types';
import type { Server } from '../server/server';
import { startTestServer } from './testing';
import { ALL_TEST_RESOURCES, G, TEST_GROUP, W, widget } from './test-resources';

type Obj = Record<string, any>;

describe('registry: get, update', () => {
  let server: Server;
  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<InjectResponse> =>
    server.inject({ method, url, body, headers });
  const create = async (name: string, extra: Record<string, unknown> = {}): Promise<Obj> => {
    const r = await call('POST', W, widget(name, extra));
    assert.equal(r.status, 201, r.text());
    return r.json<Obj>();
  };

  beforeEach(async () => {
    server = await startTestServer({ resources: ALL_TEST_RESOURCES });
  });
  afterEach(() => server.stop());

  describe('get', () => {
    it('a missing object is 404 NotFound with the resource in details.kind', async () => {
      const r = await call('GET', `${W}/nope`);
      const s = r.json<Obj>();
      assert.equal(r.status, 404);
      assert.equal(s.kind, 'Status');
      assert.equal(s.reason, 'NotFound');
      assert.equal(s.message, `widgets.${TEST_GROUP} "nope" not found`);
      assert.equal(s.details.kind, 'widgets');
    });

    it('returns the stored object', async () => {
      const w = await create('w1');
      const r = await call('GET', `${W}/w1`);
      assert.deepEqual(r.json(), w);
      assert.equal(r.headers['content-type'], 'application/json');
    });

    it('with the Table Accept returns a one-row Table', async () => {
      await create('w1');
      const r = await call('GET', `${W}/w1`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
      const t = r.json<Obj>();
      assert.equal(t.kind, 'Table');
      assert.equal(t.rows.length, 1);
      assert.deepEqual(t.rows[0].cells.slice(0, 3), ['w1', 'red', 1]);
      assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata');
    });

    it('answers YAML for Accept application/yaml', async () => {
      await create('w1');
      const r = await call('GET', `${W}/w1`, undefined, { accept: 'application/yaml' });
      assert.match(r.text(), /^apiVersion: test\.k8ts\.dev\/v1\nkind: Widget\n/);
    });

    it('an unknown resource under /apis is 404 NotFound Status', async () => {
      const r = await call('GET', `/apis/${TEST_GROUP}/v1/namespaces/default/sprockets`);
      assert.equal(r.status, 404);
      assert.equal(r.json<Obj>().kind, 'Status');
    });

    it('an unknown subresource is 404', async () => {
      await create('w1');
      assert.equal((await call('GET', `${W}/w1/bogus`)).status, 404);
    });

    it('a named namespaced request without a namespace is 404', async () => {
      assert.equal((await call('GET', `/apis/${TEST_GROUP}/v1/widgets/w1`)).status, 404);
    });

    it('a cluster-scoped resource under a namespace is 404', async () => {
      assert.equal((await call('GET', `/apis/${TEST_GROUP}/v1/namespaces/default/gadgets`)).status, 404);
    });
  });

  describe('update (PUT)', () => {
    it('a stale resourceVersion is 409 Conflict', async () => {
      const w = await create('w1');
      await call('PUT', `${W}/w1`, { ...w, spec: { color: 'blue' } });
      const r = await call('PUT', `${W}/w1`, { ...w, spec: { color: 'green' } });
      const s = r.json<Obj>();
      assert.equal(r.status, 409);
      assert.equal(s.reason, 'Conflict');
      assert.equal(s.message, `Operation cannot be fulfilled on widgets.${TEST_GROUP} "w1": the object has been modified; please apply your changes to the latest version and try again`);
    });

    it('an empty resourceVersion is an unconditional update', async () => {
      const w = await create('w1');
      await call('PUT', `${W}/w1`, { ...w, spec: { color: 'blue' } });
      const r = await call('PUT', `${W}/w1`, { ...w, metadata: { ...w.metadata, resourceVersion: '' }, spec: { color: 'green' } });
      assert.equal(r.status, 200);
      assert.equal(r.json<Obj>().spec.color, 'green');
    });

    it('a name mismatch with the URL is 400', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1`, { ...w, metadata: { ...w.metadata, name: 'w2' } });
      assert.equal(r.status, 400);
    });

    it('keeps uid and creationTimestamp', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1`, { ...w, metadata: { ...w.metadata, uid: undefined, creationTimestamp: '2001-01-01T00:00:00.000Z' } });
      assert.equal(r.json<Obj>().metadata.uid, w.metadata.uid);
      assert.equal(r.json<Obj>().metadata.creationTimestamp, w.metadata.creationTimestamp);
    });

    it('a different uid in the body is 409 Conflict', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1`, { ...w, metadata: { ...w.metadata, uid: '00000000-0000-4000-8000-000000000000' } });
      assert.equal(r.status, 409);
    });

    it('bumps generation when spec changes', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1`, { ...w, spec: { color: 'blue' } });
      assert.equal(r.json<Obj>().metadata.generation, 2);
    });

    it('does not bump generation on a metadata change', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1`, { ...w, metadata: { ...w.metadata, labels: { a: 'b' } } });
      assert.equal(r.json<Obj>().metadata.generation, 1);
      assert.notEqual(r.json<Obj>().metadata.resourceVersion, w.metadata.resourceVersion);
    });

    it("bumps generation on any non-metadata change for generation: 'nonMetadata'", async () => {
      const g = (await call('POST', G, { metadata: { name: 'g1' }, data: { a: 1 } })).json<Obj>();
      const r = await call('PUT', `${G}/g1`, { ...g, data: { a: 2 } });
      assert.equal(r.json<Obj>().metadata.generation, 2);
    });

    it('the main endpoint ignores .status when there is a status subresource', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1`, { ...w, status: { replicas: 9 } });
      assert.equal(r.json<Obj>().status, undefined);
    });

    it('PUT on a missing object is 404', async () => {
      const r = await call('PUT', `${W}/nope`, widget('nope'));
      assert.equal(r.status, 404);
    });

    it('an update that changes nothing keeps the resourceVersion', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1`, w);
      assert.equal(r.json<Obj>().metadata.resourceVersion, w.metadata.resourceVersion);
    });

    it('invalid metadata on update is 422', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1`, { ...w, metadata: { ...w.metadata, labels: { 'bad key': 'x' } } });
      assert.equal(r.status, 422);
    });

    it('dryRun=All answers the updated object and stores nothing', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1?dryRun=All`, { ...w, spec: { color: 'blue' } });
      assert.equal(r.status, 200);
      assert.equal(r.json<Obj>().spec.color, 'blue');
      assert.equal((await call('GET', `${W}/w1`)).json<Obj>().spec.color, 'red');
    });

    it('PUT on the collection is 405', async () => {
      assert.equal((await call('PUT', W, widget('w1'))).status, 405);
    });
  });
});
