import assert from 'node:assert/strict';
import { gvr, inProcessClient, type Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { CLEANUP_FINALIZER } from './controller';
import { conditionOf, createAndServe, crontab, crontabCrd, CRDS, CRONTABS } from './testing';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const BASE = '/apis/stable.example.com/v1/namespaces/default/crontabs';

describe('apiextensions/APIExtensionServer: serving a CRD', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let server: Server;
  let client: Client;

  before(async () => {
    cluster = await startCluster();
    server = cluster.server;
    client = inProcessClient(server);
    await createAndServe(client, crontabCrd(), CRONTABS);
  });
  after(async () => cluster?.close());

  const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => server.inject({ method, url, body, headers });

  it('sets NamesAccepted and Established, acceptedNames and the cleanup finalizer on the CRD', async () => {
    const crd = await eventually('Established', async () => {
      const c = await client.get(CRDS, { name: 'crontabs.stable.example.com' });
      return conditionOf(c, 'Established')?.status === 'True' ? c : undefined;
    });
    assert.equal(conditionOf(crd, 'NamesAccepted')?.reason, 'NoConflicts');
    const accepted = (crd.status as { acceptedNames: { kind: string; shortNames: string[] } }).acceptedNames;
    assert.equal(accepted.kind, 'CronTab');
    assert.deepEqual(accepted.shortNames, ['ct']);
    assert.deepEqual(crd.metadata.finalizers, [CLEANUP_FINALIZER]);
  });

  it('lists the resource in discovery with its shortNames, categories and subresources', async () => {
    const res = await call('GET', '/apis/stable.example.com/v1');
    assert.equal(res.status, 200);
    const list = res.json<{ resources: Array<{ name: string; shortNames?: string[]; categories?: string[] }> }>();
    const ct = list.resources.find((r) => r.name === 'crontabs');
    assert.deepEqual(ct?.shortNames, ['ct']);
    assert.deepEqual(ct?.categories, ['all']);
    assert.deepEqual(list.resources.map((r) => r.name).sort(), ['crontabs', 'crontabs/scale', 'crontabs/status']);
  });

  it('lists the group in aggregated discovery', async () => {
    const res = await call('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    assert.equal(res.status, 200);
    const groups = res.json<{ items: Array<{ metadata: { name: string } }> }>().items.map((g) => g.metadata.name);
    assert.ok(groups.includes('stable.example.com'));
  });

  it('creates, reads, replaces and deletes a custom resource', async () => {
    const created = await client.create(CRONTABS, crontab('crud'), { namespace: 'default' });
    assert.equal(created.metadata.generation, 1);
    const got = await client.get(CRONTABS, { namespace: 'default', name: 'crud' });
    assert.equal((got.spec as { image: string }).image, 'busybox');
    const replaced = await client.update(CRONTABS, { ...got, spec: { ...(got.spec as object), image: 'nginx' } });
    assert.equal((replaced.spec as { image: string }).image, 'nginx');
    await client.delete(CRONTABS, { namespace: 'default', name: 'crud' });
    await assert.rejects(client.get(CRONTABS, { namespace: 'default', name: 'crud' }), (e: { reason?: string }) => e.reason === 'NotFound');
  });

  it('selects by label and by a selectableField', async () => {
    await client.create(CRONTABS, { ...crontab('sel-a', { image: 'alpine' }), metadata: { name: 'sel-a', namespace: 'default', labels: { team: 'a' } } }, { namespace: 'default' });
    await client.create(CRONTABS, { ...crontab('sel-b', { image: 'debian' }), metadata: { name: 'sel-b', namespace: 'default', labels: { team: 'b' } } }, { namespace: 'default' });
    const byLabel = await client.list(CRONTABS, { namespace: 'default', labelSelector: 'team=a' });
    assert.deepEqual(byLabel.items.map((o) => o.metadata.name), ['sel-a']);
    const byField = await client.list(CRONTABS, { namespace: 'default', fieldSelector: 'spec.image=debian' });
    assert.deepEqual(byField.items.map((o) => o.metadata.name), ['sel-b']);
  });

  it('refuses a field selector on a field that is not selectable (400 BadRequest)', async () => {
    const res = await call('GET', `${BASE}?fieldSelector=spec.cronSpec%3Dx`);
    assert.equal(res.status, 400);
    assert.equal(res.json<{ reason: string }>().reason, 'BadRequest');
  });

  it('ignores .status on the main endpoint and changes only .status through /status', async () => {
    const obj = await client.create<KObject>(CRONTABS, { ...crontab('st'), status: { replicas: 7 } }, { namespace: 'default' });
    assert.equal(obj.status, undefined);
    const withStatus = await client.updateStatus(CRONTABS, { ...obj, spec: { ...(obj.spec as object), image: 'changed' }, status: { replicas: 3 } });
    assert.deepEqual(withStatus.status, { replicas: 3 });
    assert.equal((withStatus.spec as { image: string }).image, 'busybox');
    const main = await client.update(CRONTABS, { ...withStatus, status: { replicas: 9 } });
    assert.deepEqual(main.status, { replicas: 3 });
  });

  it('bumps metadata.generation on spec changes, not on status or label changes', async () => {
    const obj = await client.create(CRONTABS, crontab('gen'), { namespace: 'default' });
    const labelled = await client.patch(CRONTABS, { namespace: 'default', name: 'gen' }, 'merge', { metadata: { labels: { a: 'b' } } });
    assert.equal(labelled.metadata.generation, 1);
    const status = await client.updateStatus(CRONTABS, { ...labelled, status: { replicas: 1 } });
    assert.equal(status.metadata.generation, 1);
    const spec = await client.patch(CRONTABS, { namespace: 'default', name: 'gen' }, 'merge', { spec: { replicas: 4 } });
    assert.equal(spec.metadata.generation, (obj.metadata.generation ?? 0) + 1);
  });

  it('serves /scale from specReplicasPath, statusReplicasPath and labelSelectorPath, and scales', async () => {
    const obj = await client.create(CRONTABS, crontab('sc', { replicas: 2 }), { namespace: 'default' });
    await client.updateStatus(CRONTABS, { ...obj, status: { replicas: 2, labelSelector: 'app=sc' } });
    const scale = (await call('GET', `${BASE}/sc/scale`)).json<{ kind: string; spec: { replicas: number }; status: { replicas: number; selector: string } }>();
    assert.equal(scale.kind, 'Scale');
    assert.deepEqual([scale.spec.replicas, scale.status.replicas, scale.status.selector], [2, 2, 'app=sc']);
    const res = await call('PATCH', `${BASE}/sc/scale`, { spec: { replicas: 5 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(res.status, 200);
    const after = await client.get(CRONTABS, { namespace: 'default', name: 'sc' });
    assert.equal((after.spec as { replicas: number }).replicas, 5);
  });

  it('prints the additionalPrinterColumns in a Table (priority 1 for -o wide)', async () => {
    await client.create(CRONTABS, crontab('tbl', { replicas: 3, image: 'img:1' }), { namespace: 'default' });
    const res = await call('GET', `${BASE}/tbl`, undefined, { accept: TABLE });
    const table = res.json<{ columnDefinitions: Array<{ name: string; priority: number }>; rows: Array<{ cells: unknown[] }> }>();
    assert.deepEqual(table.columnDefinitions.map((c) => [c.name, c.priority]), [['Name', 0], ['Spec', 0], ['Replicas', 0], ['Image', 1], ['Age', 0]]);
    assert.deepEqual(table.rows[0].cells.slice(0, 4), ['tbl', '*/5 * * * *', 3, 'img:1']);
    assert.match(String(table.rows[0].cells[4]), /^\d+s$/);
  });

  it('applies merge and JSON patches', async () => {
    await client.create(CRONTABS, crontab('patch'), { namespace: 'default' });
    await client.patch(CRONTABS, { namespace: 'default', name: 'patch' }, 'merge', { spec: { image: 'merged' } });
    const p = await client.patch(CRONTABS, { namespace: 'default', name: 'patch' }, 'json', [{ op: 'replace', path: '/spec/replicas', value: 6 }]);
    assert.deepEqual([(p.spec as { image: string }).image, (p.spec as { replicas: number }).replicas], ['merged', 6]);
  });

  it('answers 415 UnsupportedMediaType to a strategic merge patch', async () => {
    await client.create(CRONTABS, crontab('smp'), { namespace: 'default' });
    const res = await call('PATCH', `${BASE}/smp`, { spec: { image: 'x' } }, { 'content-type': 'application/strategic-merge-patch+json' });
    assert.equal(res.status, 415);
    assert.equal(res.json<{ reason: string }>().reason, 'UnsupportedMediaType');
  });

  it('creates and updates a custom resource with server-side apply', async () => {
    const applied = await client.patch(CRONTABS, { namespace: 'default', name: 'ssa' }, 'apply', crontab('ssa', { image: 'v1' }), { fieldManager: 'test' });
    assert.equal((applied.spec as { image: string }).image, 'v1');
    const again = await client.patch(CRONTABS, { namespace: 'default', name: 'ssa' }, 'apply', crontab('ssa', { image: 'v2' }), { fieldManager: 'test' });
    assert.equal((again.spec as { image: string }).image, 'v2');
    assert.ok((again.metadata.managedFields as Array<{ manager: string }>).some((m) => m.manager === 'test'));
  });

  it('streams watch events of custom resources', async () => {
    const list = await client.list(CRONTABS, { namespace: 'default' });
    const ac = new AbortController();
    const stream = client.watch(CRONTABS, { namespace: 'default', resourceVersion: list.metadata.resourceVersion, signal: ac.signal });
    const seen: string[] = [];
    const done = (async () => {
      for await (const ev of stream) {
        if (ev.object.metadata?.name === 'watched') seen.push(ev.type);
        if (ev.type === 'DELETED' && ev.object.metadata?.name === 'watched') break;
      }
    })();
    await client.create(CRONTABS, crontab('watched'), { namespace: 'default' });
    await client.patch(CRONTABS, { namespace: 'default', name: 'watched' }, 'merge', { spec: { image: 'w2' } });
    await client.delete(CRONTABS, { namespace: 'default', name: 'watched' });
    await done;
    stream.close();
    assert.deepEqual(seen, ['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('answers 404 NotFound for a kind no CRD defines', async () => {
    const res = await call('GET', '/apis/stable.example.com/v1/namespaces/default/nosuchthings');
    assert.equal(res.status, 404);
    assert.equal(res.json<{ reason: string }>().reason, 'NotFound');
    await assert.rejects(client.list(gvr('unknown.example.com/v1', 'things')), (e: { reason?: string }) => e.reason === 'NotFound');
  });

  it('publishes the OpenAPI v3 document of the group-version with x-kubernetes-group-version-kind', async () => {
    const index = (await call('GET', '/openapi/v3')).json<{ paths: Record<string, unknown> }>();
    assert.ok('apis/stable.example.com/v1' in index.paths);
    const doc = (await call('GET', '/openapi/v3/apis/stable.example.com/v1')).json<{ components: { schemas: Record<string, KObject & Record<string, unknown>> } }>();
    const schema = doc.components.schemas['com.example.stable.v1.CronTab'];
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]);
    assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  });
});
