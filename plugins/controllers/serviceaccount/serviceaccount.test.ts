import assert from 'node:assert/strict';
import { gvr, isStatusReason } from '../../../core/client';
import { eventually, useControllerCluster } from '../controller-manager/testing';

const SA = gvr('v1', 'serviceaccounts');
const NS = gvr('v1', 'namespaces');

describe('controllers/ServiceAccount', () => {
  const cluster = useControllerCluster();

  it('creates the default ServiceAccount in a new namespace', async () => {
    const { client } = await cluster.start();
    await client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sa-new' } });
    const sa = await eventually(() => client.get(SA, { namespace: 'sa-new', name: 'default' }), 10_000, 'default SA');
    assert.equal(sa.metadata.name, 'default');
    assert.equal(sa.metadata.namespace, 'sa-new');
  });

  it('has a default ServiceAccount in the namespaces present at start (default, kube-system)', async () => {
    const { client } = await cluster.start();
    for (const namespace of ['default', 'kube-system']) {
      const sa = await eventually(() => client.get(SA, { namespace, name: 'default' }), 10_000, `default SA in ${namespace}`);
      assert.equal(sa.metadata.namespace, namespace);
    }
  });

  it('recreates the default ServiceAccount after it is deleted (new uid)', async () => {
    const { client } = await cluster.start();
    const first = await eventually(() => client.get(SA, { namespace: 'default', name: 'default' }), 10_000, 'default SA');
    await client.delete(SA, { namespace: 'default', name: 'default' });
    const again = await eventually(async () => {
      try {
        const sa = await client.get(SA, { namespace: 'default', name: 'default' });
        return sa.metadata.uid !== first.metadata.uid ? sa : undefined;
      } catch (err) {
        if (isStatusReason(err, 'NotFound')) return undefined;
        throw err;
      }
    }, 10_000, 'recreated SA');
    assert.notEqual(again.metadata.uid, first.metadata.uid);
  });
});
