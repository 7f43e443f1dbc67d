/**
 * Acceptance (issue 4): @kubernetes/client-node 1.4 against `k8ts up` — typed CoreV1Api CRUD,
 * Watch, informers and server-side apply through KubernetesObjectApi.
 * See /work/shared/docs/kubectl-surface.md §8, §12.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { until, useCluster } from '../helpers/kubectl';

const NS = 'cn';

/** the Status of a failed client-node call (ApiException.body is the parsed or raw body) */
function statusOf(err: unknown): { code: number; reason?: string; message?: string; details?: any; raw: unknown } {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (typeof e?.code !== 'number') throw err;
  let body: any = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON
    }
  }
  return { code: e.code, reason: body?.reason, message: body?.message, details: body?.details, raw: e.body };
}

async function rejects(p: Promise<unknown>): Promise<ReturnType<typeof statusOf>> {
  try {
    const v = await p;
    assert.fail(`expected an error, got ${JSON.stringify(v)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return statusOf(err);
  }
}

const pod = (name: string, labels: Record<string, string> = { app: 'cn' }): k8s.V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

describe('e2e: @kubernetes/client-node against k8ts up', function () {
  this.timeout(60_000);
  const c = useCluster({ ensureNamespaces: ['default', NS] });
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const mergePatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

  before(() => {
    kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
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

  describe('Watch', () => {
    it('sees ADDED, MODIFIED and DELETED for a pod', async () => {
      const seen: string[] = [];
      let doneErr: unknown = 'not done';
      const watch = new k8s.Watch(kc);
      const ctl = await watch.watch(`/api/v1/namespaces/${NS}/pods`, { fieldSelector: 'metadata.name=pod-watch' }, (type, obj) => seen.push(`${type} ${obj?.metadata?.name}`), (err) => (doneErr = err));
      try {
        await new Promise((r) => setTimeout(r, 300));
        await core.createNamespacedPod({ namespace: NS, body: pod('pod-watch') });
        await until('ADDED', async () => seen.includes('ADDED pod-watch'), 10_000, 50).catch(() => assert.fail(`events: ${JSON.stringify(seen)}, done: ${String(doneErr)}`));
        await core.patchNamespacedPod({ name: 'pod-watch', namespace: NS, body: { metadata: { labels: { touched: 'yes' } } } }, mergePatch());
        await until('MODIFIED', async () => seen.includes('MODIFIED pod-watch'), 10_000, 50).catch(() => assert.fail(`events: ${JSON.stringify(seen)}, done: ${String(doneErr)}`));
        await core.deleteNamespacedPod({ name: 'pod-watch', namespace: NS, gracePeriodSeconds: 0 });
        await until('DELETED', async () => seen.includes('DELETED pod-watch'), 10_000, 50).catch(() => assert.fail(`events: ${JSON.stringify(seen)}, done: ${String(doneErr)}`));
      } finally {
        ctl.abort();
      }
    });

    it('with a labelSelector, an object leaving the selector is DELETED and one entering it is ADDED', async () => {
      const seen: string[] = [];
      const ctl = await new k8s.Watch(kc).watch(`/api/v1/namespaces/${NS}/configmaps`, { labelSelector: 'e2e=sel' }, (type, obj) => seen.push(`${type} ${obj?.metadata?.name}`), () => undefined);
      const waitSeen = (ev: string) => until(ev, async () => seen.includes(ev), 10_000, 50).catch(() => assert.fail(`waiting for "${ev}"; events: ${JSON.stringify(seen)}`));
      try {
        await new Promise((r) => setTimeout(r, 300));
        await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-sel', labels: { e2e: 'other' } } } });
        await core.patchNamespacedConfigMap({ name: 'cm-sel', namespace: NS, body: { metadata: { labels: { e2e: 'sel' } } } }, mergePatch());
        await waitSeen('ADDED cm-sel');
        await core.patchNamespacedConfigMap({ name: 'cm-sel', namespace: NS, body: { metadata: { labels: { e2e: 'gone' } } } }, mergePatch());
        await waitSeen('DELETED cm-sel');
        assert.deepEqual(seen, ['ADDED cm-sel', 'DELETED cm-sel']);
      } finally {
        ctl.abort();
      }
    });

    it('a watch with timeoutSeconds ends cleanly (done without error)', async () => {
      let done: { err: unknown } | undefined;
      const started = Date.now();
      const ctl = await new k8s.Watch(kc).watch(`/api/v1/namespaces/${NS}/configmaps`, { timeoutSeconds: 1 }, () => undefined, (err) => (done = { err }));
      try {
        await until('watch done', async () => done, 10_000, 50);
        assert.equal(done!.err ?? null, null, String(done!.err));
        assert.ok(Date.now() - started >= 900, 'not before the timeout');
      } finally {
        ctl.abort();
      }
    });

    it('a watch from resourceVersion N only sees changes after N', async () => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-rv-old', labels: { e2e: 'rv' } } } });
      const list = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'e2e=rv' });
      const seen: string[] = [];
      const ctl = await new k8s.Watch(kc).watch(`/api/v1/namespaces/${NS}/configmaps`, { labelSelector: 'e2e=rv', resourceVersion: list.metadata!.resourceVersion }, (type, obj) => seen.push(`${type} ${obj?.metadata?.name}`), () => undefined);
      try {
        await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'cm-rv-new', labels: { e2e: 'rv' } } } });
        await until('ADDED cm-rv-new', async () => seen.includes('ADDED cm-rv-new'), 10_000, 50).catch(() => assert.fail(`events: ${JSON.stringify(seen)}`));
        assert.ok(!seen.includes('ADDED cm-rv-old'), JSON.stringify(seen));
      } finally {
        ctl.abort();
      }
    });
  });

  describe('informer (makeInformer)', () => {
    it('sees add, update and delete', async () => {
      const path = `/api/v1/namespaces/${NS}/configmaps`;
      const inf = k8s.makeInformer(kc, path, () => core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'e2e=inf' }), 'e2e=inf');
      const seen: string[] = [];
      const errors: unknown[] = [];
      inf.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
      inf.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.v ?? ''}`));
      inf.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
      inf.on('error', (e) => errors.push(e));
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-pre', labels: { e2e: 'inf' } } } });
      await inf.start();
      const waitSeen = (ev: string) => until(ev, async () => seen.includes(ev), 10_000, 50).catch(() => assert.fail(`waiting for "${ev}"; seen: ${JSON.stringify(seen)}; errors: ${errors.map(String).join('; ')}`));
      try {
        await waitSeen('add inf-pre');
        await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'inf-1', labels: { e2e: 'inf' } } } });
        await waitSeen('add inf-1');
        await core.patchNamespacedConfigMap({ name: 'inf-1', namespace: NS, body: { data: { v: '2' } } }, mergePatch());
        await waitSeen('update inf-1 2');
        await core.deleteNamespacedConfigMap({ name: 'inf-1', namespace: NS });
        await waitSeen('delete inf-1');
        assert.deepEqual(inf.list().map((o) => o.metadata?.name), ['inf-pre']);
        assert.deepEqual(errors, []);
      } finally {
        await inf.stop();
      }
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

/**
 * The informer's relist path needs a watch resourceVersion that the server no longer has. With the
 * default retention (1024 events / 75 s per resource) that takes minutes, so this suite starts its
 * own `k8ts up` (default sqlite storage) with a tiny watch cache ring for KubeAPIServer.
 */
describe('e2e: @kubernetes/client-node informer relist after 410 Expired (k8ts up with a 2-event watch cache)', function () {
  this.timeout(60_000);
  const c = useCluster({
    ensureNamespaces: [NS],
    config: [
      'apiVersion: k8ts.dev/v1alpha1',
      'kind: Configuration',
      'plugins:',
      '  apiserver:',
      '    enabled:',
      '      - name: KubeAPIServer',
      '        options:',
      '          watchCache: { minEvents: 1, maxEvents: 2, windowSeconds: 0 }',
      '',
    ].join('\n'),
  });
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  before(() => {
    kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  it('a watch from a resourceVersion older than the retained history gets 410 Expired', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'exp-0' } } });
    for (const n of ['exp-1', 'exp-2', 'exp-3', 'exp-4']) await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: n } } });
    const r = await c.request('GET', `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${first.metadata!.resourceVersion}&timeoutSeconds=2`);
    const expired = r.status === 410 ? r.json() : r.body.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e: any) => e.type === 'ERROR')?.object;
    assert.ok(expired, `expected 410 or an ERROR event; got ${r.status} ${r.body.slice(0, 500)}`);
    assert.deepEqual([expired.kind, expired.reason, expired.code], ['Status', 'Expired', 410], JSON.stringify(expired));
  });

  it('the informer relists after its watch resourceVersion expired, and converges (add/delete)', async () => {
    const path = `/api/v1/namespaces/${NS}/configmaps`;
    let lists = 0;
    const inf = k8s.makeInformer(
      kc,
      path,
      () => {
        lists++;
        return core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'e2e=relist' });
      },
      'e2e=relist',
    );
    const seen: string[] = [];
    const errors: unknown[] = [];
    inf.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    inf.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    inf.on('error', (e) => errors.push(e));
    const waitSeen = (ev: string) =>
      until(ev, async () => seen.includes(ev), 15_000, 50).catch(() => assert.fail(`waiting for "${ev}"; seen: ${JSON.stringify(seen)}; lists: ${lists}; errors: ${errors.map(String).join('; ')}`));
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'relist-a', labels: { e2e: 'relist' } } } });
    await inf.start();
    try {
      await waitSeen('add relist-a');
      assert.equal(lists, 1);
      // stopped, the informer keeps its resourceVersion; meanwhile more events than the ring holds
      await inf.stop();
      await core.deleteNamespacedConfigMap({ name: 'relist-a', namespace: NS });
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'relist-b', labels: { e2e: 'relist' } } } });
      for (const n of ['fill-1', 'fill-2', 'fill-3', 'fill-4']) await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: n } } });
      await inf.start();
      await waitSeen('add relist-b');
      await waitSeen('delete relist-a');
      assert.equal(lists, 2, 'relisted once');
      assert.deepEqual(inf.list().map((o) => o.metadata?.name), ['relist-b']);
    } finally {
      await inf.stop();
    }
  });
});
