/**
 * Acceptance (issue 4): the real kubectl 1.32 against `k8ts up` — delete flavours (cascade, force,
 * grace, dry run, --all, finalizers), garbage-collector cascades with a dependent, and wait.
 * One `k8ts up` for this file; fixtures in crud-fixtures.ts. See /work/shared/docs/kubectl-surface.md §5–§11.
 */
import assert from 'node:assert/strict';
import { show, until } from '../helpers/kubectl';
import { configMap, deployment, fails, ok, pod, useCrudCluster } from './crud-fixtures';

describe('e2e: kubectl CRUD (delete, cascade, wait) against k8ts up', function () {
  this.timeout(60_000);
  const { c, get, create, namespace } = useCrudCluster();

  describe('delete', () => {
    const gone = async (args: string[]) => {
      const r = await c.kubectl(['get', ...args, '-o', 'name']);
      return r.code === 1 && /\(NotFound\)/.test(r.stderr);
    };

    it('delete (default background cascade) removes the object', async () => {
      ok(await create('del-bg.yaml', configMap('del-bg')));
      const r = ok(await c.kubectl(['delete', 'cm', 'del-bg', '--cascade=background', '--timeout=20s']));
      assert.match(r.stdout, /^configmap "del-bg" deleted$/m, show(r));
      assert.ok(await gone(['cm', 'del-bg']));
    });

    it('delete --cascade=foreground removes an object without dependents', async () => {
      ok(await create('del-fg.yaml', deployment('del-fg', 1)));
      const r = ok(await c.kubectl(['delete', 'deploy', 'del-fg', '--cascade=foreground', '--timeout=20s'], { timeoutMs: 40_000 }));
      assert.match(r.stdout, /^deployment\.apps "del-fg" deleted$/m, show(r));
      assert.ok(await gone(['deploy', 'del-fg']));
    });

    it('delete --cascade=orphan removes the object', async () => {
      ok(await create('del-or.yaml', deployment('del-or', 1)));
      const r = ok(await c.kubectl(['delete', 'deploy', 'del-or', '--cascade=orphan', '--timeout=20s'], { timeoutMs: 40_000 }));
      assert.match(r.stdout, /^deployment\.apps "del-or" deleted$/m, show(r));
      assert.ok(await gone(['deploy', 'del-or']));
    });

    it('delete pod --grace-period=0 --force deletes immediately ("force deleted")', async () => {
      ok(await create('del-force.yaml', pod('del-force')));
      const r = ok(await c.kubectl(['delete', 'pod', 'del-force', '--grace-period=0', '--force', '--timeout=20s']));
      assert.match(r.stdout, /^pod "del-force" force deleted$/m, show(r));
      assert.match(r.stderr, /Immediate deletion does not wait for confirmation/, show(r));
      assert.ok(await gone(['pod', 'del-force']));
    });

    it('delete pod (graceful, no kubelet) completes within the wait', async () => {
      ok(await create('del-pod.yaml', pod('del-pod')));
      const r = ok(await c.kubectl(['delete', 'pod', 'del-pod', '--timeout=40s'], { timeoutMs: 50_000 }));
      assert.match(r.stdout, /^pod "del-pod" deleted$/m, show(r));
      assert.ok(await gone(['pod', 'del-pod']));
    });

    it('delete --dry-run=server reports the deletion but keeps the object', async () => {
      ok(await create('del-dry.yaml', configMap('del-dry')));
      const before = await get(['cm', 'del-dry']);
      const r = ok(await c.kubectl(['delete', 'cm', 'del-dry', '--dry-run=server']));
      assert.match(r.stdout, /^configmap "del-dry" deleted \(server dry run\)$/m, show(r));
      const after = await get(['cm', 'del-dry']);
      assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.equal(after.metadata.deletionTimestamp, undefined);
    });

    it('delete cm --all deletes every configmap in the namespace', async () => {
      await namespace('del-all');
      for (const n of ['all-1', 'all-2', 'all-3']) ok(await create(`${n}.yaml`, configMap(n), ['-n', 'del-all']));
      const r = ok(await c.kubectl(['delete', 'cm', '--all', '-n', 'del-all', '--timeout=20s']));
      for (const n of ['all-1', 'all-2', 'all-3']) assert.match(r.stdout, new RegExp(`^configmap "${n}" deleted$`, 'm'), show(r));
      const left = ok(await c.kubectl(['get', 'cm', '-n', 'del-all', '-o', 'name'])).stdout.split('\n');
      for (const n of ['all-1', 'all-2', 'all-3']) assert.ok(!left.includes(`configmap/${n}`), left.join(' '));
    });

    it('delete of an object with a finalizer sets deletionTimestamp and keeps it (--wait=false)', async () => {
      ok(await create('fin-keep.yaml', { ...configMap('fin-keep'), metadata: { name: 'fin-keep', finalizers: ['e2e.k8ts.io/hold'] } }));
      ok(await c.kubectl(['delete', 'cm', 'fin-keep', '--wait=false']));
      const cm = await get(['cm', 'fin-keep']);
      assert.match(cm.metadata.deletionTimestamp ?? '', /Z$/, JSON.stringify(cm.metadata));
      const more = await c.kubectl(['patch', 'cm', 'fin-keep', '--type=merge', '-p', '{"metadata":{"finalizers":["e2e.k8ts.io/hold","e2e.k8ts.io/other"]}}']);
      assert.equal(more.code, 1, show(more));
      assert.match(more.stderr, /metadata\.finalizers: Forbidden: no new finalizers can be added if the object is being deleted/, show(more));
      ok(await c.kubectl(['patch', 'cm', 'fin-keep', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']));
      assert.ok(await until('fin-keep gone', () => gone(['cm', 'fin-keep'])));
    });
  });

  describe('delete --cascade with a dependent (ownerReferences; needs the garbage collector, §11)', () => {
    /** an owner ConfigMap and a dependent ConfigMap that names it (blockOwnerDeletion) */
    const family = async (prefix: string) => {
      ok(await create(`${prefix}-owner.yaml`, configMap(`${prefix}-owner`)));
      const owner = await get(['cm', `${prefix}-owner`]);
      ok(
        await create(`${prefix}-dep.yaml`, {
          ...configMap(`${prefix}-dep`),
          metadata: { name: `${prefix}-dep`, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid, blockOwnerDeletion: true }] },
        }),
      );
    };
    const exists = async (name: string) => (await c.request('GET', `/api/v1/namespaces/default/configmaps/${name}`)).status === 200;

    it('background: the owner goes at once, the dependent is deleted afterwards', async () => {
      await family('gc-bg');
      ok(await c.kubectl(['delete', 'cm', 'gc-bg-owner', '--cascade=background', '--timeout=20s']));
      assert.equal(await exists('gc-bg-owner'), false);
      await until('gc-bg-dep deleted by the garbage collector', async () => !(await exists('gc-bg-dep')), 10_000);
    });

    it('foreground: the dependent is deleted before the owner disappears', async () => {
      await family('gc-fg');
      const r = ok(await c.kubectl(['delete', 'cm', 'gc-fg-owner', '--cascade=foreground', '--timeout=30s'], { timeoutMs: 45_000 }));
      assert.match(r.stdout, /^configmap "gc-fg-owner" deleted$/m, show(r));
      assert.equal(await exists('gc-fg-owner'), false);
      assert.equal(await exists('gc-fg-dep'), false, 'with foreground deletion the dependent is gone by the time the owner is');
    });

    it('orphan: the dependent stays, without its ownerReference', async () => {
      await family('gc-or');
      ok(await c.kubectl(['delete', 'cm', 'gc-or-owner', '--cascade=orphan', '--timeout=20s']));
      assert.equal(await exists('gc-or-owner'), false);
      const dep = await until('gc-or-dep orphaned', async () => {
        const d = await get(['cm', 'gc-or-dep']);
        return (d.metadata.ownerReferences ?? []).length === 0 ? d : undefined;
      }, 10_000);
      assert.equal(dep.metadata.name, 'gc-or-dep');
    });
  });

  describe('wait', () => {
    it('wait --for=delete returns once the finalizer is removed by a patch', async () => {
      ok(await create('wait-del.yaml', { ...configMap('wait-del'), metadata: { name: 'wait-del', finalizers: ['e2e.k8ts.io/hold'] } }));
      ok(await c.kubectl(['delete', 'cm', 'wait-del', '--wait=false']));
      const w = c.background(['wait', '--for=delete', 'cm/wait-del', '--timeout=40s'], { timeoutMs: 50_000 });
      try {
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(w.stdout(), '', 'still waiting while the finalizer is there');
        ok(await c.kubectl(['patch', 'cm', 'wait-del', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']));
        const r = await w.exited();
        assert.equal(r.code, 0, show(r));
        assert.match(r.stdout, /^configmap\/wait-del condition met$/m, show(r));
      } finally {
        await w.stop();
      }
    });

    it('wait --for=condition=Ready returns once the condition is set via patch --subresource=status', async () => {
      // bound to a node that does not exist, so that no scheduler or node agent touches its conditions
      ok(await create('wait-ready.yaml', pod('wait-ready', { app: 'web' }, { nodeName: 'e2e-nowhere' })));
      const w = c.background(['wait', '--for=condition=Ready', 'pod/wait-ready', '--timeout=40s'], { timeoutMs: 50_000 });
      try {
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(w.stdout(), '', 'still waiting before the condition is set');
        ok(await c.kubectl(['patch', 'pod', 'wait-ready', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}']));
        const r = await w.exited();
        assert.equal(r.code, 0, show(r));
        assert.match(r.stdout, /^pod\/wait-ready condition met$/m, show(r));
      } finally {
        await w.stop();
      }
    });

    it('wait --for=condition times out with rc 1 when the condition never comes', async () => {
      ok(await create('wait-never.yaml', configMap('wait-never')));
      const r = await c.kubectl(['wait', '--for=condition=Ready', 'cm/wait-never', '--timeout=2s']);
      fails(r, /timed out waiting for the condition on configmaps\/wait-never/);
    });
  });
});
