import assert from 'node:assert/strict';
import { inProcessClient, type Client, type GVR } from '../../../core/client';
import { StatusError } from '../../../core/api/status';
import { definePlugin } from '../../../core/plugin/define';
import type { KObject } from '../../../core/registry/types';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { getKubeletHooks } from './hooks';

const NODES: GVR = { group: '', version: 'v1', resource: 'nodes' };
const PODS: GVR = { group: '', version: 'v1', resource: 'pods' };
const LEASES: GVR = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
type Json = Record<string, any>;

/** A test-only admit handler: rejects pods labelled reject=yes (a tap on kubelet.admitPod like any plugin's). */
const RejectLabelled = definePlugin({
  name: 'RejectLabelled',
  area: 'kubelet',
  apply(server) {
    getKubeletHooks(server).admitPod.tapPromise('RejectLabelled', async ({ pod }) =>
      pod.metadata?.labels?.reject === 'yes' ? { admit: false, reason: 'UnexpectedAdmissionError', message: 'labelled reject' } : undefined,
    );
  },
});

function pod(name: string, node: string, spec: Json = {}, meta: Json = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...meta }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }], ...spec } } as KObject;
}

const cond = (obj: Json, type: string) => ((obj.status?.conditions ?? []) as Json[]).find((c) => c.type === type);

describe('kubelet/Kubelet with the simulated runtime (in-process, memory storage)', function () {
  this.timeout(60_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  const getPod = (name: string) => client.get(PODS, { namespace: 'default', name }) as Promise<Json>;

  before(async () => {
    cluster = await startCluster({
      extraPlugins: [RejectLabelled],
      config: {
        nodes: [
          { name: 'small', capacity: { cpu: '2', memory: '4Gi', pods: '3' }, labels: { tier: 'small' } },
          { name: 'big', count: 2, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] },
        ],
        plugins: {
          kubelet: {
            enabled: [
              { name: 'Kubelet', options: { renewIntervalSeconds: 0.3, nodeStatusUpdateSeconds: 0.3 } },
              { name: 'SimulatedRuntime', options: { completeAfterMs: 300 } },
              'RejectLabelled',
            ],
          },
        },
      },
    });
    client = inProcessClient(cluster.server);
  });
  after(async () => {
    await cluster?.close();
  });

  it('registers every node of nodes: (count expands to <name>-<i>)', async () => {
    const names = (await client.list(NODES)).items.map((n) => n.metadata.name).sort();
    assert.deepEqual(names, ['big-0', 'big-1', 'small']);
  });

  it('reports Ready and the three pressure conditions with the kubelet reasons', async () => {
    const node = (await client.get(NODES, { name: 'small' })) as Json;
    assert.equal(cond(node, 'Ready')?.status, 'True');
    assert.equal(cond(node, 'Ready')?.reason, 'KubeletReady');
    assert.equal(cond(node, 'MemoryPressure')?.reason, 'KubeletHasSufficientMemory');
    assert.equal(cond(node, 'DiskPressure')?.reason, 'KubeletHasNoDiskPressure');
    assert.equal(cond(node, 'PIDPressure')?.reason, 'KubeletHasSufficientPID');
    assert.equal(cond(node, 'PIDPressure')?.status, 'False');
  });

  it('reports the configured capacity (defaults for what is not configured) as capacity and allocatable', async () => {
    const node = (await client.get(NODES, { name: 'small' })) as Json;
    assert.deepEqual(node.status.capacity, { cpu: '2', memory: '4Gi', pods: '3', 'ephemeral-storage': '100Gi' });
    assert.deepEqual(node.status.allocatable, node.status.capacity);
  });

  it('labels the node with hostname, os, arch and the configured labels, and sets configured taints', async () => {
    const small = (await client.get(NODES, { name: 'small' })) as Json;
    assert.equal(small.metadata.labels['kubernetes.io/hostname'], 'small');
    assert.equal(small.metadata.labels['kubernetes.io/os'], 'linux');
    assert.ok(small.metadata.labels['kubernetes.io/arch']);
    assert.equal(small.metadata.labels.tier, 'small');
    const big = (await client.get(NODES, { name: 'big-1' })) as Json;
    assert.deepEqual(big.spec.taints, [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]);
  });

  it('reports InternalIP and Hostname addresses, nodeInfo and a pod CIDR per node', async () => {
    const nodes = (await client.list(NODES)).items as Json[];
    const ips = nodes.map((n) => n.status.addresses.find((a: Json) => a.type === 'InternalIP')?.address);
    assert.equal(new Set(ips).size, 3);
    const small = nodes.find((n) => n.metadata.name === 'small')!;
    assert.deepEqual(small.status.addresses.find((a: Json) => a.type === 'Hostname'), { type: 'Hostname', address: 'small' });
    assert.equal(small.status.nodeInfo.operatingSystem, 'linux');
    assert.match(small.status.nodeInfo.containerRuntimeVersion, /^simulated:\/\//);
    assert.equal(new Set(nodes.map((n) => n.spec.podCIDR)).size, 3);
  });

  it('renews each node Lease in kube-node-lease, owned by its Node', async () => {
    const first = (await client.get(LEASES, { namespace: 'kube-node-lease', name: 'big-0' })) as Json;
    assert.equal(first.spec.holderIdentity, 'big-0');
    assert.equal(first.metadata.ownerReferences?.[0]?.kind, 'Node');
    await eventually('a renewal', async () => ((await client.get(LEASES, { namespace: 'kube-node-lease', name: 'big-0' })) as Json).spec.renewTime !== first.spec.renewTime, 15_000);
  });

  it('runs a pod bound to its node: Running, Ready, container running, pod IP from the node CIDR, hostIP', async () => {
    await client.create(PODS, pod('web', 'big-0'));
    const p = await eventually('web Running', async () => {
      const x = await getPod('web');
      return x.status?.phase === 'Running' && cond(x, 'Ready')?.status === 'True' ? x : undefined;
    });
    for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers']) assert.equal(cond(p, t)?.status, 'True', t);
    assert.ok(p.status.containerStatuses[0].state.running.startedAt);
    assert.equal(p.status.containerStatuses[0].ready, true);
    assert.ok(p.status.startTime);
    const node = (await client.get(NODES, { name: 'big-0' })) as Json;
    assert.equal(p.status.hostIP, node.status.addresses.find((a: Json) => a.type === 'InternalIP').address);
    assert.equal(p.status.podIP.split('.').slice(0, 3).join('.'), node.spec.podCIDR.split('.').slice(0, 3).join('.'));
  });

  it('ends a restartPolicy Never pod Succeeded with terminated Completed containers', async () => {
    await client.create(PODS, pod('once', 'big-1', { restartPolicy: 'Never' }));
    const p = await eventually('once Succeeded', async () => {
      const x = await getPod('once');
      return x.status?.phase === 'Succeeded' ? x : undefined;
    });
    assert.equal(p.status.containerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 0);
    assert.equal(cond(p, 'Ready')?.reason, 'PodCompleted');
  });

  it('ends a pod Failed when its simulated exit code is not 0', async () => {
    await client.create(PODS, pod('crash', 'big-1', { restartPolicy: 'Never' }, { annotations: { 'simulated.k8ts.dev/exit-code': '3' } }));
    const p = await eventually('crash Failed', async () => {
      const x = await getPod('crash');
      return x.status?.phase === 'Failed' ? x : undefined;
    });
    assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 3);
  });

  it('takes the completion delay from the pod-complete.stage.kwok.x-k8s.io/delay annotation', async () => {
    await client.create(PODS, pod('long', 'big-1', { restartPolicy: 'OnFailure' }, { annotations: { 'pod-complete.stage.kwok.x-k8s.io/delay': '1h' } }));
    await eventually('long Running', async () => (await getPod('long')).status?.phase === 'Running');
    await new Promise((r) => setTimeout(r, 1000)); // > completeAfterMs of the options
    assert.equal((await getPod('long')).status.phase, 'Running');
  });

  it('rejects a pod that does not fit: Failed with reason OutOfcpu', async () => {
    await client.create(PODS, pod('hungry', 'small', { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '3' } } }] }));
    const p = await eventually('hungry Failed', async () => {
      const x = await getPod('hungry');
      return x.status?.phase === 'Failed' ? x : undefined;
    });
    assert.equal(p.status.reason, 'OutOfcpu');
  });

  it('rejects a pod whose nodeSelector the node does not match: reason NodeAffinity', async () => {
    await client.create(PODS, pod('picky', 'small', { nodeSelector: { tier: 'large' } }));
    const p = await eventually('picky Failed', async () => {
      const x = await getPod('picky');
      return x.status?.phase === 'Failed' ? x : undefined;
    });
    assert.equal(p.status.reason, 'NodeAffinity');
  });

  it('lets a kubelet.admitPod tap of another plugin reject a pod with its reason', async () => {
    await client.create(PODS, pod('refused', 'big-0', {}, { labels: { reject: 'yes' } }));
    const p = await eventually('refused Failed', async () => {
      const x = await getPod('refused');
      return x.status?.phase === 'Failed' ? x : undefined;
    });
    assert.equal(p.status.reason, 'UnexpectedAdmissionError');
  });

  it('rejects pods over the node pods capacity: reason OutOfpods', async () => {
    for (const n of ['s1', 's2', 's3', 's4']) await client.create(PODS, pod(n, 'small'));
    await eventually('4 pods decided on small', async () => {
      const pods = (await client.list(PODS, { namespace: 'default', fieldSelector: 'spec.nodeName=small' })).items as Json[];
      return pods.filter((x) => /^s\d$/.test(x.metadata.name)).every((x) => x.status?.phase === 'Running' || x.status?.phase === 'Failed');
    });
    const pods = (await client.list(PODS, { namespace: 'default', fieldSelector: 'spec.nodeName=small' })).items as Json[];
    const active = pods.filter((x) => x.status?.phase === 'Running');
    assert.equal(active.length, 3);
    assert.ok(pods.some((x) => x.status?.reason === 'OutOfpods'));
  });

  it('finishes the deletion of a pod on its node (a graceful delete does not hang)', async () => {
    await client.create(PODS, pod('doomed', 'big-0'));
    await eventually('doomed Running', async () => (await getPod('doomed')).status?.phase === 'Running');
    await client.delete(PODS, { namespace: 'default', name: 'doomed' });
    await eventually('doomed gone', async () => {
      try {
        await getPod('doomed');
        return false;
      } catch (err) {
        return err instanceof StatusError && err.code === 404;
      }
    });
  });

  it('registers a node again when its Node object is deleted', async () => {
    await client.delete(NODES, { name: 'big-1' });
    await eventually('big-1 back', async () => {
      try {
        return cond((await client.get(NODES, { name: 'big-1' })) as Json, 'Ready')?.status === 'True';
      } catch {
        return false;
      }
    }, 15_000);
  });
});

describe('kubelet/Kubelet admission reads the current Node (labels added after registration)', function () {
  this.timeout(60_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;

  before(async () => {
    cluster = await startCluster({
      config: {
        nodes: [{ name: 'late' }],
        plugins: {
          kubelet: {
            // a status period far beyond the test: the kubelet's last posted Node stays stale
            enabled: [{ name: 'Kubelet', options: { nodeStatusUpdateSeconds: 600 } }, 'SimulatedRuntime'],
          },
        },
      },
    });
    client = inProcessClient(cluster.server);
    await eventually('late registered', async () => (await client.list(NODES)).items.length === 1);
  });
  after(async () => {
    await cluster?.close();
  });

  it('admits a pod whose nodeSelector matches a label added with a patch after registration', async () => {
    await client.patch(NODES, { name: 'late' }, 'merge', { metadata: { labels: { disk: 'ssd' } } });
    await client.create(PODS, pod('wants-ssd', 'late', { nodeSelector: { disk: 'ssd' } }));
    const p = await eventually('wants-ssd Running or Failed', async () => {
      const x = (await client.get(PODS, { namespace: 'default', name: 'wants-ssd' })) as Json;
      return x.status?.phase === 'Running' || x.status?.phase === 'Failed' ? x : undefined;
    });
    assert.equal(p.status.phase, 'Running');
  });
});
