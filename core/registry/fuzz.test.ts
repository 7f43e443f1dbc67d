import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InjectResponse } from '../pipeline/types';
import type { Server } from '../server/server';
import { startTestServer } from './testing';
import { ALL_TEST_RESOURCES, NAMESPACES, TEST_GROUP, W, widget } from './test-resources';

type Obj = Record<string, any>;

/** A well-formed metav1.Status whose code is the HTTP status. */
function assertStatus(r: InjectResponse, what: string): void {
  let s: Obj;
  try {
    s = r.json<Obj>();
  } catch {
    assert.fail(`${what}: ${r.status} with a body that is not JSON: ${r.text().slice(0, 200)}`);
  }
  assert.equal(s.kind, 'Status', `${what}: ${r.text().slice(0, 300)}`);
  assert.equal(s.apiVersion, 'v1');
  assert.equal(s.status, 'Failure');
  assert.equal(s.code, r.status, `${what}: code ${s.code} vs HTTP ${r.status}`);
  assert.equal(typeof s.reason, 'string', what);
  assert.equal(typeof s.message, 'string', what);
  assert.equal(typeof s.metadata, 'object', what);
}

function assert4xx(r: InjectResponse, what: string): void {
  assert.ok(r.status >= 400 && r.status < 500, `${what}: expected 4xx, got ${r.status}: ${r.text().slice(0, 300)}`);
  assertStatus(r, what);
}

/** Below 500, except kube-apiserver's 504 Timeout for a resourceVersion newer than the server's. */
function assertNo5xx(r: InjectResponse, what: string): void {
  const tooNew = r.status === 504 && /Too large resource version/.test(r.text());
  assert.ok(r.status < 500 || tooNew, `${what}: got ${r.status}: ${r.text().slice(0, 300)}`);
  if (r.status >= 400) assertStatus(r, what);
}

const CONTENT_TYPES = [
  'application/json',
  'application/yaml',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
  'application/json; charset=utf-8',
  '',
];

const SEGMENTS = [
  'api', 'apis', 'v1', 'v2', 'v9', TEST_GROUP, 'apps', 'namespaces', 'default', 'widgets', 'gadgets', 'relics', 'things', 'w1',
  'status', 'scale', 'watch', 'log', 'exec', '..', '.', '%2F', 'x'.repeat(300), '', 'UPPER', 'a:b', '🙂',
];

const QUERY_KEYS = [
  'labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds',
  'dryRun', 'fieldValidation', 'fieldManager', 'force', 'propagationPolicy', 'gracePeriodSeconds', 'includeObject',
  'sendInitialEvents', 'allowWatchBookmarks', 'orphanDependents', 'preconditions.uid',
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

describe('registry: fuzz (malformed bodies, paths and queries never get a 500)', function () {
  this.timeout(120_000);
  let server: Server;

  before(async () => {
    server = await startTestServer({ resources: [...ALL_TEST_RESOURCES, NAMESPACES], plugin: { watchCache: { resourceVersionWaitSeconds: 0.01 } } });
    await server.inject({ method: 'POST', url: '/api/v1/namespaces', body: { metadata: { name: 'default' } } });
  });
  after(() => server.stop());

  const inject = (method: string, url: string, body?: Buffer | string, headers?: Record<string, string>) =>
    server.inject({ method, url, body, headers, signal: AbortSignal.timeout(300) });

  it('random bytes as the body of a write are a 4xx Status', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PUT', 'PATCH'),
        fc.constantFrom(W, `${W}/w1`, `${W}/w1/status`, `${W}/w1/scale`),
        fc.constantFrom(...CONTENT_TYPES),
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)), fc.json()),
        async (method, url, contentType, body) => {
          const headers = contentType ? { 'content-type': contentType } : undefined;
          const r = await inject(method, url, typeof body === 'string' ? body : Buffer.from(body), headers);
          assert4xx(r, `${method} ${url} ${contentType} ${JSON.stringify(String(body)).slice(0, 80)}`);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('random paths under /api and /apis never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        fc.array(fc.oneof(fc.constantFrom(...SEGMENTS), fc.stringMatching(/^[a-z0-9.%-]{0,12}$/)), { minLength: 1, maxLength: 7 }),
        async (method, segments) => {
          const url = `/${segments.join('/')}`;
          const r = await inject(method, url.startsWith('/api') ? url : `/apis${url}`);
          assertNo5xx(r, `${method} ${url}`);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('random query parameters on real endpoints never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'DELETE', 'POST', 'PATCH'),
        fc.constantFrom(W, `${W}/w1`, `/apis/${TEST_GROUP}/v1/widgets`, `/apis/${TEST_GROUP}/v1/gadgets`),
        fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constantFrom('All', 'Exact', '0', '-1', 'true', 'a in (b', 'metadata.name=x'))), { maxLength: 4 }),
        async (method, path, params) => {
          const q = new URLSearchParams(params).toString();
          const body = method === 'POST' ? JSON.stringify(widget('fz')) : method === 'PATCH' ? '{}' : undefined;
          const headers = method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : body ? { 'content-type': 'application/json' } : undefined;
          const r = await inject(method, `${path}?${q}`, body, headers);
          assertNo5xx(r, `${method} ${path}?${q}`);
          if (r.status < 300 && method !== 'GET') await inject('DELETE', `${W}/fz`);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('objects with mistyped or invalid metadata are 201 or a 4xx Status, never 5xx', async () => {
    const junk = fc.oneof(fc.anything({ maxDepth: 2 }), fc.string(), fc.integer(), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            name: fc.oneof(fc.constantFrom('ok-name', 'Bad_Name', '', 'a'.repeat(300), '..'), junk),
            generateName: junk,
            namespace: fc.oneof(fc.constantFrom('default', 'other'), junk),
            labels: junk,
            annotations: junk,
            finalizers: junk,
            ownerReferences: junk,
            uid: junk,
            resourceVersion: junk,
            creationTimestamp: junk,
          },
          { requiredKeys: [] },
        ),
        fc.oneof(junk, fc.record({ replicas: junk, color: junk, selector: junk })),
        fc.option(junk),
        async (metadata, spec, status) => {
          const body = JSON.stringify({ apiVersion: `${TEST_GROUP}/v1`, kind: 'Widget', metadata, spec, ...(status === null ? {} : { status }) });
          const r = await inject('POST', W, body, { 'content-type': 'application/json' });
          assertNo5xx(r, `POST ${body.slice(0, 200)}`);
          if (r.status === 201) {
            const name = r.json<Obj>().metadata.name as string;
            const d = await inject('DELETE', `${W}/${encodeURIComponent(name)}`);
            assertNo5xx(d, `DELETE ${name}`);
            if (d.status === 200 && d.json<Obj>().metadata.finalizers) {
              const p = await inject('PATCH', `${W}/${encodeURIComponent(name)}`, '{"metadata":{"finalizers":null}}', { 'content-type': 'application/merge-patch+json' });
              assertNo5xx(p, `PATCH ${name}`);
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
