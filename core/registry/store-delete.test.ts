import assert from 'node:assert/strict';
import type { InjectResponse } from '../pipeline/types';
import type { Server } from '../server/server';
import { getResourceRegistry } from './registry';
import { enableGarbageCollectorFinalizers } from './store-delete';
import { openWatch, startTestServer } from './testing';
import { ALL_TEST_RESOURCES, TEST_GROUP, W, widget } from './test-resources';

type Obj = Record<string, any>;
const MERGE = { 'content-type': 'application/merge-patch+json' };

describe('registry: delete, finalizers, deletecollection', () => {
  let server: Server;
  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<InjectResponse> =>
    server.inject({ method, url, body: typeof body === 'object' && body !== null ? JSON.stringify(body) : body, headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers });
  const create = async (name: string, extra: Record<string, unknown> = {}): Promise<Obj> => {
    const r = await server.inject({ method: 'POST', url: W, body: widget(name, extra) });
    assert.equal(r.status, 201, r.text());
    return r.json<Obj>();
  };

  beforeEach(async () => {
    server = await startTestServer({ resources: ALL_TEST_RESOURCES });
  });
  afterEach(() => server.stop());

  it('DELETE answers 200 with the object and the object is gone', async () => {
    await create('w1');
    const r = await call('DELETE', `${W}/w1`);
    assert.equal(r.status, 200);
    assert.equal(r.json<Obj>().metadata.name, 'w1');
    assert.equal((await call('GET', `${W}/w1`)).status, 404);
  });

  it('DELETE of a missing object is 404', async () => {
    assert.equal((await call('DELETE', `${W}/nope`)).status, 404);
  });

  it('a uid precondition that does not match is 409', async () => {
    await create('w1');
    const r = await call('DELETE', `${W}/w1`, { preconditions: { uid: 'not-it' } });
    assert.equal(r.status, 409);
    assert.equal(r.json<Obj>().reason, 'Conflict');
  });

  it('a resourceVersion precondition that does not match is 409', async () => {
    await create('w1');
    assert.equal((await call('DELETE', `${W}/w1`, { preconditions: { resourceVersion: '999' } })).status, 409);
  });

  it('matching preconditions delete', async () => {
    const w = await create('w1');
    const r = await call('DELETE', `${W}/w1`, { preconditions: { uid: w.metadata.uid, resourceVersion: w.metadata.resourceVersion } });
    assert.equal(r.status, 200);
  });

  it('DeleteOptions in the query are honoured when there is no body', async () => {
    await create('w1');
    const r = await call('DELETE', `${W}/w1?preconditions.uid=not-it`);
    assert.equal(r.status, 409);
  });

  it('dryRun in the body persists nothing', async () => {
    await create('w1');
    const r = await call('DELETE', `${W}/w1`, { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] });
    assert.equal(r.status, 200);
    assert.equal((await call('GET', `${W}/w1`)).status, 200);
  });

  describe('finalizers', () => {
    it('DELETE with finalizers sets deletionTimestamp and keeps the object', async () => {
      await create('w1', { metadata: { finalizers: ['test.k8ts.dev/hold'] } });
      const r = await call('DELETE', `${W}/w1`);
      const o = r.json<Obj>();
      assert.equal(r.status, 200);
      assert.match(o.metadata.deletionTimestamp, /Z$/);
      assert.equal(o.metadata.deletionGracePeriodSeconds, 0);
      assert.equal((await call('GET', `${W}/w1`)).json<Obj>().metadata.deletionTimestamp, o.metadata.deletionTimestamp);
    });

    it('setting deletionTimestamp with finalizers bumps generation', async () => {
      await create('w1', { metadata: { finalizers: ['test.k8ts.dev/hold'] } });
      assert.equal((await call('DELETE', `${W}/w1`)).json<Obj>().metadata.generation, 2);
    });

    it('watchers see MODIFIED for the mark and DELETED when the last finalizer goes', async () => {
      const w = await create('w1', { metadata: { finalizers: ['test.k8ts.dev/hold'] } });
      const watch = openWatch(server, `${W}?watch=true&resourceVersion=${w.metadata.resourceVersion}`);
      await call('DELETE', `${W}/w1`);
      const r = await call('PATCH', `${W}/w1`, { metadata: { finalizers: null } }, MERGE);
      assert.equal(r.status, 200);
      const events = await watch.waitFor(2);
      await watch.close();
      assert.deepEqual(events.map((e) => e.type), ['MODIFIED', 'DELETED']);
      assert.equal((await call('GET', `${W}/w1`)).status, 404);
    });

    it('removing the last finalizer with PUT deletes the object', async () => {
      await create('w1', { metadata: { finalizers: ['test.k8ts.dev/hold'] } });
      const marked = (await call('DELETE', `${W}/w1`)).json<Obj>();
      const r = await call('PUT', `${W}/w1`, { ...marked, metadata: { ...marked.metadata, finalizers: [] } });
      assert.equal(r.status, 200);
      assert.equal((await call('GET', `${W}/w1`)).status, 404);
    });

    it('new finalizers cannot be added once deletionTimestamp is set (422)', async () => {
      await create('w1', { metadata: { finalizers: ['test.k8ts.dev/hold'] } });
      await call('DELETE', `${W}/w1`);
      const r = await call('PATCH', `${W}/w1`, { metadata: { finalizers: ['test.k8ts.dev/hold', 'test.k8ts.dev/more'] } }, MERGE);
      assert.equal(r.status, 422);
      assert.equal(r.json<Obj>().details.causes[0].reason, 'FieldValueForbidden');
    });

    it('a second DELETE of a terminating object answers it unchanged', async () => {
      await create('w1', { metadata: { finalizers: ['test.k8ts.dev/hold'] } });
      const first = (await call('DELETE', `${W}/w1`)).json<Obj>();
      const second = await call('DELETE', `${W}/w1`);
      assert.equal(second.status, 200);
      assert.equal(second.json<Obj>().metadata.resourceVersion, first.metadata.resourceVersion);
    });

    it('without a garbage collector, propagationPolicy Orphan deletes at once', async () => {
      await create('w1');
      const r = await call('DELETE', `${W}/w1`, { propagationPolicy: 'Orphan' });
      assert.equal(r.status, 200);
      assert.equal((await call('GET', `${W}/w1`)).status, 404);
    });

    it('propagationPolicy Orphan records the orphan finalizer for the garbage collector', async () => {
      enableGarbageCollectorFinalizers(server);
      await create('w1');
      const r = await call('DELETE', `${W}/w1`, { propagationPolicy: 'Orphan' });
      assert.deepEqual(r.json<Obj>().metadata.finalizers, ['orphan']);
      assert.ok(r.json<Obj>().metadata.deletionTimestamp);
    });

    it('propagationPolicy Foreground records the foregroundDeletion finalizer for the garbage collector', async () => {
      enableGarbageCollectorFinalizers(server);
      await create('w1');
      const r = await call('DELETE', `${W}/w1?propagationPolicy=Foreground`);
      assert.deepEqual(r.json<Obj>().metadata.finalizers, ['foregroundDeletion']);
    });

    it('propagationPolicy Background deletes at once', async () => {
      await create('w1');
      await call('DELETE', `${W}/w1`, { propagationPolicy: 'Background' });
      assert.equal((await call('GET', `${W}/w1`)).status, 404);
    });
  });

  describe('graceful deletion', () => {
    beforeEach(() => {
      getResourceRegistry(server).get(TEST_GROUP, 'widgets')!.hooks.gracefulDelete.tap('T', (_obj, opts) => opts.gracePeriodSeconds ?? 30);
    });

    it('marks the object with deletionTimestamp + grace period', async () => {
      await create('w1');
      const r = await call('DELETE', `${W}/w1`);
      assert.equal(r.json<Obj>().metadata.deletionGracePeriodSeconds, 30);
      assert.ok(Date.parse(r.json<Obj>().metadata.deletionTimestamp) > Date.now() + 20_000);
    });

    it('a later DELETE with gracePeriodSeconds=0 deletes it', async () => {
      await create('w1');
      await call('DELETE', `${W}/w1`);
      await call('DELETE', `${W}/w1`, { gracePeriodSeconds: 0 });
      assert.equal((await call('GET', `${W}/w1`)).status, 404);
    });
  });

  describe('deletecollection', () => {
    it('deletes what the selector matches and answers a List of them', async () => {
      await create('a', { metadata: { labels: { app: 'x' } } });
      await create('b', { metadata: { labels: { app: 'x' } } });
      await create('c', { metadata: { labels: { app: 'y' } } });
      const r = await call('DELETE', `${W}?labelSelector=app%3Dx`);
      const list = r.json<Obj>();
      assert.equal(r.status, 200);
      assert.equal(list.kind, 'WidgetList');
      assert.deepEqual(list.items.map((i: Obj) => i.metadata.name), ['a', 'b']);
      const left = (await call('GET', W)).json<Obj>().items.map((i: Obj) => i.metadata.name);
      assert.deepEqual(left, ['c']);
    });

    it('dryRun deletes nothing', async () => {
      await create('a');
      const r = await call('DELETE', `${W}?dryRun=All`);
      assert.equal(r.json<Obj>().items.length, 1);
      assert.equal((await call('GET', W)).json<Obj>().items.length, 1);
    });

    it('deletecollection without a namespace is 405 for a namespaced resource', async () => {
      assert.equal((await call('DELETE', `/apis/${TEST_GROUP}/v1/widgets`)).status, 405);
    });
  });
});
