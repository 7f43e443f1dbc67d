/**
 * Acceptance (issue 9, scheduler half): the real kubectl against `k8ts up --simulated-nodes 3`
 * (simulated nodes: 32 cpu each): nodeSelector, cordon, taints and tolerations, required
 * anti-affinity, host ports, FailedScheduling in `kubectl describe`, preemption by a
 * high-priority pod.
 */
import assert from 'node:assert/strict';
import { json, show, useCluster } from '../../../test/helpers/kubectl';

type PodJson = { metadata: { name: string }; spec: { nodeName?: string }; status: { phase: string; nominatedNodeName?: string } };

const podYaml = (name: string, spec: string, labels = '{}') => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: ${labels} }
spec:
${spec}
`;

describe('scheduler: kubectl against k8ts up --simulated-nodes 3', function () {
  this.timeout(120_000);
  const c = useCluster({ upArgs: ['--simulated-nodes', '3'] });

  const ok = async (args: string[], stdin?: string) => {
    const r = await c.kubectl(args, stdin === undefined ? {} : { stdin });
    assert.equal(r.code, 0, show(r));
    return r;
  };
  const waitRunning = (name: string) => ok(['wait', '--for=jsonpath={.status.phase}=Running', `pod/${name}`, '--timeout=60s']);
  const nodeOf = async (name: string) => (json(await ok(['get', 'pod', name, '-o', 'json'])) as PodJson).spec.nodeName;
  const podsOf = async (selector: string) => json(await ok(['get', 'pods', '-l', selector, '-o', 'json'])).items as PodJson[];
  const eventually = async <T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('nodeSelector: a pod runs on the node its selector names', async () => {
    // a label the node registered with: the simulated kubelet admits pods against the labels it registered
    await ok(['apply', '-f', '-'], podYaml('pinned', '  nodeSelector: { kubernetes.io/hostname: k8ts-node-1 }\n  containers: [{ name: c, image: nginx }]'));
    await waitRunning('pinned');
    assert.equal(await nodeOf('pinned'), 'k8ts-node-1');
  });

  it('nodeSelector: kubectl label makes a node eligible for a pending pod', async () => {
    await ok(['apply', '-f', '-'], podYaml('ssd', '  nodeSelector: { disk: ssd }\n  containers: [{ name: c, image: nginx }]'));
    await eventually('FailedScheduling for ssd', async () => /didn't match Pod's node affinity\/selector/.test((await ok(['describe', 'pod', 'ssd'])).stdout) || undefined);
    await ok(['label', 'node', 'k8ts-node-2', 'disk=ssd']);
    assert.equal(await eventually('ssd bound', () => nodeOf('ssd')), 'k8ts-node-2');
    await ok(['delete', 'pod', 'ssd', '--wait=false']);
  });

  it('an unschedulable pod shows FailedScheduling with the upstream message in kubectl describe', async () => {
    await ok(['apply', '-f', '-'], podYaml('huge', '  containers: [{ name: c, image: nginx, resources: { requests: { cpu: "64" } } }]'));
    const d = await eventually('FailedScheduling in describe', async () => {
      const r = await ok(['describe', 'pod', 'huge']);
      return /FailedScheduling/.test(r.stdout) ? r : undefined;
    });
    assert.match(d.stdout, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\.\./, show(d));
    await ok(['delete', 'pod', 'huge', '--wait=false']);
  });

  it('cordoned nodes get nothing', async () => {
    await ok(['cordon', 'k8ts-node-0', 'k8ts-node-2']);
    await ok(['create', 'deployment', 'cordoned', '--image=nginx', '--replicas=3']);
    await ok(['rollout', 'status', 'deployment/cordoned', '--timeout=90s']);
    const pods = await podsOf('app=cordoned');
    assert.deepEqual([...new Set(pods.map((p) => p.spec.nodeName))], ['k8ts-node-1']);
    await ok(['uncordon', 'k8ts-node-0', 'k8ts-node-2']);
    await ok(['delete', 'deployment', 'cordoned']);
  });

  it('taints keep pods away unless tolerated', async () => {
    await ok(['taint', 'node', 'k8ts-node-0', 'k8ts-node-1', 'dedicated=infra:NoSchedule']);
    await ok(['apply', '-f', '-'], podYaml('plain', '  containers: [{ name: c, image: nginx }]'));
    await ok(['apply', '-f', '-'], podYaml('infra', '  nodeSelector: { kubernetes.io/hostname: k8ts-node-0 }\n  tolerations: [{ key: dedicated, operator: Equal, value: infra, effect: NoSchedule }]\n  containers: [{ name: c, image: nginx }]'));
    await waitRunning('plain');
    await waitRunning('infra');
    assert.equal(await nodeOf('plain'), 'k8ts-node-2');
    assert.equal(await nodeOf('infra'), 'k8ts-node-0');
    await ok(['taint', 'node', 'k8ts-node-0', 'k8ts-node-1', 'dedicated=infra:NoSchedule-']);
  });

  it('required pod anti-affinity puts each replica on its own node', async () => {
    const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: { name: anti }
spec:
  replicas: 3
  selector: { matchLabels: { app: anti } }
  template:
    metadata: { labels: { app: anti } }
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - { labelSelector: { matchLabels: { app: anti } }, topologyKey: kubernetes.io/hostname }
      containers: [{ name: c, image: nginx }]
`;
    await ok(['apply', '-f', '-'], deploy);
    await ok(['rollout', 'status', 'deployment/anti', '--timeout=90s']);
    const pods = await podsOf('app=anti');
    assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, 3, JSON.stringify(pods.map((p) => p.spec.nodeName)));
  });

  it('host ports: two pods asking for the same host port land on different nodes', async () => {
    const spec = '  containers: [{ name: c, image: nginx, ports: [{ containerPort: 80, hostPort: 30080 }] }]';
    await ok(['apply', '-f', '-'], podYaml('hp1', spec));
    await ok(['apply', '-f', '-'], podYaml('hp2', spec));
    await waitRunning('hp1');
    await waitRunning('hp2');
    assert.notEqual(await nodeOf('hp1'), await nodeOf('hp2'));
  });

  it('a high-priority pod preempts a low-priority one and runs in its place', async () => {
    await ok(['create', 'priorityclass', 'high', '--value=1000']);
    // 3 x 20 cpu fill the 3 nodes (32 cpu each) so that a 20-cpu pod fits nowhere
    for (let i = 0; i < 3; i++) await ok(['apply', '-f', '-'], podYaml(`low${i}`, '  containers: [{ name: c, image: nginx, resources: { requests: { cpu: "20" } } }]', '{ tier: low }'));
    for (let i = 0; i < 3; i++) await waitRunning(`low${i}`);
    await ok(['apply', '-f', '-'], podYaml('vip', '  priorityClassName: high\n  containers: [{ name: c, image: nginx, resources: { requests: { cpu: "20" } } }]'));
    await waitRunning('vip');
    const left = (await podsOf('tier=low')).filter((p) => p.status.phase === 'Running');
    assert.ok(left.length <= 2, `a low-priority pod was preempted (${left.length} still running)`);
    const d = await ok(['get', 'events', '--field-selector', 'reason=Preempted', '-o', 'name']);
    assert.ok(d.stdout.trim().length > 0, show(d));
  });
});
