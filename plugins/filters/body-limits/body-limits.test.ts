/**
 * Request-size and body-shape limits enforced by the core (core/http/listener.ts: 413 over 3 MiB;
 * core/api/decode.ts: nesting depth and YAML alias limits), checked through the real HTTP listener
 * of a started k8ts and directly on the decoder.
 */
import assert from 'node:assert/strict';
import { decodeBody, jsonDepthExceeds, MAX_NESTING_DEPTH, yamlDepthExceeds } from '../../../core/api/decode';
import { StatusError, type Status } from '../../../core/api/status';
import { httpRequest, useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

function billionLaughs(): string {
  let doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = 'a';
  for (const l of 'bcdefghi') {
    doc += `  ${l}: &${l} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    prev = l;
  }
  return doc;
}

function decodeError(body: string, contentType: string): Status {
  try {
    decodeBody(Buffer.from(body), contentType);
  } catch (err) {
    assert.ok(err instanceof StatusError);
    return err.status;
  }
  assert.fail('the body was accepted');
}

describe('body limits (listener and decoder)', () => {
  const servers = useTestServers();
  const tmp = useTmpDirs();

  describe('through the HTTP listener', () => {
    it('answers 413 RequestEntityTooLarge as a Status for a body over 3 MiB', async () => {
      const { listener } = await servers.start({ dir: tmp.make() });
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'x'.repeat(3 * 1024 * 1024) } });
      const res = await httpRequest(listener.url, CONFIGMAPS, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 413);
      const status = JSON.parse(res.body) as Status;
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'RequestEntityTooLarge');
      assert.equal(status.code, 413);
    });

    it('accepts a body just under 3 MiB', async () => {
      const { listener } = await servers.start({ dir: tmp.make() });
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'almost' }, data: { x: 'x'.repeat(900 * 1024) } });
      const res = await httpRequest(listener.url, CONFIGMAPS, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 201);
    });

    it('answers 400 quickly for a YAML alias bomb', async () => {
      const { listener } = await servers.start({ dir: tmp.make() });
      const t0 = Date.now();
      const res = await httpRequest(listener.url, CONFIGMAPS, { method: 'POST', body: billionLaughs(), headers: { 'content-type': 'application/yaml' } });
      assert.equal(res.status, 400);
      assert.equal((JSON.parse(res.body) as Status).reason, 'BadRequest');
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    });

    it('answers 400 quickly for a deeply nested JSON body of 1 MiB', async () => {
      const { listener } = await servers.start({ dir: tmp.make() });
      const n = 500_000;
      const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${'['.repeat(n)}${']'.repeat(n)}}`;
      const t0 = Date.now();
      const res = await httpRequest(listener.url, CONFIGMAPS, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400);
      assert.equal((JSON.parse(res.body) as Status).reason, 'BadRequest');
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    });

    it('answers 400 quickly for a deeply nested YAML body of 1 MiB', async () => {
      const { listener } = await servers.start({ dir: tmp.make() });
      const n = 500_000;
      const body = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`;
      const t0 = Date.now();
      const res = await httpRequest(listener.url, CONFIGMAPS, { method: 'POST', body, headers: { 'content-type': 'application/yaml' } });
      assert.equal(res.status, 400);
      assert.equal((JSON.parse(res.body) as Status).reason, 'BadRequest');
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    });
  });

  describe('decoder', () => {
    it('refuses JSON nested deeper than MAX_NESTING_DEPTH', () => {
      const d = MAX_NESTING_DEPTH;
      assert.equal(decodeError(`{"a":${'['.repeat(d)}${']'.repeat(d)}}`, 'application/json').reason, 'BadRequest');
    });

    it('accepts JSON nested to just under the limit', () => {
      const d = MAX_NESTING_DEPTH - 1;
      assert.ok(decodeBody(Buffer.from(`{"a":${'['.repeat(d - 1)}${']'.repeat(d - 1)}}`), 'application/json').obj);
    });

    it('ignores brackets inside JSON strings', () => {
      assert.equal(jsonDepthExceeds(JSON.stringify({ s: '['.repeat(1000), t: 'a"\\[' }), 10), false);
    });

    it('refuses block-style YAML nested deeper than the limit', () => {
      let doc = '';
      for (let i = 0; i <= MAX_NESTING_DEPTH; i++) doc += `${' '.repeat(i)}k:\n`;
      assert.equal(decodeError(doc, 'application/yaml').reason, 'BadRequest');
    });

    it('refuses compact YAML sequences nested deeper than the limit', () => {
      assert.equal(yamlDepthExceeds(`a:\n${'- '.repeat(MAX_NESTING_DEPTH + 1)}x\n`, MAX_NESTING_DEPTH), true);
    });

    it('refuses a YAML alias bomb before expanding it', () => {
      const t0 = Date.now();
      assert.equal(decodeError(billionLaughs(), 'application/yaml').reason, 'BadRequest');
      assert.ok(Date.now() - t0 < 500);
    });

    it('does not count brackets in YAML scalars and block scalars', () => {
      const doc = `a:\n  re: x[[[[[[\n  script: |\n    ${'{'.repeat(500)}\n  q: "[[[["\n  b:\n  - - c: [1, {d: 2}]\n`;
      assert.equal(yamlDepthExceeds(doc, 10), false);
      assert.deepEqual((decodeBody(Buffer.from(doc), 'application/yaml').obj.a as { b: unknown }).b, [[{ c: [1, { d: 2 }] }]]);
    });
  });
});
