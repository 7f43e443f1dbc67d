/**
 * A declarative hook (hooks DSL, CEL) on `kubelet.admitPod`: the kubelet's hook arguments are
 * plain JSON, so a Hook document can reject pods on a node by their shape.
 */
import assert from 'node:assert/strict';
import { inProcessClient, type Client, type GVR } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';

const PODS: GVR = { group: '', version: 'v1', resource: 'pods' };
const HOOKS: GVR = { group: 'hooks.k8ts.dev', version: 'v1alpha1', resource: 'hooks' };
type Json = Record<string, any>;

describe('kubelet: a Hook document on kubelet.admitPod', function () {
  this.timeout(90_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;

  before(async () => {
    cluster = await startCluster({ config: { nodes: [{ name: 'edge', labels: { 'k8ts.dev/gpu': 'false' } }] } });
    client = inProcessClient(cluster.server);
    await eventually('Hook CRD served', async () => {
      try {
        await client.list(HOOKS);
        return true;
      } catch {
        return false;
      }
    }, 30_000, 200);
    await client.create(HOOKS, {
      apiVersion: 'hooks.k8ts.dev/v1alpha1',
      kind: 'Hook',
      metadata: { name: 'gpu-pods-need-gpu-nodes' },
      spec: {
        hookPoint: 'kubelet.admitPod',
        matchConditions: [{ name: 'wants-gpu', expression: "has(pod.metadata.labels) && 'gpu' in pod.metadata.labels" }],
        validations: [{ expression: "node.metadata.labels['k8ts.dev/gpu'] == 'true'", message: 'this node has no GPU', reason: 'Forbidden' }],
      },
    } as KObject);
    await eventually('hook active', async () => ((await client.get(HOOKS, { name: 'gpu-pods-need-gpu-nodes' })) as Json).status?.active === true, 30_000, 100);
  });
  after(async () => {
    await cluster?.close();
  });

  const pod = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { nodeName: 'edge', containers: [{ name: 'c', image: 'x' }] } }) as KObject;
  const phase = async (name: string) => ((await client.get(PODS, { namespace: 'default', name })) as Json).status;

  it('rejects a pod the hook denies: Failed with the hook reason', async () => {
    await client.create(PODS, pod('trainer', { gpu: 'yes' }));
    const st = await eventually('trainer decided', async () => ((await phase('trainer'))?.phase === 'Failed' ? phase('trainer') : undefined), 30_000);
    assert.equal(st.reason, 'Forbidden');
  });

  it('admits a pod the hook does not match', async () => {
    await client.create(PODS, pod('web', { app: 'web' }));
    await eventually('web Running', async () => (await phase('web'))?.phase === 'Running', 30_000);
  });
});
