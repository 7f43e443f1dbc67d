/**
 * core/v1 plugins through the API (server.inject -> KubeAPIServer's generic store -> the strategy
 * taps), with SystemNamespaces creating the system namespaces and the kubernetes Service.
 */
import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { api, causeFields, startWithPlugins, type Obj } from '../shared/groups-testing';
import SystemNamespaces from '../system-namespaces';
import ConfigMap from './configmaps';
import Endpoints from './endpoints';
import Event from './events';
import Namespace from './namespaces';
import Node from './nodes';
import Pod from './pods';
import Secret from './secrets';
import Service from './services';

const PODS = '/api/v1/namespaces/default/pods';
const SERVICES = '/api/v1/namespaces/default/services';

function pod(name: string, spec: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
}

async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('resources/core through the API', function () {
  this.timeout(20000);
  let server: Server;
  let a: ReturnType<typeof api>;

  beforeEach(async () => {
    server = await startWithPlugins([Namespace, Pod, Service, Endpoints, Node, ConfigMap, Secret, Event, SystemNamespaces], {
      SystemNamespaces: { port: 6443, advertiseAddress: '192.168.1.10' },
    });
    a = api(server);
  });
  afterEach(async () => {
    await server.stop(0);
  });

  describe('SystemNamespaces', () => {
    it('creates default, kube-system, kube-public and kube-node-lease, Active', async () => {
      const list = (await a.call('GET', '/api/v1/namespaces')).json<Obj>();
      const names = list.items.map((n: Obj) => n.metadata.name).sort();
      assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
      assert.ok(list.items.every((n: Obj) => n.status.phase === 'Active'));
    });

    it('creates the kubernetes Service on the first service IP and its Endpoints', async () => {
      const svc = (await a.call('GET', `${SERVICES}/kubernetes`)).json<Obj>();
      assert.equal(svc.spec.clusterIP, '10.96.0.1');
      assert.deepEqual(svc.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
      const ep = (await a.call('GET', '/api/v1/namespaces/default/endpoints/kubernetes')).json<Obj>();
      assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    });

    it('is idempotent when run again', async () => {
      const tap = server.hooks.initialize.taps.find((t) => t.name === 'SystemNamespaces')!;
      await (tap.fn as (s: Server) => Promise<void>)(server);
      assert.equal((await a.call('GET', '/api/v1/namespaces')).json<Obj>().items.length, 4);
    });
  });

  describe('Pod', () => {
    it('creates a pod with defaults and Pending status (201)', async () => {
      const p = await a.create(PODS, pod('p1'));
      assert.equal(p.spec.restartPolicy, 'Always');
      assert.equal(p.spec.containers[0].imagePullPolicy, 'Always');
      assert.equal(p.status.phase, 'Pending');
      assert.equal(p.status.qosClass, 'BestEffort');
    });

    it('answers 422 Invalid with the missing image as a cause', async () => {
      const res = await a.call('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { containers: [{ name: 'c' }] } });
      assert.equal(res.status, 422);
      const status = res.json<Obj>();
      assert.equal(status.reason, 'Invalid');
      assert.deepEqual(causeFields(status), ['spec.containers[0].image']);
    });

    it('prints READY and STATUS in the Table', async () => {
      await a.create(PODS, pod('p1'));
      const table = await a.table(`${PODS}/p1`);
      assert.deepEqual(table.columnDefinitions.map((c: Obj) => c.name).slice(0, 5), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
      assert.deepEqual(table.rows[0].cells.slice(0, 4), ['p1', '0/1', 'Pending', '0']);
    });

    it('binds a pod to a node once (201), then 409 Conflict', async () => {
      await a.create(PODS, pod('p1'));
      const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node1' } };
      const first = await a.call('POST', `${PODS}/p1/binding`, binding);
      assert.equal(first.status, 201);
      assert.equal(first.json<Obj>().status, 'Success');
      const p = (await a.call('GET', `${PODS}/p1`)).json<Obj>();
      assert.equal(p.spec.nodeName, 'node1');
      assert.ok(p.status.conditions.some((c: Obj) => c.type === 'PodScheduled' && c.status === 'True'));
      const again = await a.call('POST', `${PODS}/p1/binding`, { ...binding, target: { kind: 'Node', name: 'node2' } });
      assert.equal(again.status, 409);
      assert.equal(again.json<Obj>().reason, 'Conflict');
    });

    it('evicts an unscheduled pod: 201 Status Success and the pod is gone', async () => {
      await a.create(PODS, pod('p1'));
      const res = await a.call('POST', `${PODS}/p1/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p1', namespace: 'default' } });
      assert.equal(res.status, 201);
      assert.equal(res.json<Obj>().status, 'Success');
      assert.equal((await a.call('GET', `${PODS}/p1`)).status, 404);
    });

    it('keeps an evicted scheduled pod Terminating for its grace period', async () => {
      await a.create(PODS, pod('p1'));
      await a.call('POST', `${PODS}/p1/binding`, { metadata: { name: 'p1' }, target: { kind: 'Node', name: 'node1' } });
      assert.equal((await a.call('POST', `${PODS}/p1/eviction`, { metadata: { name: 'p1' } })).status, 201);
      const table = await a.table(`${PODS}/p1`);
      assert.equal(table.rows[0].cells[2], 'Terminating');
    });

    it('leaves the pod in place on a dry-run eviction', async () => {
      await a.create(PODS, pod('p1'));
      const res = await a.call('POST', `${PODS}/p1/eviction?dryRun=All`, { metadata: { name: 'p1' } });
      assert.equal(res.status, 201);
      assert.equal((await a.call('GET', `${PODS}/p1`)).status, 200);
    });

    it('answers 404 when evicting a missing pod', async () => {
      const res = await a.call('POST', `${PODS}/nope/eviction`, { metadata: { name: 'nope' } });
      assert.equal(res.status, 404);
    });

    it('lists pods by the spec.nodeName field selector', async () => {
      await a.create(PODS, pod('p1'));
      await a.create(PODS, pod('p2'));
      await a.call('POST', `${PODS}/p1/binding`, { metadata: { name: 'p1' }, target: { kind: 'Node', name: 'node1' } });
      const on = (await a.call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode1')).json<Obj>();
      assert.deepEqual(on.items.map((p: Obj) => p.metadata.name), ['p1']);
      const pending = (await a.call('GET', `${PODS}?fieldSelector=spec.nodeName%3D`)).json<Obj>();
      assert.deepEqual(pending.items.map((p: Obj) => p.metadata.name), ['p2']);
    });

    it('lists pods by status.phase', async () => {
      await a.create(PODS, pod('p1'));
      const res = (await a.call('GET', `${PODS}?fieldSelector=status.phase%3DPending`)).json<Obj>();
      assert.equal(res.items.length, 1);
    });

    it('refuses a spec change through PUT (422 Forbidden cause)', async () => {
      const p = await a.create(PODS, pod('p1'));
      p.spec.restartPolicy = 'Never';
      const res = await a.call('PUT', `${PODS}/p1`, p);
      assert.equal(res.status, 422);
      assert.equal(res.json<Obj>().details.causes[0].reason, 'FieldValueForbidden');
    });
  });

  describe('Service', () => {
    it('allocates a cluster IP and prints PORT(S)', async () => {
      const svc = await a.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
      assert.match(svc.spec.clusterIP, /^10\./);
      assert.notEqual(svc.spec.clusterIP, '10.96.0.1');
      const table = await a.table(`${SERVICES}/web`);
      assert.deepEqual(table.rows[0].cells.slice(0, 5), ['web', 'ClusterIP', svc.spec.clusterIP, '<none>', '80/TCP']);
    });

    it('refuses the kubernetes Service IP for another service (422)', async () => {
      const res = await a.call('POST', SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dup' }, spec: { clusterIP: '10.96.0.1', ports: [{ port: 80 }] } });
      assert.equal(res.status, 422);
      assert.deepEqual(causeFields(res.json<Obj>()), ['spec.clusterIPs[0]']);
    });

    it('frees an IP when its service is deleted', async () => {
      const body = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { clusterIP: '10.96.5.5', ports: [{ port: 80 }] } };
      await a.create(SERVICES, body);
      assert.equal((await a.call('DELETE', `${SERVICES}/a`)).status, 200);
      await eventually(async () => (await a.call('POST', SERVICES, { ...body, metadata: { name: 'b' } })).status === 201);
    });

    it('allocates a node port for NodePort services', async () => {
      const svc = await a.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
      const nodePort = svc.spec.ports[0].nodePort;
      assert.ok(nodePort >= 30000 && nodePort <= 32767);
      const table = await a.table(`${SERVICES}/np`);
      assert.equal(table.rows[0].cells[4], `80:${nodePort}/TCP`);
    });
  });

  describe('Node, Secret, Event', () => {
    it('prints node STATUS and selects by spec.unschedulable', async () => {
      await a.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
      const table = await a.table('/api/v1/nodes/n1');
      assert.equal(table.rows[0].cells[1], 'Ready,SchedulingDisabled');
      const list = (await a.call('GET', '/api/v1/nodes?fieldSelector=spec.unschedulable%3Dtrue')).json<Obj>();
      assert.equal(list.items.length, 1);
    });

    it('defaults secrets to Opaque and selects by type', async () => {
      await a.create('/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } });
      const list = (await a.call('GET', '/api/v1/namespaces/default/secrets?fieldSelector=type%3DOpaque')).json<Obj>();
      assert.deepEqual(list.items.map((s: Obj) => [s.metadata.name, s.data.k]), [['s', Buffer.from('v').toString('base64')]]);
    });

    it('selects events by involvedObject fields as kubectl describe does', async () => {
      const ev = (name: string, obj: string) => ({ apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind: 'Pod', name: obj, namespace: 'default' }, reason: 'Started', type: 'Normal' });
      await a.create('/api/v1/namespaces/default/events', ev('e1', 'p1'));
      await a.create('/api/v1/namespaces/default/events', ev('e2', 'p2'));
      const list = (await a.call('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp1%2CinvolvedObject.namespace%3Ddefault')).json<Obj>();
      assert.deepEqual(list.items.map((e: Obj) => e.metadata.name), ['e1']);
    });
  });
});

describe('resources/Namespace finalize through the API', function () {
  this.timeout(20000);
  let server: Server;
  afterEach(async () => {
    await server.stop(0);
  });

  it('replaces spec.finalizers through /finalize only', async () => {
    server = await startWithPlugins([Namespace]);
    const a = api(server);
    await a.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    const put = await a.call('PUT', '/api/v1/namespaces/demo/finalize', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' }, spec: { finalizers: [] } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json<Obj>().spec.finalizers, []);
  });

  it('keeps a namespace Terminating until finalized when keepUntilFinalized is on', async () => {
    server = await startWithPlugins([Namespace], { Namespace: { keepUntilFinalized: true } });
    const a = api(server);
    await a.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    assert.equal((await a.call('DELETE', '/api/v1/namespaces/demo')).status, 200);
    const ns = (await a.call('GET', '/api/v1/namespaces/demo')).json<Obj>();
    assert.equal(ns.status.phase, 'Terminating');
    await a.call('PUT', '/api/v1/namespaces/demo/finalize', { metadata: { name: 'demo' }, spec: { finalizers: [] } });
    assert.equal((await a.call('DELETE', '/api/v1/namespaces/demo')).status, 200);
    assert.equal((await a.call('GET', '/api/v1/namespaces/demo')).status, 404);
  });
});
