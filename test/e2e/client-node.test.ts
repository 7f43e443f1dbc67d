/**
 * Acceptance (issue 4): @kubernetes/client-node 1.4 against `k8ts up` — typed CoreV1Api CRUD
 * (configmaps, pods) and KubernetesObjectApi, including server-side apply. Watch and informers
 * are in client-node-watch.test.ts. See /work/shared/docs/kubectl-surface.md §8, §12.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { until } from '../helpers/kubectl';
import { mergePatch, NS, pod, rejects, statusOf, useClientNode } from './client-node-fixtures';

describe('e2e: @kubernetes/client-node against k8ts up', function () {
  this.timeout(60_000);
  const cn = useClientNode({ ensureNamespaces: ['default', NS] });
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  before(() => {
    ({ kc, core } = cn);
  });

  describe('CoreV1Api configmaps', () => {
    it('create returns the stored object (uid, resourceVersion, creationTimestamp)', async () => {
      const cm = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-create' }, data: { a: '1' } } });
      assert.equal(cm.metadata?.name, 'cm-create');
      assert.equal(cm.metadata?.namespace, NS);
      assert.ok(cm.metadata?.uid);
      assert.ok(cm.metadata?.resourceVersion);
      assert.ok(cm.metadata?.creationTimestamp instanceof Date && !isNaN(cm.metadata.creationTimestamp.getTime()), String(cm.metadata?.creationTimestamp));
      assert.deepEqual(cm.data, { a: '1' });
    });

    it('create of an existing name: 409 AlreadyExists', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-dup' } } });
      const s = await rejects(core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-dup' } } }));
      assert.deepEqual([s.code, s.reason, s.message], [409, 'AlreadyExists', 'configmaps "cm-dup" already exists'], JSON.stringify(s.raw));
    });

    it('read returns the object; a missing one is 404 NotFound', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-read' }, data: { k: 'v' } } });
      const cm = await core.readNamespacedConfigMap({ name: 'cm-read', namespace: NS });
      assert.deepEqual(cm.data, { k: 'v' });
      const s = await rejects(core.readNamespacedConfigMap({ name: 'cm-missing', namespace: NS }));
      assert.deepEqual([s.code, s.reason, s.message], [404, 'NotFound', 'configmaps "cm-missing" not found'], JSON.stringify(s.raw));
    });

    it('list with a labelSelector returns the matching items and a list resourceVersion', async () => {
      for (const n of ['cm-l1', 'cm-l2']) await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: n, labels: { e2e: 'list' } } } });
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-l3', labels: { e2e: 'other' } } } });
      const list = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'e2e=list' });
      assert.deepEqual(list.items.map((i) => i.metadata?.name).sort(), ['cm-l1', 'cm-l2']);
      assert.ok(list.metadata?.resourceVersion, JSON.stringify(list.metadata));
    });

    it('list with limit pages with _continue', async () => {
      for (const n of ['cm-p1', 'cm-p2', 'cm-p3']) await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: n, labels: { e2e: 'page' } } } });
      const names: string[] = [];
      let cont: string | undefined;
      let pages = 0;
      do {
        const page = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'e2e=page', limit: 1, _continue: cont });
        names.push(...page.items.map((i) => i.metadata!.name!));
        cont = page.metadata?._continue || undefined;
        pages++;
      } while (cont && pages < 10);
      assert.deepEqual(names, ['cm-p1', 'cm-p2', 'cm-p3']);
      assert.equal(pages, 3);
    });

    it('replace updates with the current resourceVersion and conflicts (409) with a stale one', async () => {
      const cm = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-replace' }, data: { a: '1' } } });
      const updated = await core.replaceNamespacedConfigMap({ name: 'cm-replace', namespace: NS, body: { ...cm, data: { a: '2' } } });
      assert.deepEqual(updated.data, { a: '2' });
      assert.notEqual(updated.metadata?.resourceVersion, cm.metadata?.resourceVersion);
      assert.equal(updated.metadata?.uid, cm.metadata?.uid);
      const s = await rejects(core.replaceNamespacedConfigMap({ name: 'cm-replace', namespace: NS, body: { ...cm, data: { a: '3' } } }));
      assert.equal(s.code, 409, JSON.stringify(s.raw));
      assert.equal(s.reason, 'Conflict');
      assert.equal(s.message, 'Operation cannot be fulfilled on configmaps "cm-replace": the object has been modified; please apply your changes to the latest version and try again');
    });

    it('patch with the default content type (json-patch) applies the operations', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-jp' }, data: { a: '1' } } });
      const cm = await core.patchNamespacedConfigMap({
        name: 'cm-jp',
        namespace: NS,
        body: [
          { op: 'add', path: '/data/b', value: '2' },
          { op: 'remove', path: '/data/a' },
        ],
      });
      assert.deepEqual(cm.data, { b: '2' });
    });

    it('patch with Content-Type merge-patch (setHeaderOptions) merges', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-mp' }, data: { a: '1', b: '2' } } });
      const cm = await core.patchNamespacedConfigMap({ name: 'cm-mp', namespace: NS, body: { data: { a: null, c: '3' } } }, mergePatch());
      assert.deepEqual(cm.data, { b: '2', c: '3' });
    });

    it('delete removes the object (then read is 404)', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-del' } } });
      await core.deleteNamespacedConfigMap({ name: 'cm-del', namespace: NS });
      const s = await rejects(core.readNamespacedConfigMap({ name: 'cm-del', namespace: NS }));
      assert.equal(s.code, 404);
    });

    it('delete with dryRun (query parameter) keeps the object', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-deldry' } } });
      await core.deleteNamespacedConfigMap({ name: 'cm-deldry', namespace: NS, dryRun: 'All' });
      assert.equal((await core.readNamespacedConfigMap({ name: 'cm-deldry', namespace: NS })).metadata?.deletionTimestamp, undefined);
    });

    it('deleteCollection with a labelSelector deletes only the matching items', async () => {
      for (const n of ['cm-dc1', 'cm-dc2']) await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: n, labels: { e2e: 'dc' } } } });
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-dc3', labels: { e2e: 'keep' } } } });
      await core.deleteCollectionNamespacedConfigMap({ namespace: NS, labelSelector: 'e2e=dc' });
      const left = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'e2e in (dc,keep)' });
      assert.deepEqual(left.items.map((i) => i.metadata?.name), ['cm-dc3']);
    });
  });

  describe('CoreV1Api pods', () => {
    it('create, read, list, replace, patch (json and merge) and delete a pod', async () => {
      const created = await core.createNamespacedPod({ namespace: NS, body: pod('pod-crud') });
      assert.equal(created.metadata?.name, 'pod-crud');
      assert.equal(created.spec?.containers[0].image, 'nginx');

      const read = await core.readNamespacedPod({ name: 'pod-crud', namespace: NS });
      assert.equal(read.metadata?.uid, created.metadata?.uid);

      const list = await core.listNamespacedPod({ namespace: NS, fieldSelector: 'metadata.name=pod-crud' });
      assert.deepEqual(list.items.map((p) => p.metadata?.name), ['pod-crud']);

      read.metadata!.labels = { ...read.metadata!.labels, replaced: 'yes' };
      const replaced = await core.replaceNamespacedPod({ name: 'pod-crud', namespace: NS, body: read });
      assert.equal(replaced.metadata?.labels?.replaced, 'yes');

      const jp = await core.patchNamespacedPod({ name: 'pod-crud', namespace: NS, body: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.27' }] });
      assert.equal(jp.spec?.containers[0].image, 'nginx:1.27');

      const mp = await core.patchNamespacedPod({ name: 'pod-crud', namespace: NS, body: { metadata: { labels: { merged: 'yes' } } } }, mergePatch());
      assert.deepEqual(mp.metadata?.labels, { app: 'cn', replaced: 'yes', merged: 'yes' });

      await core.deleteNamespacedPod({ name: 'pod-crud', namespace: NS });
      const s = await until('pod-crud gone', async () => (await rejects(core.readNamespacedPod({ name: 'pod-crud', namespace: NS }))).code === 404 || undefined);
      assert.ok(s);
    });

    it('listPodForAllNamespaces with a fieldSelector on metadata.namespace', async () => {
      await core.createNamespacedPod({ namespace: NS, body: pod('pod-all') });
      const list = await core.listPodForAllNamespaces({ fieldSelector: `metadata.namespace=${NS},metadata.name=pod-all` });
      assert.deepEqual(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`), [`${NS}/pod-all`]);
    });

    it('replaceNamespacedPodStatus changes the status', async () => {
      const p = await core.createNamespacedPod({ namespace: NS, body: pod('pod-status') });
      const st = await core.replaceNamespacedPodStatus({ name: 'pod-status', namespace: NS, body: { ...p, status: { ...p.status, conditions: [{ type: 'Custom', status: 'True' }] } } });
      assert.ok(st.status?.conditions?.some((x) => x.type === 'Custom' && x.status === 'True'), JSON.stringify(st.status));
    });

    it('an invalid pod: 422 Invalid with causes', async () => {
      const s = await rejects(core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'pod-invalid' }, spec: { containers: [] } } }));
      assert.equal(s.code, 422, JSON.stringify(s.raw));
      assert.equal(s.reason, 'Invalid');
      assert.ok(s.details?.causes?.some((x: any) => x.field === 'spec.containers' && x.reason === 'FieldValueRequired'), JSON.stringify(s.raw));
    });
  });

  describe('KubernetesObjectApi (generic, resolved through /apis/apps/v1 discovery)', () => {
    it('create, read, list, replace and delete a Deployment', async () => {
      const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
      const spec: k8s.V1Deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'obj-web', namespace: NS },
        spec: { replicas: 1, selector: { matchLabels: { app: 'obj-web' } }, template: { metadata: { labels: { app: 'obj-web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      };
      const created = (await objects.create(spec)) as k8s.V1Deployment;
      assert.equal(created.metadata?.generation, 1);
      const read = (await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'obj-web', namespace: NS } })) as k8s.V1Deployment;
      assert.equal(read.metadata?.uid, created.metadata?.uid);
      const list = await objects.list('apps/v1', 'Deployment', NS);
      assert.ok(list.items.some((d) => d.metadata?.name === 'obj-web'));
      // the Deployment controller writes status concurrently: read-modify-replace with a retry on 409,
      // as client-go's retry.RetryOnConflict does
      let replaced: k8s.V1Deployment | undefined;
      for (let attempt = 0; !replaced; attempt++) {
        const fresh = (await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'obj-web', namespace: NS } })) as k8s.V1Deployment;
        fresh.spec!.replicas = 3;
        try {
          replaced = (await objects.replace(fresh)) as k8s.V1Deployment;
        } catch (err) {
          if (statusOf(err).code !== 409 || attempt >= 5) throw err;
        }
      }
      assert.equal(replaced.spec?.replicas, 3);
      assert.equal(replaced.metadata?.generation, 2, 'a spec change bumps generation');
      await objects.delete(read);
      const s = await until('obj-web gone', async () => {
        const e = await rejects(objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'obj-web', namespace: NS } }));
        return e.code === 404 ? e : undefined;
      });
      assert.equal(s?.reason, 'NotFound');
    });
  });

  describe('server-side apply (KubernetesObjectApi.patch with PatchStrategy.ServerSideApply)', () => {
    const cm = (data: Record<string, string>): k8s.KubernetesObject & { data: Record<string, string> } => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ssa-cm', namespace: NS },
      data,
    });
    let objects: k8s.KubernetesObjectApi;
    before(() => {
      objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    });
    const owners = (o: any, key: string) =>
      (o.metadata?.managedFields ?? []).filter((m: any) => m.fieldsV1?.['f:data']?.[`f:${key}`] !== undefined).map((m: any) => `${m.manager}/${m.operation}`);

    it('creates the object with a fieldManager (managedFields: Apply)', async () => {
      const o: any = await objects.patch(cm({ a: '1' }), undefined, undefined, 'mgr-a', false, k8s.PatchStrategy.ServerSideApply);
      assert.deepEqual(o.data, { a: '1' });
      assert.ok(o.metadata?.uid);
      assert.deepEqual(owners(o, 'a'), ['mgr-a/Apply'], JSON.stringify(o.metadata?.managedFields));
    });

    it('the same manager updates its fields', async () => {
      const o: any = await objects.patch(cm({ a: '2', b: '1' }), undefined, undefined, 'mgr-a', false, k8s.PatchStrategy.ServerSideApply);
      assert.deepEqual(o.data, { a: '2', b: '1' });
      assert.deepEqual(owners(o, 'b'), ['mgr-a/Apply'], JSON.stringify(o.metadata?.managedFields));
    });

    it('a different manager changing an owned field gets 409 Conflict naming the owner', async () => {
      const s = await rejects(objects.patch(cm({ a: '9' }), undefined, undefined, 'mgr-b', false, k8s.PatchStrategy.ServerSideApply));
      assert.equal(s.code, 409, JSON.stringify(s.raw));
      assert.equal(s.reason, 'Conflict');
      assert.equal(s.message, 'Apply failed with 1 conflict: conflict with "mgr-a": .data.a');
      assert.deepEqual(s.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "mgr-a"', field: '.data.a' }]);
      const live = await core.readNamespacedConfigMap({ name: 'ssa-cm', namespace: NS });
      assert.equal(live.data?.a, '2');
    });

    it('force=true takes the field over', async () => {
      const o: any = await objects.patch(cm({ a: '9' }), undefined, undefined, 'mgr-b', true, k8s.PatchStrategy.ServerSideApply);
      assert.deepEqual(o.data, { a: '9', b: '1' });
      assert.deepEqual(owners(o, 'a'), ['mgr-b/Apply'], JSON.stringify(o.metadata?.managedFields));
      assert.deepEqual(owners(o, 'b'), ['mgr-a/Apply'], JSON.stringify(o.metadata?.managedFields));
    });
  });
});
