import assert from 'node:assert/strict';
import http from 'node:http';
import { listen, type HttpListener } from '../http/listener';
import type { Server } from '../server/server';
import { startTestServer } from './testing';
import { ALL_TEST_RESOURCES, TEST_GROUP, W, widget, WIDGETS } from './test-resources';
import type { ResourceDefinition } from './types';

type Obj = Record<string, any>;

function request(url: string, opts: http.RequestOptions & { body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, opts, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A resource with a custom subresource served by the "plugin" itself. */
const GIZMOS: ResourceDefinition = {
  ...WIDGETS,
  names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo' },
  subresources: {
    custom: [
      {
        name: 'poke',
        verbs: ['create'],
        kind: 'Poke',
        handle: async (ctx, target) => ({ status: 201, body: { poked: target.name, namespace: target.namespace, method: ctx.method } }),
      },
    ],
  },
};

describe('registry: over HTTP, custom subresources, storage failures', () => {
  let server: Server;
  let listener: HttpListener;

  beforeEach(async () => {
    server = await startTestServer({ resources: [...ALL_TEST_RESOURCES, GIZMOS] });
    listener = await listen(server, { host: '127.0.0.1', port: 0, maxBodyBytes: 64 * 1024 });
    server.addListener(listener);
  });
  afterEach(() => server.stop(1000));

  it('create and get over HTTP answer application/json', async () => {
    const c = await request(`${listener.url}${W}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(widget('w1')) });
    assert.equal(c.status, 201);
    const g = await request(`${listener.url}${W}/w1`);
    assert.equal(g.status, 200);
    assert.equal(g.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(g.body).metadata.name, 'w1');
  });

  it('a body over the limit is the listener\'s 413 RequestEntityTooLarge Status', async () => {
    const big = JSON.stringify(widget('w1', { metadata: { annotations: { a: 'x'.repeat(100 * 1024) } } }));
    const r = await request(`${listener.url}${W}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.body).reason, 'RequestEntityTooLarge');
  });

  it('a watch over HTTP is chunked and flushes each event as it happens', async () => {
    const lines: Obj[] = [];
    let res!: http.IncomingMessage;
    const req = http.get(`${listener.url}${W}?watch=true`);
    await new Promise<void>((resolve) => req.on('response', (r) => ((res = r), resolve())));
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    let buf = '';
    const got = new Promise<void>((resolve) =>
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          lines.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
        if (lines.length >= 1) resolve();
      }),
    );
    await server.inject({ method: 'POST', url: W, body: widget('w1') });
    await got;
    req.destroy();
    assert.equal(lines[0].type, 'ADDED');
  });

  it('a watch with timeoutSeconds ends with the zero-length chunk', async () => {
    const r = await request(`${listener.url}${W}?watch=true&timeoutSeconds=1`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
  });

  it('dispatches a custom subresource to its handler with the parent object', async () => {
    const r = await server.inject({ method: 'POST', url: `/apis/${TEST_GROUP}/v1/namespaces/default/gizmos/g1/poke`, body: {} });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), { poked: 'g1', namespace: 'default', method: 'POST' });
  });

  it('a verb a custom subresource does not serve is 405', async () => {
    const r = await server.inject({ method: 'GET', url: `/apis/${TEST_GROUP}/v1/namespaces/default/gizmos/g1/poke` });
    assert.equal(r.status, 405);
  });

  it('records managedFields for a create with fieldManager', async () => {
    const r = await server.inject({ method: 'POST', url: `${W}?fieldManager=kubectl-create`, body: widget('w1') });
    const mf = r.json<Obj>().metadata.managedFields;
    assert.ok(Array.isArray(mf), r.text());
    assert.equal(mf[0].manager, 'kubectl-create');
    assert.equal(mf[0].operation, 'Update');
  });

  it('storage that went away answers 503 ServiceUnavailable, not 500', async () => {
    await server.inject({ method: 'POST', url: W, body: widget('w1') });
    await server.storage.close();
    const r = await server.inject({ method: 'GET', url: `${W}/w1` });
    assert.equal(r.status, 503);
    assert.equal(r.json<Obj>().reason, 'ServiceUnavailable');
    const c = await server.inject({ method: 'POST', url: W, body: widget('w2') });
    assert.equal(c.status, 503);
  });
});
