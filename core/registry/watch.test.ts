import assert from 'node:assert/strict';
import type { InjectResponse } from '../pipeline/types';
import type { Server } from '../server/server';
import { openWatch, startTestServer, type TestServerOptions } from './testing';
import { ALL_TEST_RESOURCES, G, TEST_GROUP, W, widget } from './test-resources';

type Obj = Record<string, any>;
const MERGE = { 'content-type': 'application/merge-patch+json' };
const TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };

describe('registry: watch', () => {
  let server: Server;
  let options: TestServerOptions = {};
  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<InjectResponse> =>
    server.inject({ method, url, body, headers });
  const create = async (name: string, extra: Record<string, unknown> = {}): Promise<Obj> => {
    const r = await call('POST', W, widget(name, extra));
    assert.equal(r.status, 201, r.text());
    return r.json<Obj>();
  };
  const patch = (name: string, body: unknown) => call('PATCH', `${W}/${name}`, JSON.stringify(body), MERGE);

  beforeEach(async () => {
    server = await startTestServer({ resources: ALL_TEST_RESOURCES, plugin: { bookmarkIntervalSeconds: 0.05 }, ...options });
  });
  afterEach(async () => {
    await server.stop();
    options = {};
  });

  it('streams 200 application/json, one event per line', async () => {
    const w = openWatch(server, `${W}?watch=true`);
    await create('a');
    const [ev] = await w.waitFor(1);
    await w.close();
    const r = await w.ended;
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(ev.type, 'ADDED');
    assert.equal(ev.object.metadata.name, 'a');
  });

  it('resourceVersion absent sends synthetic ADDED for current objects, then changes', async () => {
    await create('a');
    await create('b');
    const w = openWatch(server, `${W}?watch=true`);
    await w.waitFor(2);
    await patch('a', { spec: { color: 'blue' } });
    const events = await w.waitFor(3);
    await w.close();
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED a', 'ADDED b', 'MODIFIED a']);
  });

  it('resourceVersion=0 also starts with the current objects', async () => {
    await create('a');
    const w = openWatch(server, `${W}?watch=1&resourceVersion=0`);
    const [ev] = await w.waitFor(1);
    await w.close();
    assert.equal(ev.type, 'ADDED');
  });

  it('resourceVersion=N sends only the changes after N', async () => {
    const a = await create('a');
    await create('b');
    await patch('a', { spec: { color: 'blue' } });
    const w = openWatch(server, `${W}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    const events = await w.waitFor(2);
    await w.close();
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED b', 'MODIFIED a']);
  });

  it('list RV -> watch RV loses no event written in between', async () => {
    await create('a');
    const list = (await call('GET', W)).json<Obj>();
    await create('b');
    await call('DELETE', `${W}/a`);
    const w = openWatch(server, `${W}?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    const events = await w.waitFor(2);
    await w.close();
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED b', 'DELETED a']);
  });

  it('the DELETED event carries the object at the delete revision', async () => {
    const a = await create('a');
    const w = openWatch(server, `${W}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    await call('DELETE', `${W}/a`);
    const [ev] = await w.waitFor(1);
    await w.close();
    assert.equal(ev.type, 'DELETED');
    assert.ok(Number(ev.object.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
  });

  describe('with a small watch cache', () => {
    before(() => {
      options = { plugin: { bookmarkIntervalSeconds: 60, watchCache: { minEvents: 2, maxEvents: 3, windowSeconds: 0 } } };
    });

    it('a resourceVersion older than the cache is a single ERROR event with 410 Expired, then the end', async () => {
      const a = await create('a');
      for (let i = 0; i < 6; i++) await patch('a', { spec: { replicas: i } });
      const w = openWatch(server, `${W}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
      const r = await w.ended;
      assert.equal(r.status, 200);
      assert.equal(w.events.length, 1);
      const ev = w.events[0];
      assert.equal(ev.type, 'ERROR');
      assert.equal(ev.object.kind, 'Status');
      assert.equal(ev.object.reason, 'Expired');
      assert.equal(ev.object.code, 410);
      assert.match(ev.object.message, new RegExp(`^too old resource version: ${a.metadata.resourceVersion} \\(\\d+\\)$`));
    });
  });

  it('a label selector filters events; leaving the selector is DELETED, entering is ADDED', async () => {
    const a = await create('a', { metadata: { labels: { app: 'web' } } });
    await create('b', { metadata: { labels: { app: 'db' } } });
    const w = openWatch(server, `${W}?watch=true&labelSelector=app%3Dweb`);
    await w.waitFor(1);
    await patch('a', { metadata: { labels: { app: 'db' } } });
    await patch('b', { metadata: { labels: { app: 'web' } } });
    await patch('b', { spec: { color: 'blue' } });
    const events = await w.waitFor(4);
    await w.close();
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED a', 'DELETED a', 'ADDED b', 'MODIFIED b']);
    // the DELETED for leaving carries the previous content at the event's revision
    assert.equal(events[1].object.metadata.labels.app, 'web');
    assert.ok(Number(events[1].object.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
  });

  it('a field selector on metadata.name watches one object (kubectl wait / delete)', async () => {
    const a = await create('a');
    await create('b');
    const w = openWatch(server, `${W}?watch=true&allowWatchBookmarks=false&fieldSelector=metadata.name%3Da&resourceVersion=${a.metadata.resourceVersion}`);
    await patch('b', { spec: { color: 'x' } });
    await call('DELETE', `${W}/a`);
    const events = await w.waitFor(1);
    await w.close();
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['DELETED a']);
  });

  it('the /watch/ prefix watches a collection', async () => {
    const w = openWatch(server, `/apis/${TEST_GROUP}/v1/watch/namespaces/default/widgets`);
    await create('a');
    const [ev] = await w.waitFor(1);
    await w.close();
    assert.equal(ev.type, 'ADDED');
  });

  it('the /watch/ prefix with a name watches that object only', async () => {
    await create('a');
    await create('ab');
    const w = openWatch(server, `/apis/${TEST_GROUP}/v1/watch/namespaces/default/widgets/a`);
    const events = await w.waitFor(1);
    await patch('ab', { spec: { color: 'x' } });
    await patch('a', { spec: { color: 'y' } });
    await w.waitFor(2);
    await w.close();
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED a', 'MODIFIED a']);
    assert.equal(events.length, 1);
  });

  it('a watch across namespaces sees every namespace', async () => {
    const w = openWatch(server, `/apis/${TEST_GROUP}/v1/widgets?watch=true`);
    await create('a');
    await call('POST', W.replace('/default/', '/other/'), widget('b'));
    const events = await w.waitFor(2);
    await w.close();
    assert.deepEqual(events.map((e) => e.object.metadata.namespace), ['default', 'other']);
  });

  it('timeoutSeconds ends the stream cleanly', async () => {
    const w = openWatch(server, `${W}?watch=true&timeoutSeconds=1`);
    const started = Date.now();
    const r = await w.ended;
    assert.equal(r.status, 200);
    assert.ok(Date.now() - started >= 900);
  });

  it('allowWatchBookmarks sends periodic BOOKMARK events with the resourceVersion', async () => {
    const a = await create('a');
    const w = openWatch(server, `${W}?watch=true&allowWatchBookmarks=true&resourceVersion=${a.metadata.resourceVersion}`);
    const [ev] = await w.waitFor(1);
    await w.close();
    assert.equal(ev.type, 'BOOKMARK');
    assert.deepEqual(ev.object, { kind: 'Widget', apiVersion: `${TEST_GROUP}/v1`, metadata: { resourceVersion: a.metadata.resourceVersion } });
  });

  it('no BOOKMARK events without allowWatchBookmarks', async () => {
    const a = await create('a');
    const w = openWatch(server, `${W}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    await new Promise((r) => setTimeout(r, 200));
    await w.close();
    assert.equal(w.events.length, 0);
  });

  it('sendInitialEvents ends the initial ADDED events with the initial-events-end BOOKMARK', async () => {
    await create('a');
    const w = openWatch(server, `${W}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    const events = await w.waitFor(2);
    await w.close();
    assert.equal(events[0].type, 'ADDED');
    assert.equal(events[1].type, 'BOOKMARK');
    assert.equal(events[1].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  it('sendInitialEvents without resourceVersionMatch=NotOlderThan is 422', async () => {
    const r = await call('GET', `${W}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true`);
    assert.equal(r.status, 422);
  });

  it('with the Table Accept each event is a one-row Table; only the first has columnDefinitions', async () => {
    await create('a');
    const w = openWatch(server, `${W}?watch=true`, TABLE);
    await w.waitFor(1);
    await patch('a', { spec: { color: 'blue' } });
    const events = await w.waitFor(2);
    await w.close();
    assert.equal(events[0].object.kind, 'Table');
    assert.equal(events[0].object.columnDefinitions.length, 4);
    assert.equal(events[0].object.rows.length, 1);
    assert.deepEqual(events[1].object.columnDefinitions, []);
    assert.equal(events[1].object.rows[0].cells[1], 'blue');
    assert.equal(events[1].object.rows[0].object.kind, 'PartialObjectMetadata');
  });

  it('two watchers get the same events', async () => {
    const w1 = openWatch(server, `${W}?watch=true`);
    const w2 = openWatch(server, `${W}?watch=true`);
    await create('a');
    await patch('a', { spec: { color: 'x' } });
    const [e1, e2] = await Promise.all([w1.waitFor(2), w2.waitFor(2)]);
    await Promise.all([w1.close(), w2.close()]);
    assert.deepEqual(e1, e2);
  });

  it('watches a cluster-scoped resource', async () => {
    const w = openWatch(server, `${G}?watch=true`);
    await call('POST', G, { metadata: { name: 'g1' } });
    const [ev] = await w.waitFor(1);
    await w.close();
    assert.equal(ev.object.metadata.name, 'g1');
  });

  it('a bad label selector on a watch is 400 before any streaming', async () => {
    const r = await call('GET', `${W}?watch=true&labelSelector=a%20in%20b`);
    assert.equal(r.status, 400);
  });

  it('server shutdown ends open watches', async () => {
    const w = openWatch(server, `${W}?watch=true`);
    await new Promise((r) => setTimeout(r, 20));
    await server.stop();
    const r = await w.ended;
    assert.equal(r.status, 200);
  });

  it('a client that goes away is removed from the cache', async () => {
    const w = openWatch(server, `${W}?watch=true`);
    await create('a');
    await w.waitFor(1);
    await w.close();
    const { getStore } = await import('./store');
    const { getResourceRegistry } = await import('./registry');
    const store = getStore(server, getResourceRegistry(server).get(TEST_GROUP, 'widgets')!);
    assert.equal(store.cache.watcherCount, 0);
  });
});
