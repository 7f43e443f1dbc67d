import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import { inProcessClient, SharedInformerFactory, type Client } from '../../../core/client';
import DaemonSetPlugin from './index';
import { DAEMONSETS, NODES } from './controller';
import { daemonPodNode } from './util';
import { PODS } from '../shared/pod-control';
import { isPodReady } from '../shared/pod-status';
import { CONTROLLERREVISIONS } from '../shared/sts-revisions';
import { runController, startFakeKubelet, type FakeKubelet, type HostedController } from '../shared/testing';
import { eventually, sleep, startCluster } from '../shared/test-cluster';

const NS = 'default';
type Json = Record<string, any>;

function ds(name: string, podSpec: Json = {}, extra: Json = {}, image = 'agent:1'): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: NS },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }], ...podSpec } },
      ...extra,
    },
  };
}

function node(name: string, labels: Record<string, string> = {}, taints: Json[] = []): KObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: taints.length ? { taints } : {} };
}

describe('controllers/DaemonSet (integration, in-process client, memory storage, fake kubelet)', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let ctrl: HostedController | undefined;
  let kubelet: FakeKubelet | undefined;

  beforeEach(async () => {
    cluster = await startCluster();
    client = inProcessClient(cluster.server);
  });
  afterEach(async () => {
    await ctrl?.stop();
    await kubelet?.stop();
    ctrl = kubelet = undefined;
    await cluster.close();
  });

  const live = async (app: string) => (await client.list(PODS, { namespace: NS, labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const nodesOf = async (app: string) => (await live(app)).map((p) => daemonPodNode(p) ?? '?').sort();
  const statusOf = async (name: string): Promise<Json> => {
    const d = await client.get(DAEMONSETS, { namespace: NS, name });
    return { ...(d.status as Json), generation: d.metadata.generation };
  };
  const onNodes = (app: string, want: string[]) =>
    eventually(`${app} on ${want.join(',')}`, async () => {
      const got = await nodesOf(app);
      return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
    });
  const setNode = (name: string, patch: Json) => client.patch(NODES, { name }, 'merge', patch);

  it('places one pod per node, pinned by matchFields affinity and bound with nodeName (bindDirectly), with DaemonSet tolerations and status counts', async () => {
    for (const n of ['n1', 'n2', 'n3']) await client.create(NODES, node(n));
    ctrl = await runController(cluster.server, DaemonSetPlugin);
    kubelet = startFakeKubelet(client);
    await client.create(DAEMONSETS, ds('agent'));
    await onNodes('agent', ['n1', 'n2', 'n3']);
    const st = await eventually('status', async () => {
      const s = await statusOf('agent');
      return s.desiredNumberScheduled === 3 && s.currentNumberScheduled === 3 && s.numberReady === 3 && s.numberAvailable === 3 && s.updatedNumberScheduled === 3 && s.observedGeneration === s.generation ? s : undefined;
    });
    assert.equal(st.numberMisscheduled, 0);
    const pods = await live('agent');
    const revs = (await client.list(CONTROLLERREVISIONS, { namespace: NS })).items;
    assert.equal(revs.length, 1);
    for (const p of pods) {
      const spec = p.spec as Json;
      assert.equal(spec.nodeName, daemonPodNode(p));
      assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [spec.nodeName] }] }]);
      const keys = (spec.tolerations as Json[]).map((t) => `${t.key}:${t.effect}`);
      for (const k of ['not-ready:NoExecute', 'unreachable:NoExecute', 'disk-pressure:NoSchedule', 'memory-pressure:NoSchedule', 'pid-pressure:NoSchedule', 'unschedulable:NoSchedule']) assert.ok(keys.includes(`node.kubernetes.io/${k}`), k);
      assert.equal(`agent-${p.metadata.labels?.['controller-revision-hash']}`, revs[0].metadata.name);
      assert.equal(p.metadata.ownerReferences?.[0]?.kind, 'DaemonSet');
    }
    await client.create(NODES, node('n4'));
    await onNodes('agent', ['n1', 'n2', 'n3', 'n4']);
  });

  it('bindDirectly: false leaves spec.nodeName to a scheduler and pins by affinity only', async () => {
    await client.create(NODES, node('n1'));
    ctrl = await runController(cluster.server, DaemonSetPlugin, { bindDirectly: false });
    await client.create(DAEMONSETS, ds('agent'));
    const [p] = await eventually('a pod', async () => {
      const ps = await live('agent');
      return ps.length === 1 ? ps : undefined;
    });
    assert.equal((p.spec as Json).nodeName, undefined);
    assert.equal(daemonPodNode(p), 'n1');
  });

  it('skips nodes with untolerated NoSchedule/NoExecute taints, runs where tolerated, tolerates node.kubernetes.io/unschedulable by itself', async () => {
    await client.create(NODES, node('plain'));
    await client.create(NODES, node('gpu', {}, [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }]));
    await client.create(NODES, node('drain', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]));
    await client.create(NODES, node('soft', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]));
    ctrl = await runController(cluster.server, DaemonSetPlugin);
    kubelet = startFakeKubelet(client);
    await client.create(DAEMONSETS, ds('a'));
    await client.create(DAEMONSETS, ds('b', { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] }));
    await onNodes('a', ['drain', 'plain', 'soft']);
    await onNodes('b', ['drain', 'gpu', 'plain', 'soft']);
  });

  it('a NoExecute taint evicts the pod; a new NoSchedule taint leaves it running but misscheduled', async () => {
    for (const n of ['n1', 'n2']) await client.create(NODES, node(n));
    ctrl = await runController(cluster.server, DaemonSetPlugin);
    kubelet = startFakeKubelet(client);
    await client.create(DAEMONSETS, ds('agent'));
    await onNodes('agent', ['n1', 'n2']);
    await setNode('n1', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    await eventually('misscheduled 1', async () => {
      const s = await statusOf('agent');
      return s.numberMisscheduled === 1 && s.desiredNumberScheduled === 1;
    });
    assert.deepEqual(await nodesOf('agent'), ['n1', 'n2']);
    await setNode('n2', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
    await onNodes('agent', ['n1']);
  });

  it('nodeSelector and required node affinity choose the nodes; relabelling a node removes or adds its pod', async () => {
    await client.create(NODES, node('n1', { disk: 'ssd', zone: 'a' }));
    await client.create(NODES, node('n2', { disk: 'hdd', zone: 'b' }));
    await client.create(NODES, node('n3', { zone: 'c' }));
    ctrl = await runController(cluster.server, DaemonSetPlugin);
    kubelet = startFakeKubelet(client);
    await client.create(DAEMONSETS, ds('sel', { nodeSelector: { disk: 'ssd' } }));
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'c'] }] }] } } };
    await client.create(DAEMONSETS, ds('aff', { affinity }));
    await onNodes('sel', ['n1']);
    await onNodes('aff', ['n2', 'n3']);
    await setNode('n1', { metadata: { labels: { disk: 'hdd' } } });
    await setNode('n2', { metadata: { labels: { disk: 'ssd' } } });
    await onNodes('sel', ['n2']);
    await setNode('n3', { metadata: { labels: { zone: 'a' } } });
    await onNodes('aff', ['n2']);
  });

  it('deletes the pod of a node that is deleted', async () => {
    for (const n of ['n1', 'n2']) await client.create(NODES, node(n));
    ctrl = await runController(cluster.server, DaemonSetPlugin);
    kubelet = startFakeKubelet(client);
    await client.create(DAEMONSETS, ds('agent'));
    await onNodes('agent', ['n1', 'n2']);
    await client.delete(NODES, { name: 'n2' });
    await onNodes('agent', ['n1']);
  });

  /** Watches pods of `app` and tracks, per event, how many nodes have a Ready pod and the most pods on one node. */
  function watchAvailability(app: string, nodes: string[]) {
    const f = new SharedInformerFactory(client);
    const inf = f.informerFor(PODS, { namespace: NS });
    const abort = new AbortController();
    const seen = { minReadyNodes: Infinity, maxPodsPerNode: 0 };
    let armed = false;
    const check = () => {
      if (!armed) return; // the initial list arrives pod by pod
      const pods = inf.list(NS).filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
      const readyNodes = new Set(pods.filter(isPodReady).map((p) => daemonPodNode(p)));
      seen.minReadyNodes = Math.min(seen.minReadyNodes, nodes.filter((n) => readyNodes.has(n)).length);
      for (const n of nodes) seen.maxPodsPerNode = Math.max(seen.maxPodsPerNode, pods.filter((p) => daemonPodNode(p) === n).length);
    };
    inf.addEventHandler({ add: check, update: check, delete: check });
    f.start(abort.signal);
    const ready = async () => {
      await f.waitForCacheSync();
      armed = true;
      check();
    };
    return { seen, ready, stop: async () => (abort.abort(), await f.shutdown()) };
  }

  async function rollout(name: string, nodes: string[], strategy: Json) {
    for (const n of nodes) await client.create(NODES, node(n));
    ctrl = await runController(cluster.server, DaemonSetPlugin);
    kubelet = startFakeKubelet(client, { readyDelayMs: 30 });
    await client.create(DAEMONSETS, ds(name, {}, { updateStrategy: strategy }));
    await eventually('all available', async () => (await statusOf(name)).numberAvailable === nodes.length);
    const w = watchAvailability(name, nodes);
    await w.ready();
    await client.patch(DAEMONSETS, { namespace: NS, name }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await eventually('rolled out', async () => {
      const s = await statusOf(name);
      const pods = await live(name);
      return (
        s.observedGeneration === s.generation &&
        s.updatedNumberScheduled === nodes.length &&
        s.numberAvailable === nodes.length &&
        pods.length === nodes.length &&
        pods.every((p) => (p.spec as Json).containers[0].image === 'agent:2')
      );
    });
    await w.stop();
    return w.seen;
  }

  it('RollingUpdate maxUnavailable 1: replaces every pod, never more than one node without a Ready pod', async () => {
    const nodes = ['n1', 'n2', 'n3', 'n4'];
    const seen = await rollout('ru', nodes, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.ok(seen.minReadyNodes >= nodes.length - 1, JSON.stringify(seen));
    assert.equal(seen.maxPodsPerNode, 1);
    assert.equal((await client.list(CONTROLLERREVISIONS, { namespace: NS })).items.length, 2);
  });

  it('RollingUpdate maxSurge 1, maxUnavailable 0: starts the new pod next to the old one, every node keeps a Ready pod', async () => {
    const nodes = ['n1', 'n2', 'n3'];
    const seen = await rollout('surge', nodes, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    assert.equal(seen.minReadyNodes, nodes.length, JSON.stringify(seen));
    assert.equal(seen.maxPodsPerNode, 2);
  });

  it('OnDelete: a template change replaces nothing until a pod is deleted', async () => {
    for (const n of ['n1', 'n2']) await client.create(NODES, node(n));
    ctrl = await runController(cluster.server, DaemonSetPlugin);
    kubelet = startFakeKubelet(client);
    await client.create(DAEMONSETS, ds('od', {}, { updateStrategy: { type: 'OnDelete' } }));
    await eventually('available', async () => (await statusOf('od')).numberAvailable === 2);
    await client.patch(DAEMONSETS, { namespace: NS, name: 'od' }, 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await eventually('observed', async () => {
      const s = await statusOf('od');
      return s.observedGeneration === s.generation && (s.updatedNumberScheduled ?? 0) === 0;
    });
    await sleep(300);
    assert.ok((await live('od')).every((p) => (p.spec as Json).containers[0].image === 'agent:1'));
    const victim = (await live('od')).find((p) => daemonPodNode(p) === 'n2')!;
    await client.delete(PODS, { namespace: NS, name: victim.metadata.name ?? '' });
    await eventually('n2 at agent:2', async () => (await live('od')).some((p) => daemonPodNode(p) === 'n2' && (p.spec as Json).containers[0].image === 'agent:2'));
    assert.equal((await live('od')).find((p) => daemonPodNode(p) === 'n1')?.spec && ((await live('od')).find((p) => daemonPodNode(p) === 'n1')!.spec as Json).containers[0].image, 'agent:1');
    await eventually('updatedNumberScheduled 1', async () => (await statusOf('od')).updatedNumberScheduled === 1);
  });
});
