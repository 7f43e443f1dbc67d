import assert from 'node:assert/strict';
import { statusError } from '../api/status';
import type { InjectResponse } from '../pipeline/types';
import type { Server } from '../server/server';
import { getApiHooks, getResourceRegistry } from './registry';
import { startTestServer } from './testing';
import { ALL_TEST_RESOURCES, G, NAMESPACES, TEST_GROUP, W, widget } from './test-resources';

type Obj = Record<string, any>;

describe('registry: create', () => {
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

  describe('create', () => {
    it('answers 201 with uid, creationTimestamp, generation 1 and a resourceVersion', async () => {
      const w = await create('w1');
      assert.match(w.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(w.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(w.metadata.generation, 1);
      assert.match(w.metadata.resourceVersion, /^\d+$/);
      assert.equal(w.apiVersion, `${TEST_GROUP}/v1`);
      assert.equal(w.kind, 'Widget');
    });

    it('takes the namespace from the URL when the body has none', async () => {
      assert.equal((await create('w1')).metadata.namespace, 'default');
    });

    it('a namespace mismatch with the URL is 400 BadRequest', async () => {
      const r = await call('POST', W, widget('w1', { metadata: { namespace: 'other' } }));
      assert.equal(r.status, 400);
      assert.equal(r.json<Obj>().reason, 'BadRequest');
    });

    it('clears the namespace of cluster-scoped objects', async () => {
      const r = await call('POST', G, { apiVersion: `${TEST_GROUP}/v1`, kind: 'Gadget', metadata: { name: 'g1', namespace: 'x' } });
      assert.equal(r.status, 201);
      assert.equal(r.json<Obj>().metadata.namespace, undefined);
    });

    it('a duplicate name is 409 AlreadyExists with the resource in details.kind', async () => {
      await create('w1');
      const r = await call('POST', W, widget('w1'));
      const s = r.json<Obj>();
      assert.equal(r.status, 409);
      assert.equal(s.reason, 'AlreadyExists');
      assert.equal(s.message, `widgets.${TEST_GROUP} "w1" already exists`);
      assert.deepEqual(s.details, { name: 'w1', group: TEST_GROUP, kind: 'widgets' });
    });

    it('generateName appends five characters from the Kubernetes alphabet', async () => {
      const r = await call('POST', W, widget('', { metadata: { name: undefined, generateName: 'w-' } }));
      assert.equal(r.status, 201);
      assert.match(r.json<Obj>().metadata.name, /^w-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    });

    it('every metadata error is reported at once in a 422 Invalid with the Kind', async () => {
      const r = await call('POST', W, widget('Bad_Name', { metadata: { labels: { 'a b': 'c', ok: '-x-' } } }));
      const s = r.json<Obj>();
      assert.equal(r.status, 422);
      assert.equal(s.reason, 'Invalid');
      assert.equal(s.details.kind, 'Widget');
      assert.equal(s.details.name, 'Bad_Name');
      assert.deepEqual(s.details.causes.map((c: Obj) => c.field).sort(), ['metadata.labels', 'metadata.labels', 'metadata.name']);
      assert.ok(s.details.causes.every((c: Obj) => c.reason === 'FieldValueInvalid'));
    });

    it('a missing name is 422 FieldValueRequired', async () => {
      const r = await call('POST', W, { apiVersion: `${TEST_GROUP}/v1`, kind: 'Widget', metadata: {} });
      assert.equal(r.status, 422);
      assert.equal(r.json<Obj>().details.causes[0].reason, 'FieldValueRequired');
    });

    it('the wrong apiVersion for the URL is 400', async () => {
      const r = await call('POST', W, { ...widget('w1'), apiVersion: 'v1' });
      assert.equal(r.status, 400);
    });

    it('the wrong kind for the URL is 400', async () => {
      const r = await call('POST', W, { ...widget('w1'), kind: 'Pod' });
      assert.equal(r.status, 400);
    });

    it('a malformed body is 400 BadRequest', async () => {
      const r = await call('POST', W, '{"metadata":', { 'content-type': 'application/json' });
      assert.equal(r.status, 400);
      assert.equal(r.json<Obj>().reason, 'BadRequest');
    });

    it('an unknown body media type is 415', async () => {
      const r = await call('POST', W, 'x', { 'content-type': 'text/plain' });
      assert.equal(r.status, 415);
      assert.equal(r.json<Obj>().reason, 'UnsupportedMediaType');
    });

    it('a YAML body is accepted', async () => {
      const body = `apiVersion: ${TEST_GROUP}/v1\nkind: Widget\nmetadata:\n  name: y1\nspec:\n  color: green\n`;
      const r = await call('POST', W, body, { 'content-type': 'application/yaml' });
      assert.equal(r.status, 201);
      assert.equal(r.json<Obj>().spec.color, 'green');
    });

    it('a body without apiVersion and kind takes them from the URL', async () => {
      const r = await call('POST', W, { metadata: { name: 'w1' }, spec: {} });
      assert.equal(r.status, 201);
      assert.equal(r.json<Obj>().kind, 'Widget');
    });

    it('server-owned fields in the body are replaced', async () => {
      const w = await create('w1', { metadata: { uid: 'mine', resourceVersion: '999', creationTimestamp: '2000-01-01T00:00:00Z', generation: 7 } });
      assert.notEqual(w.metadata.uid, 'mine');
      assert.notEqual(w.metadata.resourceVersion, '999');
      assert.notEqual(w.metadata.creationTimestamp, '2000-01-01T00:00:00Z');
      assert.equal(w.metadata.generation, 1);
    });

    it('drops .status on create when the resource has a status subresource', async () => {
      const w = await create('w1', { status: { replicas: 5 } });
      assert.equal(w.status, undefined);
    });

    it('accepts "creationTimestamp": null and "status": {} from kubectl', async () => {
      const r = await call('POST', W, widget('w1', { metadata: { creationTimestamp: null }, status: {} }));
      assert.equal(r.status, 201);
    });

    it('dryRun=All answers the would-be object and persists nothing', async () => {
      const r = await call('POST', `${W}?dryRun=All`, widget('w1'));
      assert.equal(r.status, 201);
      assert.equal(r.json<Obj>().metadata.resourceVersion, undefined);
      assert.equal((await call('GET', `${W}/w1`)).status, 404);
      assert.equal(await server.storage.currentRevision(), 0);
    });

    it('an unsupported dryRun value is 400', async () => {
      assert.equal((await call('POST', `${W}?dryRun=Some`, widget('w1'))).status, 400);
    });

    it('a body in another served version is converted', async () => {
      const things = `/apis/${TEST_GROUP}/v2/namespaces/default/things`;
      const r = await call('POST', things, { apiVersion: `${TEST_GROUP}/v2`, kind: 'Thing', metadata: { name: 't1' }, spec: { sizeInBytes: 5 } });
      assert.equal(r.status, 201);
      assert.deepEqual(r.json<Obj>().spec, { sizeInBytes: 5 });
      const v1 = await call('GET', `/apis/${TEST_GROUP}/v1/namespaces/default/things/t1`);
      assert.deepEqual(v1.json<Obj>().spec, { size: 5 });
      assert.equal(v1.json<Obj>().apiVersion, `${TEST_GROUP}/v1`);
    });

    it('POST to a named URL is 405 MethodNotAllowed', async () => {
      const r = await call('POST', `${W}/w1`, widget('w1'));
      assert.equal(r.status, 405);
      assert.equal(r.json<Obj>().reason, 'MethodNotAllowed');
    });

    it('a verb the definition does not list is 405', async () => {
      const r = await call('POST', `/apis/${TEST_GROUP}/v1/namespaces/default/relics`, { metadata: { name: 'r1' } });
      assert.equal(r.status, 405);
    });

    it('fieldValidation=Strict turns an unknown field into 400 strict decoding error', async () => {
      getApiHooks(server).decode.tap('Test', (obj, info) => {
        if ((obj.spec as Obj | undefined)?.bogus !== undefined) info.unknownFields.push('spec.bogus');
      });
      const r = await call('POST', `${W}?fieldValidation=Strict`, widget('w1', { spec: { bogus: 1 } }));
      assert.equal(r.status, 400);
      assert.match(r.json<Obj>().message, /strict decoding error: unknown field "spec.bogus"/);
    });

    it('fieldValidation=Warn answers a Warning header', async () => {
      getApiHooks(server).decode.tap('Test', (_obj, info) => void info.unknownFields.push('spec.bogus'));
      const r = await call('POST', `${W}?fieldValidation=Warn`, widget('w1'));
      assert.equal(r.status, 201);
      assert.deepEqual(r.headers.warning, ['299 - "unknown field \\"spec.bogus\\""']);
    });

    it('fieldValidation=Strict rejects a duplicate JSON field', async () => {
      const body = `{"apiVersion":"${TEST_GROUP}/v1","kind":"Widget","metadata":{"name":"w1","name":"w2"}}`;
      const r = await call('POST', `${W}?fieldValidation=Strict`, body, { 'content-type': 'application/json' });
      assert.equal(r.status, 400);
      assert.match(r.json<Obj>().message, /duplicate field "metadata.name"/);
    });

    it('runs defaults, mutating admission, prepareForCreate, validate, validating admission in order', async () => {
      const order: string[] = [];
      const widgets = getResourceRegistry(server).get(TEST_GROUP, 'widgets')!;
      widgets.hooks.defaults.tap('T', () => void order.push('defaults'));
      widgets.hooks.prepareForCreate.tap('T', () => void order.push('prepareForCreate'));
      widgets.hooks.validate.tap('T', () => void order.push('validate'));
      getApiHooks(server).mutatingAdmission.tapPromise('T', async (a) => {
        order.push('mutating');
        (a.object!.metadata.labels ??= {}).mutated = 'yes';
      });
      getApiHooks(server).validatingAdmission.tapPromise('T', async () => void order.push('validating'));
      const w = await create('w1');
      assert.deepEqual(order.slice(0, 5), ['defaults', 'mutating', 'prepareForCreate', 'validate', 'validating']);
      assert.equal(w.metadata.labels.mutated, 'yes');
    });

    it('a validating admission denial is the Status it throws', async () => {
      getApiHooks(server).validatingAdmission.tapPromise('T', async () => {
        throw statusError('Forbidden', 'no widgets today');
      });
      const r = await call('POST', W, widget('w1'));
      assert.equal(r.status, 403);
      assert.equal(r.json<Obj>().reason, 'Forbidden');
    });

    it('a validate hook error is 422 with the field', async () => {
      getResourceRegistry(server).get(TEST_GROUP, 'widgets')!.hooks.validate.tap('T', (obj, errs) => {
        if (((obj.spec as Obj).replicas as number) < 0) errs.push({ type: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1: must be >= 0' });
      });
      const r = await call('POST', W, widget('w1', { spec: { replicas: -1 } }));
      assert.equal(r.status, 422);
      assert.equal(r.json<Obj>().details.causes[0].field, 'spec.replicas');
    });
  });

  describe('namespaces', () => {
    beforeEach(async () => {
      await server.stop();
      server = await startTestServer({ resources: [...ALL_TEST_RESOURCES, NAMESPACES] });
    });

    it('create in a missing namespace is 404 namespaces "x" not found', async () => {
      const r = await call('POST', W, widget('w1'));
      assert.equal(r.status, 404);
      assert.equal(r.json<Obj>().message, 'namespaces "default" not found');
    });

    it('create in an existing namespace works', async () => {
      assert.equal((await call('POST', '/api/v1/namespaces', { metadata: { name: 'default' } })).status, 201);
      assert.equal((await call('POST', W, widget('w1'))).status, 201);
    });

    it('create in a terminating namespace is 403 Forbidden', async () => {
      await call('POST', '/api/v1/namespaces', { metadata: { name: 'default', finalizers: ['test.k8ts.dev/hold'] } });
      await call('DELETE', '/api/v1/namespaces/default');
      const r = await call('POST', W, widget('w1'));
      assert.equal(r.status, 403);
      assert.equal(r.json<Obj>().details.causes[0].reason, 'NamespaceTerminating');
    });

    it('a namespace is served at /api/v1/namespaces/<name>', async () => {
      await call('POST', '/api/v1/namespaces', { metadata: { name: 'demo' } });
      const r = await call('GET', '/api/v1/namespaces/demo');
      assert.equal(r.status, 200);
      assert.equal(r.json<Obj>().metadata.name, 'demo');
      assert.equal(r.json<Obj>().metadata.generation, undefined);
    });
  });
});
