/**
 * A Hook on `kubelet.admitPod` (from hookDirs) with the simulated node agent: a pod the hook denies
 * ends Failed on the node with reason HookDenied and the hook's message; another pod runs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inProcessClient, gvr } from '../../core/client';
import { startCluster, eventually } from '../../plugins/controllers/shared/test-cluster';

const PODS = gvr('v1', 'pods');
const HOOK = `apiVersion: hooks.k8ts.dev/v1alpha1
kind: Hook
metadata: {name: no-privileged-on-nodes}
spec:
  hookPoint: kubelet.admitPod
  validations:
    - expression: "!pod.spec.containers.exists(c, has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged)"
      messageExpression: "'node ' + node.metadata.name + ' runs no privileged containers'"
`;

describe('hooks/dsl: a kubelet.admitPod hook with the simulated node agent', function () {
  this.timeout(60_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-hookdir-'));
    fs.writeFileSync(path.join(dir, 'hook.yaml'), HOOK);
    cluster = await startCluster({ kubelet: true, config: { plugins: { hooks: { enabled: [{ name: 'Hooks', options: { hookDirs: [dir] } }] } } } });
  });
  after(async () => {
    await cluster?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const pod = (name: string, privileged: boolean) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'k8ts-node-0', containers: [{ name: 'c', image: 'nginx:1.27', ...(privileged ? { securityContext: { privileged: true } } : {}) }] },
  });

  it('the denied pod fails on the node with the hook message; the other one runs', async () => {
    const client = inProcessClient(cluster.server);
    await client.create(PODS, pod('priv', true) as never);
    await client.create(PODS, pod('plain', false) as never);
    const failed = await eventually('priv Failed', async () => {
      const p = (await client.get(PODS, { namespace: 'default', name: 'priv' })) as any;
      return p.status?.phase === 'Failed' && p;
    }, 30_000, 100);
    assert.equal(failed.status.reason, 'HookDenied');
    assert.match(failed.status.message, /hook 'no-privileged-on-nodes' denied request: node k8ts-node-0 runs no privileged containers/);
    await eventually('plain Running', async () => ((await client.get(PODS, { namespace: 'default', name: 'plain' })) as any).status?.phase === 'Running', 30_000, 100);
  });
});
