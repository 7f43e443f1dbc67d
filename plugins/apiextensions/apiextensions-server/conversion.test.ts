import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gvr, inProcessClient, type Client } from '../../../core/client';
import { createCa, issueCertificate } from '../../../core/http/pki';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { startCluster } from '../../controllers/shared/test-cluster';
import type { CustomResourceDefinition } from '../schema';
import { createAndServe } from './testing';

type Obj = Record<string, any>;
const V1 = gvr('conv.example.com/v1', 'gizmos');
const V2 = gvr('conv.example.com/v2', 'gizmos');

/** A conversion webhook on 127.0.0.1: v1 spec.size <-> v2 spec.replicas. */
function webhook(pair: { cert: string; key: string }): Promise<https.Server> {
  const server = https.createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { uid, desiredAPIVersion, objects } = JSON.parse(Buffer.concat(chunks).toString()).request;
      const convertedObjects = objects.map((o: Obj) => {
        const { size, replicas, ...rest } = o.spec ?? {};
        const spec = desiredAPIVersion.endsWith('/v2') ? { ...rest, replicas: size } : { ...rest, size: replicas };
        return { ...o, apiVersion: desiredAPIVersion, spec };
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid, result: { status: 'Success' }, convertedObjects } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function gizmos(url: string, caBundle: string): CustomResourceDefinition {
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gizmos.conv.example.com' },
    spec: {
      group: 'conv.example.com',
      scope: 'Namespaced',
      names: { plural: 'gizmos', kind: 'Gizmo' },
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: open } },
        { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: open } },
      ],
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url, caBundle } } },
    },
  };
}

describe('apiextensions/APIExtensionServer: conversion webhooks', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let server: Server;
  let client: Client;
  let hook: https.Server;

  before(async () => {
    const ca = await createCa('conversion-test-ca');
    hook = await webhook(await issueCertificate(ca, { commonName: '127.0.0.1', ips: ['127.0.0.1'], serverAuth: true }));
    const url = `https://127.0.0.1:${(hook.address() as AddressInfo).port}/convert`;
    cluster = await startCluster();
    server = cluster.server;
    client = inProcessClient(server);
    await createAndServe(client, gizmos(url, Buffer.from(ca.cert).toString('base64')), V1);
  });
  after(async () => {
    await cluster?.close();
    hook?.closeAllConnections();
    await new Promise((r) => hook?.close(r));
  });

  const gizmo = (name: string, apiVersion: string, spec: Obj): KObject => ({ apiVersion, kind: 'Gizmo', metadata: { name, namespace: 'default' }, spec });

  it('stores an object written in v2 in the storage version v1 (converted by the webhook)', async () => {
    const created = await client.create<KObject>(V2, gizmo('w2', 'conv.example.com/v2', { replicas: 4 }), { namespace: 'default' });
    assert.deepEqual([created.apiVersion, created.spec], ['conv.example.com/v2', { replicas: 4 }]);
    const asV1 = await client.get<KObject>(V1, { namespace: 'default', name: 'w2' });
    assert.deepEqual([asV1.apiVersion, asV1.spec], ['conv.example.com/v1', { size: 4 }]);
  });

  it('reads objects and lists in v2 through the webhook', async () => {
    await client.create(V1, gizmo('r1', 'conv.example.com/v1', { size: 2 }), { namespace: 'default' });
    const one = await client.get<KObject>(V2, { namespace: 'default', name: 'r1' });
    assert.deepEqual(one.spec, { replicas: 2 });
    const list = await client.list<KObject>(V2, { namespace: 'default' });
    assert.equal(list.apiVersion, 'conv.example.com/v2');
    assert.ok(list.items.every((i) => i.apiVersion === 'conv.example.com/v2' && (i.spec as Obj).size === undefined));
  });

  it('applies a merge patch in v2 to the converted object', async () => {
    await client.create(V1, gizmo('p1', 'conv.example.com/v1', { size: 1, color: 'red' }), { namespace: 'default' });
    const patched = await client.patch<KObject>(V2, { namespace: 'default', name: 'p1' }, 'merge', { spec: { replicas: 6 } });
    assert.deepEqual(patched.spec, { replicas: 6, color: 'red' });
    assert.deepEqual((await client.get<KObject>(V1, { namespace: 'default', name: 'p1' })).spec, { size: 6, color: 'red' });
  });

  it('converts watch events to v2', async () => {
    const list = await client.list(V2, { namespace: 'default' });
    const ac = new AbortController();
    const stream = client.watch<KObject>(V2, { namespace: 'default', resourceVersion: list.metadata.resourceVersion, signal: ac.signal });
    const pending = (async () => {
      for await (const ev of stream) if (ev.object.metadata?.name === 'watched') return ev;
      return undefined;
    })();
    await client.create(V1, gizmo('watched', 'conv.example.com/v1', { size: 9 }), { namespace: 'default' });
    const ev = await pending;
    stream.close();
    assert.deepEqual([ev?.type, ev?.object.apiVersion, ev?.object.spec], ['ADDED', 'conv.example.com/v2', { replicas: 9 }]);
  });

  it('answers 503 ServiceUnavailable to reads in v2 when the webhook is down', async () => {
    await client.create(V1, gizmo('down', 'conv.example.com/v1', { size: 1 }), { namespace: 'default' });
    hook.closeAllConnections();
    await new Promise((r) => hook.close(r));
    const res = await server.inject({ method: 'GET', url: '/apis/conv.example.com/v2/namespaces/default/gizmos/down' });
    assert.equal(res.status, 503);
    assert.equal(res.json<{ reason: string }>().reason, 'ServiceUnavailable');
    const v1 = await server.inject({ method: 'GET', url: '/apis/conv.example.com/v1/namespaces/default/gizmos/down' });
    assert.equal(v1.status, 200);
  });
});
