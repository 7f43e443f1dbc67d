import assert from 'node:assert/strict';
import { getControllerHooks, gvr, inProcessClient, LEASE_GVR, LeaderElector, type ControllerSpec, type RegisteredController } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { getControllerManager } from '.';
import { ControllerManager } from './manager';
import { eventually, useControllerCluster } from './testing';

const CM = gvr('v1', 'configmaps');

describe('controllers/ControllerManager leader election', () => {
  const cluster = useControllerCluster();

  it('the built-in manager takes the kube-system/kube-controller-manager Lease', async () => {
    const { client, started } = await cluster.start();
    const manager = getControllerManager(started.server)!;
    await eventually(() => manager.isLeader(), 10_000, 'leadership');
    const lease = await client.get<KObject & { spec: { holderIdentity: string } }>(LEASE_GVR, { namespace: 'kube-system', name: 'kube-controller-manager' });
    assert.equal(lease.spec.holderIdentity, manager.identity);
  });

  it('of two electors on one Lease only one leads; when it stops (releasing), the other takes over', async () => {
    const { started } = await cluster.start();
    const client = inProcessClient(started.server);
    const leading = new Set<string>();
    const make = (identity: string) =>
      new LeaderElector({
        client,
        namespace: 'default',
        name: 'two',
        identity,
        leaseDurationMs: 5000,
        renewDeadlineMs: 3000,
        retryPeriodMs: 50,
        onStartedLeading: () => leading.add(identity),
        onStoppedLeading: () => leading.delete(identity),
      });
    const a = make('a');
    const b = make('b');
    a.start();
    await eventually(() => a.isLeader(), 5000, 'a leads');
    b.start();
    // b keeps trying for a while and never leads while a renews
    for (let i = 0; i < 10; i++) {
      assert.equal(await b.tryAcquireOrRenew(), false);
      assert.deepEqual([...leading], ['a']);
    }
    await a.stop();
    await eventually(() => b.isLeader(), 5000, 'b takes over after a released');
    assert.deepEqual([...leading], ['b']);
    await b.stop();
  });

  it('fencing: a renewal carrying a stale resourceVersion loses leadership at once (409 Conflict)', async () => {
    const { started } = await cluster.start();
    const client = inProcessClient(started.server);
    let stopped = 0;
    const a = new LeaderElector({
      client,
      namespace: 'default',
      name: 'fenced',
      identity: 'a',
      retryPeriodMs: 60_000,
      onStartedLeading: () => undefined,
      onStoppedLeading: () => stopped++,
    });
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.equal(await a.tryAcquireOrRenew(), true, 'renews with its own resourceVersion');
    // another writer changes the Lease behind a's back
    const lease = await client.get<KObject & { spec: Record<string, unknown> }>(LEASE_GVR, { namespace: 'default', name: 'fenced' });
    await client.update(LEASE_GVR, { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } });
    assert.equal(await a.tryAcquireOrRenew(), false);
    assert.equal(a.isLeader(), false);
    assert.equal(stopped, 1);
  });

  it('two controller-managers on one server: only the leader runs controllers; the other takes over when it stops', async () => {
    const { started, client } = await cluster.start();
    const server = started.server;
    const acted: string[] = [];
    const makeSpec = (who: string): ControllerSpec => ({
      name: 'Recorder',
      setup(ctx) {
        const inf = ctx.informers.informerFor(CM, { namespace: 'default' });
        inf.addEventHandler({ add: (o) => ctx.enqueue(o) });
        return {
          async reconcile(key) {
            if (key.startsWith('default/le-')) acted.push(`${who}:${key}`);
          },
        };
      },
    });
    const options = { leaderElection: { name: 'test-managers', namespace: 'default', leaseDurationSeconds: 5, renewDeadlineSeconds: 3, retryPeriodSeconds: 0.05 } };
    const regs = (who: string): (() => RegisteredController[]) => () => [{ spec: makeSpec(who), options: {} }];
    const m1 = new ControllerManager(server, inProcessClient(server), { ...options, leaderElection: { ...options.leaderElection, identity: 'm1' } }, regs('m1'));
    const m2 = new ControllerManager(server, inProcessClient(server), { ...options, leaderElection: { ...options.leaderElection, identity: 'm2' } }, regs('m2'));
    m1.start();
    await eventually(() => m1.isLeader(), 5000, 'm1 leads');
    m2.start();
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'le-1', namespace: 'default' } });
    await eventually(() => acted.includes('m1:default/le-1'), 5000, 'm1 reconciled le-1');
    assert.equal(m2.isLeader(), false);
    assert.deepEqual(m2.runningControllers(), []);
    await m1.stop();
    await eventually(() => m2.isLeader() && m2.runningControllers().includes('Recorder'), 5000, 'm2 leads');
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'le-2', namespace: 'default' } });
    await eventually(() => acted.includes('m2:default/le-2'), 5000, 'm2 reconciled le-2');
    assert.equal(acted.filter((a) => a.startsWith('m1:') && a.endsWith('le-2')).length, 0, 'm1 never acts after it stopped');
    await m2.stop();
  });

  it('a deposed manager cannot write: its controllers get 503 ServiceUnavailable from the fenced client', async () => {
    const { started } = await cluster.start();
    const server = started.server;
    let captured: import('../../../core/client').Client | undefined;
    const spec: ControllerSpec = {
      name: 'Capture',
      setup(ctx) {
        captured = ctx.client;
      },
    };
    const m = new ControllerManager(server, inProcessClient(server), { leaderElection: { name: 'deposed', namespace: 'default', identity: 'x', retryPeriodSeconds: 0.05 } }, () => [{ spec, options: {} }]);
    m.start();
    await eventually(() => captured !== undefined, 5000, 'controller set up');
    await m.stop();
    await assert.rejects(
      captured!.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'default' } }),
      (err: { reason?: string; code?: number }) => err.reason === 'ServiceUnavailable' && err.code === 503,
    );
  });

  it('controllers.reconcile can veto a reconcile with skip; controllers.started reports started controllers', async () => {
    const { started } = await cluster.start();
    const server = started.server;
    const hooks = getControllerHooks(server);
    const startedNames: string[] = [];
    const reconciled: string[] = [];
    hooks.started.tap('test', (name) => startedNames.push(name));
    hooks.reconcile.tapPromise('test', async (rc) => (rc.controller === 'Vetoed' && rc.key.endsWith('/veto-me') ? 'skip' : undefined));
    const spec: ControllerSpec = {
      name: 'Vetoed',
      setup(ctx) {
        ctx.informers.informerFor(CM, { namespace: 'default' }).addEventHandler({ add: (o) => ctx.enqueue(o) });
        return { reconcile: async (key) => void reconciled.push(key) };
      },
    };
    const m = new ControllerManager(server, inProcessClient(server), { leaderElection: { enabled: false } }, () => [{ spec, options: {} }]);
    m.start();
    await eventually(() => startedNames.includes('Vetoed'), 5000, 'started');
    const client = inProcessClient(server);
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'veto-me', namespace: 'default' } });
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'let-me', namespace: 'default' } });
    await eventually(() => reconciled.includes('default/let-me'), 5000, 'let-me reconciled');
    assert.equal(reconciled.includes('default/veto-me'), false);
    await m.stop();
  });
});
