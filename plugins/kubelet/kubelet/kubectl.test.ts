/**
 * Acceptance (issue 9, kubelet half): the real kubectl against `k8ts up --simulated-nodes 3`:
 * nodes listed Ready, `describe node`, pods bound by spec.nodeName becoming Ready, a Job
 * completing, a Deployment whose pods the scheduler spreads and the kubelet runs, a graceful
 * `kubectl delete pod` that finishes.
 */
import assert from 'node:assert/strict';
import { json, show, useCluster } from '../../../test/helpers/kubectl';

const podYaml = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  nodeName: ${node}
  containers: [{ name: c, image: nginx }]
`;

describe('kubelet: kubectl against k8ts up --simulated-nodes 3', function () {
  this.timeout(120_000);
  const c = useCluster({ upArgs: ['--simulated-nodes', '3'] });

  it('kubectl get nodes shows 3 Ready nodes', async () => {
    const r = await c.kubectl(['get', 'nodes', '--no-headers']);
    assert.equal(r.code, 0, show(r));
    const rows = r.stdout.trim().split('\n').map((l) => l.split(/\s+/));
    assert.deepEqual(rows.map((x) => x[0]), ['k8ts-node-0', 'k8ts-node-1', 'k8ts-node-2'], show(r));
    assert.deepEqual(rows.map((x) => x[1]), ['Ready', 'Ready', 'Ready'], show(r));
  });

  it('kubectl describe node shows the conditions, capacity, pod CIDR and Lease', async () => {
    const r = await c.kubectl(['describe', 'node', 'k8ts-node-1']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Ready\s+True\s.*KubeletReady/, show(r));
    assert.match(r.stdout, /MemoryPressure\s+False\s.*KubeletHasSufficientMemory/, show(r));
    assert.match(r.stdout, /HolderIdentity:\s+k8ts-node-1/, show(r));
    assert.match(r.stdout, /PodCIDR:\s+10\.128\.1\.0\/24/, show(r));
    assert.match(r.stdout, /pods:\s+110/, show(r));
  });

  it('a pod bound by spec.nodeName becomes Ready (kubectl wait) with an IP on that node', async () => {
    const a = await c.kubectl(['apply', '-f', '-'], { stdin: podYaml('web', 'k8ts-node-2') });
    assert.equal(a.code, 0, show(a));
    const w = await c.kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(w.code, 0, show(w));
    const g = await c.kubectl(['get', 'pod', 'web', '-o', 'json']);
    const pod = json(g);
    assert.equal(pod.status.phase, 'Running', show(g));
    assert.match(pod.status.podIP, /^10\.128\.2\./, show(g));
  });

  it('a Job whose pods are bound to a node completes (kubectl wait --for=condition=complete)', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: { name: once }
spec:
  template:
    spec:
      nodeName: k8ts-node-0
      restartPolicy: Never
      containers: [{ name: c, image: busybox }]
`;
    const a = await c.kubectl(['apply', '-f', '-'], { stdin: job });
    assert.equal(a.code, 0, show(a));
    const w = await c.kubectl(['wait', '--for=condition=complete', 'job/once', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(w.code, 0, show(w));
  });

  it('a Deployment rolls out with its pods Running, spread over the nodes by the scheduler', async () => {
    const a = await c.kubectl(['create', 'deployment', 'spread', '--image=nginx', '--replicas=6']);
    assert.equal(a.code, 0, show(a));
    const r = await c.kubectl(['rollout', 'status', 'deployment/spread', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(r.code, 0, show(r));
    const g = await c.kubectl(['get', 'pods', '-l', 'app=spread', '-o', 'json']);
    const pods = json(g).items as Array<{ spec: { nodeName: string }; status: { phase: string } }>;
    assert.equal(pods.filter((p) => p.status.phase === 'Running').length, 6, show(g));
    assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, 3, show(g));
  });

  it('kubectl delete pod (graceful) returns once the kubelet finished the pod', async () => {
    const a = await c.kubectl(['apply', '-f', '-'], { stdin: podYaml('doomed', 'k8ts-node-0') });
    assert.equal(a.code, 0, show(a));
    const w = await c.kubectl(['wait', '--for=condition=Ready', 'pod/doomed', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(w.code, 0, show(w));
    const d = await c.kubectl(['delete', 'pod', 'doomed', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(d.code, 0, show(d));
    const g = await c.kubectl(['get', 'pod', 'doomed']);
    assert.match(g.stderr, /NotFound|not found/, show(g));
  });
});
