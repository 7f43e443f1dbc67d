import assert from 'node:assert/strict';
import { gvr, isStatusReason, type Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { getResourceRegistry } from '../../../core/registry/registry';
import { WIDGETS as TEST_WIDGETS } from '../../../core/registry/test-resources';
import type { Server } from '../../../core/server/server';
import { eventually, useControllerCluster } from '../controller-manager/testing';

const NS = gvr('v1', 'namespaces');
const CM = gvr('v1', 'configmaps');
const SECRETS = gvr('v1', 'secrets');
const WIDGETS = gvr('test.k8ts.dev/v1', 'widgets');

async function gone(client: Client, g: typeof NS, ref: { namespace?: string; name: string }): Promise<boolean> {
  try {
    await client.get(g, ref);
    return false;
  } catch (err) {
    if (isStatusReason(err, 'NotFound')) return true;
    throw err;
  }
}

/** A custom namespaced resource registered at runtime (as a CRD would be), after the controllers started. */
async function installWidgets(server: Server, client: Client): Promise<void> {
  getResourceRegistry(server).register(TEST_WIDGETS);
  await eventually(async () => (await client.list(WIDGETS, { namespace: 'default' })).items !== undefined, 10_000, 'widgets served');
}

describe('controllers/Namespace', () => {
  const cluster = useControllerCluster();

  it('deletes a namespace full of objects (configmaps, secrets, a custom resource) and then the namespace itself', async () => {
    const { client, started } = await cluster.start();
    await installWidgets(started.server, client);
    await client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'full' } });
    for (let i = 0; i < 5; i++) {
      await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'full' }, data: { i: String(i) } });
      await client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${i}`, namespace: 'full' }, stringData: { i: String(i) } });
      await client.create(WIDGETS, { apiVersion: 'test.k8ts.dev/v1', kind: 'Widget', metadata: { name: `w-${i}`, namespace: 'full' }, spec: { i } });
    }
    await client.delete(NS, { name: 'full' });
    await eventually(() => gone(client, NS, { name: 'full' }), 20_000, 'namespace gone');
    assert.equal((await client.list(CM, { namespace: 'full' })).items.length, 0);
    assert.equal((await client.list(SECRETS, { namespace: 'full' })).items.length, 0);
    assert.equal((await client.list(WIDGETS, { namespace: 'full' })).items.length, 0);
  });

  it('keeps a namespace Terminating with NamespaceContentRemaining/NamespaceFinalizersRemaining while an object with a finalizer remains', async () => {
    const { client } = await cluster.start();
    await client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stuck' } });
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'stuck', finalizers: ['example.com/hold'] } });
    await client.delete(NS, { name: 'stuck' });
    type NsObj = KObject & { status?: { phase?: string; conditions?: Array<{ type: string; status: string; reason: string }> } };
    const ns = await eventually(async () => {
      const n = await client.get<NsObj>(NS, { name: 'stuck' });
      const c = n.status?.conditions?.find((x) => x.type === 'NamespaceFinalizersRemaining');
      return c?.status === 'True' ? n : undefined;
    }, 15_000, 'NamespaceFinalizersRemaining');
    assert.equal(ns.status?.phase, 'Terminating');
    assert.ok(ns.metadata.deletionTimestamp);
    const byType = new Map(ns.status?.conditions?.map((c) => [c.type, c]));
    assert.equal(byType.get('NamespaceContentRemaining')?.status, 'True');
    assert.equal(byType.get('NamespaceContentRemaining')?.reason, 'SomeResourcesRemain');
    assert.equal(byType.get('NamespaceFinalizersRemaining')?.reason, 'SomeFinalizersRemain');
    assert.equal(byType.get('NamespaceDeletionDiscoveryFailure')?.status, 'False');
    // release the finalizer: the namespace goes away
    await client.patch(CM, { namespace: 'stuck', name: 'held' }, 'merge', { metadata: { finalizers: null } });
    await eventually(() => gone(client, NS, { name: 'stuck' }), 20_000, 'namespace gone');
  });

  it('refuses creates in a terminating namespace (403 Forbidden)', async () => {
    const { client } = await cluster.start();
    await client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'closing' } });
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'closing', finalizers: ['example.com/hold'] } });
    await client.delete(NS, { name: 'closing' });
    await assert.rejects(
      client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'closing' } }),
      (err: unknown) => isStatusReason(err, 'Forbidden') && isStatusReason(err, 403),
    );
    await client.patch(CM, { namespace: 'closing', name: 'held' }, 'merge', { metadata: { finalizers: null } });
    await eventually(() => gone(client, NS, { name: 'closing' }), 20_000, 'namespace gone');
  });
});
