import assert from 'node:assert/strict';
import { inProcessClient, type Client, type GVR } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { getKubelet } from './index';

const NODES: GVR = { group: '', version: 'v1', resource: 'nodes' };
const PODS: GVR = { group: '', version: 'v1', resource: 'pods' };
const LEASES: GVR = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
type Json = Record<string, any>;

describe('kubelet/Kubelet: 200 simulated nodes in one process', function () {
  this.timeout(120_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let watchesAtStart = 0;

  before(async () => {
    cluster = await startCluster({ config: { nodes: [{ name: 'sim', count: 200 }] } });
    client = inProcessClient(cluster.server);
  });
  after(async () => {
    await cluster?.close();
  });

  it('registers 200 Ready nodes', async () => {
    const nodes = (await client.list(NODES)).items as Json[];
    assert.equal(nodes.length, 200);
    assert.equal(nodes.filter((n) => n.status.conditions.find((c: Json) => c.type === 'Ready')?.status === 'True').length, 200);
  });

  it('holds one Lease per node', async () => {
    const leases = (await client.list(LEASES, { namespace: 'kube-node-lease' })).items;
    assert.equal(leases.length, 200);
  });

  it('gives every node its own pod CIDR and InternalIP', async () => {
    const nodes = (await client.list(NODES)).items as Json[];
    assert.equal(new Set(nodes.map((n) => n.spec.podCIDR)).size, 200);
    assert.equal(new Set(nodes.map((n) => n.status.addresses[0].address)).size, 200);
  });

  it('runs pods on many nodes from one shared pod watch', async () => {
    watchesAtStart = getKubelet(cluster.server)!.pods.size;
    const names: string[] = [];
    for (let i = 0; i < 200; i += 10) {
      const name = `p-${i}`;
      names.push(name);
      await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: `sim-${i}`, containers: [{ name: 'c', image: 'x' }] } } as KObject);
    }
    await eventually('20 pods Running', async () => ((await client.list(PODS, { namespace: 'default' })).items as Json[]).filter((p) => p.status?.phase === 'Running').length === 20, 30_000);
    const host = getKubelet(cluster.server)!;
    assert.equal(host.pods.size - watchesAtStart, 20); // one cache sees the pods of every node
  });
});
