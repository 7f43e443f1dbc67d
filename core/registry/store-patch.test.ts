import assert from 'node:assert/strict';
import type { InjectResponse } from '../pipeline/types';
import type { Server } from '../server/server';
import { startTestServer } from './testing';
import { ALL_TEST_RESOURCES, G, TEST_GROUP, W, widget } from './test-resources';

type Obj = Record<string, any>;

const MERGE = { 'content-type': 'application/merge-patch+json' };
const JSONP = { 'content-type': 'application/json-patch+json' };
const APPLY = { 'content-type': 'application/apply-patch+yaml' };

describe('registry: patch, /status, /scale', () => {
  let server: Server;
  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<InjectResponse> =>
    server.inject({ method, url, body: typeof body === 'object' && body !== null ? JSON.stringify(body) : body, headers });
  const create = async (name: string, extra: Record<string, unknown> = {}): Promise<Obj> => {
    const r = await server.inject({ method: 'POST', url: W, body: widget(name, extra) });
    assert.equal(r.status, 201, r.text());
    return r.json<Obj>();
  };

  beforeEach(async () => {
    server = await startTestServer({ resources: ALL_TEST_RESOURCES });
  });
  afterEach(() => server.stop());

  describe('PATCH', () => {
    it('merge patch changes the fields it names (200)', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1`, { metadata: { labels: { foo: 'bar' } } }, MERGE);
      assert.equal(r.status, 200);
      assert.equal(r.json<Obj>().metadata.labels.foo, 'bar');
      assert.equal(r.json<Obj>().spec.color, 'red');
    });

    it('merge patch null deletes a field', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1`, { spec: { color: null } }, MERGE);
      assert.equal(r.json<Obj>().spec.color, undefined);
    });

    it('JSON patch applies its operations', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1`, [{ op: 'replace', path: '/spec/color', value: 'blue' }], JSONP);
      assert.equal(r.status, 200);
      assert.equal(r.json<Obj>().spec.color, 'blue');
    });

    it('a failed JSON patch test is a 4xx Status', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1`, [{ op: 'test', path: '/spec/color', value: 'blue' }], JSONP);
      assert.ok(r.status === 422 || r.status === 409, `status ${r.status}`);
      assert.equal(r.json<Obj>().kind, 'Status');
    });

    it('a resourceVersion in the patch body is a precondition (409)', async () => {
      const w = await create('w1');
      await call('PATCH', `${W}/w1`, { spec: { color: 'blue' } }, MERGE);
      const r = await call('PATCH', `${W}/w1`, { metadata: { resourceVersion: w.metadata.resourceVersion }, spec: { color: 'x' } }, MERGE);
      assert.equal(r.status, 409);
      assert.equal(r.json<Obj>().reason, 'Conflict');
    });

    it('the current resourceVersion in the patch body passes', async () => {
      const w = await create('w1');
      const r = await call('PATCH', `${W}/w1`, { metadata: { resourceVersion: w.metadata.resourceVersion }, spec: { color: 'x' } }, MERGE);
      assert.equal(r.status, 200);
    });

    it('a missing object is 404', async () => {
      assert.equal((await call('PATCH', `${W}/nope`, { spec: {} }, MERGE)).status, 404);
    });

    it('strategic merge patch without a patch schema is 415 (as for CRDs)', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1`, { spec: {} }, { 'content-type': 'application/strategic-merge-patch+json' });
      assert.equal(r.status, 415);
      assert.equal(r.json<Obj>().reason, 'UnsupportedMediaType');
    });

    it('an unknown patch type is 415', async () => {
      await create('w1');
      assert.equal((await call('PATCH', `${W}/w1`, { spec: {} }, { 'content-type': 'application/json' })).status, 415);
    });

    it('a malformed patch body is 400', async () => {
      await create('w1');
      assert.equal((await call('PATCH', `${W}/w1`, '{"spec":', MERGE)).status, 400);
    });

    it('a patch that renames the object is 400', async () => {
      await create('w1');
      assert.equal((await call('PATCH', `${W}/w1`, { metadata: { name: 'w2' } }, MERGE)).status, 400);
    });

    it('apply without fieldManager is 422 (PatchOptions invalid, as kube-apiserver)', async () => {
      const r = await call('PATCH', `${W}/w1`, widget('w1'), APPLY);
      assert.equal(r.status, 422);
      assert.equal(r.json<Obj>().details.kind, 'PatchOptions');
    });

    it('apply creates an absent object (201)', async () => {
      const r = await call('PATCH', `${W}/w1?fieldManager=test`, widget('w1'), APPLY);
      assert.equal(r.status, 201, r.text());
      assert.equal(r.json<Obj>().metadata.generation, 1);
      assert.ok(r.json<Obj>().metadata.uid);
    });

    it('apply updates an existing object (200)', async () => {
      await call('PATCH', `${W}/w1?fieldManager=test`, widget('w1'), APPLY);
      const r = await call('PATCH', `${W}/w1?fieldManager=test`, widget('w1', { spec: { color: 'blue', replicas: 1 } }), APPLY);
      assert.equal(r.status, 200, r.text());
      assert.equal(r.json<Obj>().spec.color, 'blue');
    });

    it('force on a non-apply patch is 422', async () => {
      await create('w1');
      assert.equal((await call('PATCH', `${W}/w1?force=true`, { spec: {} }, MERGE)).status, 422);
    });

    it('dryRun=All answers the patched object and stores nothing', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1?dryRun=All`, { spec: { color: 'blue' } }, MERGE);
      assert.equal(r.json<Obj>().spec.color, 'blue');
      assert.equal((await call('GET', `${W}/w1`)).json<Obj>().spec.color, 'red');
    });

    it('a patch of .status on the main endpoint is ignored', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1`, { status: { replicas: 3 } }, MERGE);
      assert.equal(r.json<Obj>().status, undefined);
    });

    it('patches a cluster-scoped object', async () => {
      await server.inject({ method: 'POST', url: G, body: { metadata: { name: 'g1' } } });
      const r = await call('PATCH', `${G}/g1`, { metadata: { labels: { a: 'b' } } }, MERGE);
      assert.equal(r.status, 200);
    });
  });

  describe('/status', () => {
    it('GET returns the object', async () => {
      await create('w1');
      const r = await call('GET', `${W}/w1/status`);
      assert.equal(r.status, 200);
      assert.equal(r.json<Obj>().metadata.name, 'w1');
    });

    it('PUT changes only .status', async () => {
      const w = await create('w1');
      const r = await call('PUT', `${W}/w1/status`, { ...w, spec: { color: 'blue' }, metadata: { ...w.metadata, labels: { x: 'y' } }, status: { replicas: 2 } }, { 'content-type': 'application/json' });
      const o = r.json<Obj>();
      assert.equal(r.status, 200);
      assert.deepEqual(o.status, { replicas: 2 });
      assert.equal(o.spec.color, 'red');
      assert.equal(o.metadata.labels, undefined);
      assert.equal(o.metadata.generation, 1);
    });

    it('PATCH changes only .status', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1/status`, { spec: { color: 'blue' }, status: { replicas: 4 } }, MERGE);
      assert.deepEqual(r.json<Obj>().status, { replicas: 4 });
      assert.equal(r.json<Obj>().spec.color, 'red');
    });

    it('a stale resourceVersion is 409', async () => {
      const w = await create('w1');
      await call('PATCH', `${W}/w1`, { spec: { color: 'blue' } }, MERGE);
      const r = await call('PUT', `${W}/w1/status`, { ...w, status: { replicas: 2 } }, { 'content-type': 'application/json' });
      assert.equal(r.status, 409);
    });

    it('DELETE on /status is 405', async () => {
      await create('w1');
      assert.equal((await call('DELETE', `${W}/w1/status`)).status, 405);
    });

    it('a resource without the status subresource answers 404 on /status', async () => {
      await server.inject({ method: 'POST', url: G, body: { metadata: { name: 'g1' } } });
      assert.equal((await call('GET', `${G}/g1/status`)).status, 404);
    });
  });

  describe('/scale', () => {
    const scale = (o: Obj) => ({ spec: o.spec, status: o.status, kind: o.kind, apiVersion: o.apiVersion });

    it('GET builds an autoscaling/v1 Scale from the scale paths', async () => {
      await create('w1', { spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } } });
      await call('PATCH', `${W}/w1/status`, { status: { replicas: 2 } }, MERGE);
      const r = await call('GET', `${W}/w1/scale`);
      assert.deepEqual(scale(r.json<Obj>()), { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=web' } });
      assert.equal(r.json<Obj>().metadata.name, 'w1');
    });

    it('PUT without a Content-Type sets the replicas', async () => {
      await create('w1');
      const body = JSON.stringify({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'w1', namespace: 'default' }, spec: { replicas: 5 } });
      const r = await server.inject({ method: 'PUT', url: `${W}/w1/scale`, body });
      assert.equal(r.status, 200, r.text());
      assert.equal(r.json<Obj>().spec.replicas, 5);
      const w = (await call('GET', `${W}/w1`)).json<Obj>();
      assert.equal(w.spec.replicas, 5);
      assert.equal(w.metadata.generation, 2);
    });

    it('PUT with a stale resourceVersion is 409', async () => {
      const w = await create('w1');
      await call('PATCH', `${W}/w1`, { spec: { color: 'blue' } }, MERGE);
      const body = { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'w1', resourceVersion: w.metadata.resourceVersion }, spec: { replicas: 5 } };
      assert.equal((await call('PUT', `${W}/w1/scale`, body)).status, 409);
    });

    it('PATCH merge on /scale sets the replicas', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1/scale`, { spec: { replicas: 7 } }, MERGE);
      assert.equal(r.status, 200);
      assert.equal(r.json<Obj>().spec.replicas, 7);
    });

    it('negative replicas are 422 Invalid on Scale', async () => {
      await create('w1');
      const r = await call('PATCH', `${W}/w1/scale`, { spec: { replicas: -1 } }, MERGE);
      assert.equal(r.status, 422);
      assert.equal(r.json<Obj>().details.kind, 'Scale');
    });

    it('a body that is not a Scale is 400', async () => {
      await create('w1');
      assert.equal((await call('PUT', `${W}/w1/scale`, widget('w1'))).status, 400);
    });

    it('GET /scale of a missing object is 404', async () => {
      assert.equal((await call('GET', `${W}/nope/scale`)).status, 404);
    });
  });

  it('status and scale writes bump the resourceVersion', async () => {
    const w = await create('w1');
    const s = await call('PATCH', `${W}/w1/status`, { status: { replicas: 1 } }, MERGE);
    assert.ok(Number(s.json<Obj>().metadata.resourceVersion) > Number(w.metadata.resourceVersion));
    assert.equal(s.json<Obj>().apiVersion, `${TEST_GROUP}/v1`);
  });
});
