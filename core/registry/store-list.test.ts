import assert from 'node:assert/strict';
import type { InjectResponse } from '../pipeline/types';
import type { Server } from '../server/server';
import { startTestServer } from './testing';
import { ALL_TEST_RESOURCES, G, TEST_GROUP, W, widget } from './test-resources';

type Obj = Record<string, any>;
const TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' };

describe('registry: list', () => {
  let server: Server;
  const get = (url: string, headers?: Record<string, string>): Promise<InjectResponse> => server.inject({ method: 'GET', url, headers });
  const names = (r: InjectResponse): string[] => r.json<Obj>().items.map((i: Obj) => i.metadata.name);
  const create = async (name: string, extra: Record<string, unknown> = {}, ns = 'default'): Promise<Obj> => {
    const r = await server.inject({ method: 'POST', url: W.replace('/default/', `/${ns}/`), body: widget(name, extra) });
    assert.equal(r.status, 201, r.text());
    return r.json<Obj>();
  };

  beforeEach(async () => {
    server = await startTestServer({ resources: ALL_TEST_RESOURCES, plugin: { watchCache: { resourceVersionWaitSeconds: 0.05 } } });
  });
  afterEach(() => server.stop());

  it('answers a <Kind>List with metadata.resourceVersion', async () => {
    const w = await create('w1');
    const r = await get(W);
    const list = r.json<Obj>();
    assert.equal(list.kind, 'WidgetList');
    assert.equal(list.apiVersion, `${TEST_GROUP}/v1`);
    assert.equal(list.metadata.resourceVersion, w.metadata.resourceVersion);
    assert.deepEqual(list.items, [w]);
  });

  it('an empty list has items []', async () => {
    assert.deepEqual((await get(W)).json<Obj>().items, []);
  });

  it('lists one namespace or all of them', async () => {
    await create('a', {}, 'default');
    await create('b', {}, 'other');
    assert.deepEqual(names(await get(W)), ['a']);
    assert.deepEqual(names(await get(`/apis/${TEST_GROUP}/v1/widgets`)).sort(), ['a', 'b']);
  });

  it('filters by label selector', async () => {
    await create('a', { metadata: { labels: { app: 'web', tier: 'front' } } });
    await create('b', { metadata: { labels: { app: 'db' } } });
    await create('c');
    assert.deepEqual(names(await get(`${W}?labelSelector=app%3Dweb`)), ['a']);
    assert.deepEqual(names(await get(`${W}?labelSelector=app!%3Dweb`)), ['b', 'c']);
    assert.deepEqual(names(await get(`${W}?labelSelector=app%20in%20(web,db)`)), ['a', 'b']);
    assert.deepEqual(names(await get(`${W}?labelSelector=!app`)), ['c']);
  });

  it('filters by metadata.name and the resource field selectors', async () => {
    await create('a', { spec: { color: 'blue' } });
    await create('b');
    assert.deepEqual(names(await get(`${W}?fieldSelector=metadata.name%3Db`)), ['b']);
    assert.deepEqual(names(await get(`${W}?fieldSelector=spec.color%3Dblue`)), ['a']);
    assert.deepEqual(names(await get(`${W}?fieldSelector=metadata.namespace%3Ddefault,spec.color!%3Dblue`)), ['b']);
  });

  it('an unsupported field selector is 400 "field label not supported"', async () => {
    const r = await get(`${W}?fieldSelector=spec.bogus%3Dx`);
    assert.equal(r.status, 400);
    assert.equal(r.json<Obj>().message, 'field label not supported: spec.bogus');
  });

  it('a malformed label selector is 400', async () => {
    const r = await get(`${W}?labelSelector=app%20in%20web`);
    assert.equal(r.status, 400);
    assert.equal(r.json<Obj>().reason, 'BadRequest');
  });

  describe('paging', () => {
    beforeEach(async () => {
      for (const n of ['a', 'b', 'c', 'd', 'e']) await create(n);
    });

    it('limit and continue walk the whole list', async () => {
      const p1 = (await get(`${W}?limit=2`)).json<Obj>();
      assert.deepEqual(p1.items.map((i: Obj) => i.metadata.name), ['a', 'b']);
      assert.equal(p1.metadata.remainingItemCount, 3);
      const p2 = (await get(`${W}?limit=2&continue=${encodeURIComponent(p1.metadata.continue)}`)).json<Obj>();
      assert.deepEqual(p2.items.map((i: Obj) => i.metadata.name), ['c', 'd']);
      const p3 = (await get(`${W}?limit=2&continue=${encodeURIComponent(p2.metadata.continue)}`)).json<Obj>();
      assert.deepEqual(p3.items.map((i: Obj) => i.metadata.name), ['e']);
      assert.equal(p3.metadata.continue, undefined);
      assert.equal(p2.metadata.resourceVersion, p1.metadata.resourceVersion);
    });

    it('later pages show the list as of the first page', async () => {
      const p1 = (await get(`${W}?limit=2`)).json<Obj>();
      await server.inject({ method: 'DELETE', url: `${W}/c` });
      await create('bb');
      const p2 = (await get(`${W}?limit=10&continue=${encodeURIComponent(p1.metadata.continue)}`)).json<Obj>();
      assert.deepEqual(p2.items.map((i: Obj) => i.metadata.name), ['c', 'd', 'e']);
    });

    it('a malformed continue token is 400', async () => {
      const r = await get(`${W}?limit=2&continue=garbage!!`);
      assert.equal(r.status, 400);
    });

    it('a continue token of a compacted revision is 410 Expired', async () => {
      const p1 = (await get(`${W}?limit=2`)).json<Obj>();
      await create('f');
      await server.storage.compact(await server.storage.currentRevision());
      const r = await get(`${W}?limit=2&continue=${encodeURIComponent(p1.metadata.continue)}`);
      assert.equal(r.status, 410);
      assert.equal(r.json<Obj>().reason, 'Expired');
    });

    it('limit with a label selector still fills pages', async () => {
      const r = (await get(`${W}?limit=2&labelSelector=!nope`)).json<Obj>();
      assert.equal(r.items.length, 2);
      assert.ok(r.metadata.continue);
      assert.equal(r.metadata.remainingItemCount, undefined);
    });
  });

  describe('resourceVersion', () => {
    it('"0" answers from the watch cache', async () => {
      await create('a');
      assert.deepEqual(names(await get(`${W}?resourceVersion=0`)), ['a']);
    });

    it('Exact answers the state at that revision', async () => {
      const a = await create('a');
      await create('b');
      const r = await get(`${W}?resourceVersion=${a.metadata.resourceVersion}&resourceVersionMatch=Exact`);
      assert.deepEqual(names(r), ['a']);
      assert.equal(r.json<Obj>().metadata.resourceVersion, a.metadata.resourceVersion);
    });

    it('NotOlderThan answers a state at least that new', async () => {
      const a = await create('a');
      await create('b');
      const r = await get(`${W}?resourceVersion=${a.metadata.resourceVersion}&resourceVersionMatch=NotOlderThan`);
      assert.deepEqual(names(r), ['a', 'b']);
    });

    it('Exact at a compacted revision is 410 Expired', async () => {
      const a = await create('a');
      await create('b');
      await server.storage.compact(await server.storage.currentRevision());
      const r = await get(`${W}?resourceVersion=${a.metadata.resourceVersion}&resourceVersionMatch=Exact`);
      assert.equal(r.status, 410);
      assert.equal(r.json<Obj>().reason, 'Expired');
    });

    it('a resourceVersion from the future is 504 Timeout', async () => {
      const r = await get(`${W}?resourceVersion=999999`);
      assert.equal(r.status, 504);
    });

    it('a list sees its own writes at once', async () => {
      await create('a');
      await server.inject({ method: 'PATCH', url: `${W}/a`, headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"color":"pink"}}' });
      assert.equal((await get(W)).json<Obj>().items[0].spec.color, 'pink');
    });
  });

  describe('Table', () => {
    it('a Table list has column definitions, one row per object and list metadata', async () => {
      for (const n of ['a', 'b', 'c']) await create(n, { metadata: { labels: { x: 'y' } } });
      const t = (await get(`${W}?limit=2`, TABLE)).json<Obj>();
      assert.equal(t.kind, 'Table');
      assert.equal(t.apiVersion, 'meta.k8s.io/v1');
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => c.name), ['Name', 'Color', 'Replicas', 'Age']);
      assert.equal(t.columnDefinitions[0].format, 'name');
      assert.equal(t.rows.length, 2);
      assert.ok(t.metadata.continue);
      assert.ok(t.metadata.resourceVersion);
      assert.deepEqual(t.rows[0].object.metadata.labels, { x: 'y' });
      assert.equal(t.rows[0].object.metadata.namespace, 'default');
    });

    it('a resource without a printer gets Name and Created At', async () => {
      await server.inject({ method: 'POST', url: G, body: { metadata: { name: 'g1' } } });
      const t = (await get(G, TABLE)).json<Obj>();
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
      assert.equal(t.rows[0].cells[0], 'g1');
      assert.match(t.rows[0].cells[1], /Z$/);
    });

    it('includeObject=None leaves the row object out', async () => {
      await create('a');
      const t = (await get(`${W}?includeObject=None`, TABLE)).json<Obj>();
      assert.equal(t.rows[0].object, undefined);
    });

    it('includeObject=Object puts the full object in the row', async () => {
      await create('a');
      const t = (await get(`${W}?includeObject=Object`, TABLE)).json<Obj>();
      assert.equal(t.rows[0].object.kind, 'Widget');
      assert.equal(t.rows[0].object.spec.color, 'red');
    });

    it('PartialObjectMetadataList for metadata-only clients', async () => {
      await create('a');
      const r = (await get(W, { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' })).json<Obj>();
      assert.equal(r.kind, 'PartialObjectMetadataList');
      assert.equal(r.items[0].metadata.name, 'a');
      assert.equal(r.items[0].spec, undefined);
    });
  });

  it('a list in another version converts every item', async () => {
    const things = `/apis/${TEST_GROUP}/v1/namespaces/default/things`;
    await server.inject({ method: 'POST', url: things, body: { metadata: { name: 't1' }, spec: { size: 3 } } });
    const r = (await get(things.replace('/v1/', '/v2/'))).json<Obj>();
    assert.equal(r.apiVersion, `${TEST_GROUP}/v2`);
    assert.deepEqual(r.items[0].spec, { sizeInBytes: 3 });
    assert.equal(r.items[0].apiVersion, `${TEST_GROUP}/v2`);
  });
});
