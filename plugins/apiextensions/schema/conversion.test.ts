import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Client } from '../../../core/client/types';
import { createCa, issueCertificate, type KeyPairPem } from '../../../core/http/pki';
import type { KObject } from '../../../core/registry/types';
import { convertObjects, endpointsResolver, type CustomResourceDefinition } from '.';

type Obj = Record<string, any>;
type Mode = 'ok' | 'wrong-uid' | 'failure' | 'wrong-count' | 'hang' | 'rename';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const widget = (name: string, apiVersion = 'example.com/v1', spec: Obj = { size: 3 }): KObject => ({ apiVersion, kind: 'Widget', metadata: { name, namespace: 'default', uid: `u-${name}`, labels: { a: 'b' } }, spec });

function crd(clientConfig: Obj, strategy = 'Webhook'): CustomResourceDefinition {
  return {
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [
        { name: 'v1', served: true, storage: true },
        { name: 'v2', served: true, storage: false },
      ],
      conversion: strategy === 'Webhook' ? { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } } : { strategy: 'None' },
    },
  } as CustomResourceDefinition;
}

/** A conversion webhook: v1 {size} <-> v2 {replicas}; `mode` picks a misbehaviour. */
class Webhook {
  server!: https.Server;
  mode: Mode = 'ok';
  requests: Obj[] = [];
  async start(pair: KeyPairPem): Promise<number> {
    this.server = https.createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString());
        this.requests.push(review);
        if (this.mode === 'hang') return;
        const { uid, desiredAPIVersion, objects } = review.request;
        const converted = objects.map((o: Obj) => {
          const { size, replicas, ...rest } = o.spec;
          const spec = desiredAPIVersion.endsWith('/v2') ? { ...rest, replicas: size } : { ...rest, size: replicas };
          const metadata = this.mode === 'rename' ? { ...o.metadata, name: 'renamed', labels: { converted: 'yes' } } : o.metadata;
          return { ...o, apiVersion: desiredAPIVersion, metadata, spec };
        });
        const response: Obj = { uid: this.mode === 'wrong-uid' ? 'not-the-uid' : uid, result: { status: 'Success' }, convertedObjects: converted };
        if (this.mode === 'failure') response.result = { status: 'Failure', message: 'cannot convert' };
        if (this.mode === 'wrong-count') response.convertedObjects = converted.slice(1);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response }));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function rejection(p: Promise<unknown>): Promise<{ code: number; reason: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; reason: string };
  }
  assert.fail('expected a Status error');
}

describe('apiextensions/schema: conversion', function () {
  this.timeout(30_000);
  let ca: KeyPairPem;
  let otherCa: KeyPairPem;
  let hook: Webhook;
  let url: string;

  before(async () => {
    ca = await createCa('conversion-test-ca');
    otherCa = await createCa('someone-else');
    const pair = await issueCertificate(ca, { commonName: 'conv', serverAuth: true, ips: ['127.0.0.1'], dnsNames: ['conv.webhooks.svc'] });
    hook = new Webhook();
    url = `https://127.0.0.1:${await hook.start(pair)}/convert`;
  });
  after(() => hook.stop());
  beforeEach(() => {
    hook.mode = 'ok';
    hook.requests = [];
  });

  it('strategy None rewrites apiVersion only', async () => {
    const [out] = await convertObjects(crd({}, 'None'), [widget('a')], 'example.com/v2');
    assert.equal(out.apiVersion, 'example.com/v2');
    assert.deepEqual(out.spec, { size: 3 });
  });

  it('posts a ConversionReview v1 to the webhook URL, verifying caBundle, and returns the converted objects', async () => {
    const out = await convertObjects(crd({ url, caBundle: b64(ca.cert) }), [widget('a'), widget('b')], 'example.com/v2');
    assert.deepEqual(out.map((o) => [o.apiVersion, o.metadata.name, (o.spec as Obj).replicas]), [
      ['example.com/v2', 'a', 3],
      ['example.com/v2', 'b', 3],
    ]);
    assert.equal(hook.requests[0].apiVersion, 'apiextensions.k8s.io/v1');
    assert.equal(hook.requests[0].request.desiredAPIVersion, 'example.com/v2');
  });

  it('speaks ConversionReview v1beta1 to a webhook that accepts only that', async () => {
    const c = crd({ url, caBundle: b64(ca.cert) });
    c.spec.conversion!.webhook!.conversionReviewVersions = ['v1beta1'];
    await convertObjects(c, [widget('a')], 'example.com/v2');
    assert.equal(hook.requests[0].apiVersion, 'apiextensions.k8s.io/v1beta1');
  });

  it('sends only the objects not already at the wanted version, keeping the order', async () => {
    const out = await convertObjects(crd({ url, caBundle: b64(ca.cert) }), [widget('a', 'example.com/v2', { replicas: 1 }), widget('b')], 'example.com/v2');
    assert.equal(hook.requests.length, 1);
    assert.deepEqual(hook.requests[0].request.objects.map((o: Obj) => o.metadata.name), ['b']);
    assert.deepEqual(out.map((o) => o.metadata.name), ['a', 'b']);
  });

  it('makes no call when every object is already at the wanted version', async () => {
    await convertObjects(crd({ url, caBundle: b64(ca.cert) }), [widget('a', 'example.com/v2')], 'example.com/v2');
    assert.equal(hook.requests.length, 0);
  });

  it('keeps only label and annotation changes the webhook made to metadata', async () => {
    hook.mode = 'rename';
    const [out] = await convertObjects(crd({ url, caBundle: b64(ca.cert) }), [widget('a')], 'example.com/v2');
    assert.equal(out.metadata.name, 'a');
    assert.deepEqual(out.metadata.labels, { converted: 'yes' });
  });

  it('answers 503 ServiceUnavailable when the webhook is down', async () => {
    const down = new Webhook();
    const port = await down.start(await issueCertificate(ca, { commonName: 'x', serverAuth: true, ips: ['127.0.0.1'] }));
    await down.stop();
    const err = await rejection(convertObjects(crd({ url: `https://127.0.0.1:${port}/`, caBundle: b64(ca.cert) }), [widget('a')], 'example.com/v2'));
    assert.equal(err.code, 503);
    assert.equal(err.reason, 'ServiceUnavailable');
  });

  it('answers 503 when the webhook certificate is not signed by caBundle', async () => {
    const err = await rejection(convertObjects(crd({ url, caBundle: b64(otherCa.cert) }), [widget('a')], 'example.com/v2'));
    assert.equal(err.reason, 'ServiceUnavailable');
    assert.equal(hook.requests.length, 0);
  });

  it('answers 503 when the webhook does not answer in time', async () => {
    hook.mode = 'hang';
    const err = await rejection(convertObjects(crd({ url, caBundle: b64(ca.cert) }), [widget('a')], 'example.com/v2', { timeoutMs: 300 }));
    assert.equal(err.reason, 'ServiceUnavailable');
  });

  for (const mode of ['wrong-uid', 'failure', 'wrong-count'] as const) {
    it(`answers 500 InternalError for a response with ${mode}`, async () => {
      hook.mode = mode;
      const err = await rejection(convertObjects(crd({ url, caBundle: b64(ca.cert) }), [widget('a'), widget('b')], 'example.com/v2'));
      assert.equal(err.code, 500);
      assert.equal(err.reason, 'InternalError');
    });
  }

  describe('a webhook behind a Service (its certificate names only conv.webhooks.svc)', () => {
    const named = new Webhook();
    let namedPort = 0;
    before(async () => {
      namedPort = await named.start(await issueCertificate(ca, { commonName: 'conv', serverAuth: true, dnsNames: ['conv.webhooks.svc'] }));
    });
    after(() => named.stop());
    const port = () => namedPort;
    const fakeClient = (withEndpoints: boolean) =>
      ({
        async get(gvr: { resource: string }, ref: { name: string }) {
          if (ref.name !== 'conv') throw Object.assign(new Error('not found'), { code: 404 });
          if (gvr.resource === 'services') return { metadata: { name: 'conv' }, spec: { ports: [{ name: 'https', port: 443, targetPort: port() }] } };
          if (!withEndpoints) throw Object.assign(new Error('not found'), { code: 404 });
          return { metadata: { name: 'conv' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: port() }] }] };
        },
      }) as unknown as Client;
    const service = { namespace: 'webhooks', name: 'conv', path: '/convert', port: 443 };

    it('reaches the Endpoints address and verifies the certificate for <name>.<namespace>.svc', async () => {
      const [out] = await convertObjects(crd({ service, caBundle: b64(ca.cert) }), [widget('a')], 'example.com/v2', { resolveService: endpointsResolver(fakeClient(true)) });
      assert.equal(out.apiVersion, 'example.com/v2');
    });

    it('answers 503 when the Service has no endpoints', async () => {
      const err = await rejection(convertObjects(crd({ service, caBundle: b64(ca.cert) }), [widget('a')], 'example.com/v2', { resolveService: endpointsResolver(fakeClient(false)) }));
      assert.equal(err.reason, 'ServiceUnavailable');
    });
  });
});
