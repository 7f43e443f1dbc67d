import assert from 'node:assert/strict';
import { gvr, isStatusReason, type Client } from '../../../core/client';
import type { KObject, OwnerReference } from '../../../core/registry/types';
import { eventually, useControllerCluster } from '../controller-manager/testing';

const CM = gvr('v1', 'configmaps');
const SECRETS = gvr('v1', 'secrets');

async function gone(client: Client, g: typeof CM, name: string): Promise<boolean> {
  try {
    await client.get(g, { namespace: 'default', name });
    return false;
  } catch (err) {
    if (isStatusReason(err, 'NotFound')) return true;
    throw err;
  }
}

function ref(owner: KObject, extra: Partial<OwnerReference> = {}): OwnerReference {
  return { apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name!, uid: owner.metadata.uid!, ...extra };
}

async function cm(client: Client, name: string, owners: OwnerReference[] = [], finalizers?: string[]): Promise<KObject> {
  return client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ownerReferences: owners, ...(finalizers ? { finalizers } : {}) } });
}

/** Wait until the collector has seen `name` (it is in its graph once it is in the informers). */
async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

describe('controllers/GarbageCollector', () => {
  const cluster = useControllerCluster();

  it('Background: deleting the owner deletes its dependents', async () => {
    const { client } = await cluster.start();
    const owner = await cm(client, 'bg-owner');
    await cm(client, 'bg-dep-1', [ref(owner)]);
    await client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bg-dep-2', namespace: 'default', ownerReferences: [ref(owner)] } });
    await settle();
    await client.delete(CM, { namespace: 'default', name: 'bg-owner' }, { propagationPolicy: 'Background' });
    await eventually(() => gone(client, CM, 'bg-dep-1'), 10_000, 'configmap dependent deleted');
    await eventually(() => gone(client, SECRETS, 'bg-dep-2'), 10_000, 'secret dependent deleted');
  });

  it('Background: a dependent with another live owner stays and loses the reference to the deleted one', async () => {
    const { client } = await cluster.start();
    const a = await cm(client, 'two-a');
    const b = await cm(client, 'two-b');
    await cm(client, 'two-dep', [ref(a), ref(b)]);
    await client.delete(CM, { namespace: 'default', name: 'two-a' });
    const dep = await eventually(async () => {
      const d = await client.get(CM, { namespace: 'default', name: 'two-dep' });
      return d.metadata.ownerReferences?.length === 1 ? d : undefined;
    }, 10_000, 'reference to the deleted owner removed');
    assert.equal(dep.metadata.ownerReferences?.[0].uid, b.metadata.uid);
  });

  it('Foreground: the owner stays (foregroundDeletion) until blocking dependents are gone, then goes', async () => {
    const { client } = await cluster.start();
    const owner = await cm(client, 'fg-owner');
    // the dependent holds a finalizer of its own, so the owner must wait for it
    await cm(client, 'fg-dep', [ref(owner, { blockOwnerDeletion: true })], ['example.com/hold']);
    await cm(client, 'fg-dep-free', [ref(owner)]);
    const marked = await client.delete(CM, { namespace: 'default', name: 'fg-owner' }, { propagationPolicy: 'Foreground' });
    assert.ok(marked.metadata.deletionTimestamp);
    assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
    // the dependents are deleted (the blocking one is marked: its own finalizer keeps it)
    const dep = await eventually(async () => {
      const d = await client.get(CM, { namespace: 'default', name: 'fg-dep' });
      return d.metadata.deletionTimestamp ? d : undefined;
    }, 10_000, 'blocking dependent marked for deletion');
    assert.ok(dep.metadata.deletionTimestamp);
    await eventually(() => gone(client, CM, 'fg-dep-free'), 10_000, 'non-blocking dependent deleted');
    const stillOwner = await client.get(CM, { namespace: 'default', name: 'fg-owner' });
    assert.deepEqual(stillOwner.metadata.finalizers, ['foregroundDeletion']);
    // release the dependent: it goes, then the owner's finalizer is removed and the owner goes
    await client.patch(CM, { namespace: 'default', name: 'fg-dep' }, 'merge', { metadata: { finalizers: null } });
    await eventually(() => gone(client, CM, 'fg-dep'), 10_000, 'blocking dependent gone');
    await eventually(() => gone(client, CM, 'fg-owner'), 10_000, 'owner gone');
  });

  it('Orphan: dependents lose their ownerReferences and stay; the owner goes', async () => {
    const { client } = await cluster.start();
    const owner = await cm(client, 'or-owner');
    const other = await cm(client, 'or-other');
    await cm(client, 'or-dep', [ref(owner), ref(other)]);
    await cm(client, 'or-dep-only', [ref(owner)]);
    const marked = await client.delete(CM, { namespace: 'default', name: 'or-owner' }, { propagationPolicy: 'Orphan' });
    assert.deepEqual(marked.metadata.finalizers, ['orphan']);
    await eventually(() => gone(client, CM, 'or-owner'), 10_000, 'owner gone');
    const dep = await client.get(CM, { namespace: 'default', name: 'or-dep' });
    assert.deepEqual(dep.metadata.ownerReferences?.map((r) => r.uid), [other.metadata.uid]);
    const only = await client.get(CM, { namespace: 'default', name: 'or-dep-only' });
    assert.equal(only.metadata.ownerReferences, undefined);
    assert.equal(only.metadata.deletionTimestamp, undefined);
  });

  it('dangling owner: a dependent whose owner uid does not exist is deleted', async () => {
    const { client } = await cluster.start();
    await cm(client, 'dangling-dep', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-was', uid: '00000000-0000-0000-0000-000000000001' }]);
    await eventually(() => gone(client, CM, 'dangling-dep'), 10_000, 'dependent of a missing owner deleted');
  });

  it('dangling owner: an owner with the same name but another uid does not keep the dependent', async () => {
    const { client } = await cluster.start();
    await cm(client, 'imposter');
    await cm(client, 'dangling-uid-dep', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'imposter', uid: '00000000-0000-0000-0000-000000000002' }]);
    await eventually(() => gone(client, CM, 'dangling-uid-dep'), 10_000, 'dependent deleted');
    assert.equal(await gone(client, CM, 'imposter'), false);
  });

  it('a live owner keeps its dependent', async () => {
    const { client } = await cluster.start();
    const owner = await cm(client, 'live-owner');
    await cm(client, 'live-dep', [ref(owner)]);
    // a marker created after the dependent is collected if the collector is running at all
    await cm(client, 'live-marker', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nobody', uid: '00000000-0000-0000-0000-000000000003' }]);
    await eventually(() => gone(client, CM, 'live-marker'), 10_000, 'marker collected');
    assert.equal(await gone(client, CM, 'live-dep'), false);
  });

  it('a cycle (a owns b, b owns a, both blocking) does not wedge Foreground deletion', async () => {
    const { client } = await cluster.start();
    const a = await cm(client, 'cyc-a');
    const b = await cm(client, 'cyc-b', [ref(a, { blockOwnerDeletion: true })]);
    await client.patch(CM, { namespace: 'default', name: 'cyc-a' }, 'merge', { metadata: { ownerReferences: [ref(b, { blockOwnerDeletion: true })] } });
    await settle();
    await client.delete(CM, { namespace: 'default', name: 'cyc-a' }, { propagationPolicy: 'Foreground' });
    await eventually(() => gone(client, CM, 'cyc-a'), 15_000, 'a gone');
    await eventually(() => gone(client, CM, 'cyc-b'), 15_000, 'b gone');
  });

  it('a cycle does not wedge Background deletion', async () => {
    const { client } = await cluster.start();
    const a = await cm(client, 'bcyc-a');
    const b = await cm(client, 'bcyc-b', [ref(a)]);
    await client.patch(CM, { namespace: 'default', name: 'bcyc-a' }, 'merge', { metadata: { ownerReferences: [ref(b)] } });
    await client.delete(CM, { namespace: 'default', name: 'bcyc-a' });
    await eventually(() => gone(client, CM, 'bcyc-b'), 10_000, 'b gone');
  });
});
