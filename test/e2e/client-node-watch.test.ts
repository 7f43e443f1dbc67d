/**
 * Acceptance (issue 4): @kubernetes/client-node 1.4 against `k8ts up` — Watch and makeInformer,
 * and the informer's relist after 410 Expired (on a second server with a 2-event watch cache).
 * See /work/shared/docs/kubectl-surface.md §8, §12.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { until } from '../helpers/kubectl';
import { mergePatch, NS, pod, useClientNode } from './client-node-fixtures';

describe('e2e: @kubernetes/client-node watch and informers against k8ts up', function () {
  this.timeout(60_000);
  const cn = useClientNode({ ensureNamespaces: ['default', NS] });
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  before(() => {
    ({ kc, core } = cn);
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
});

/**
 * The informer's relist path needs a watch resourceVersion that the server no longer has. With the
 * default retention (1024 events / 75 s per resource) that takes minutes, so this suite starts its
 * own `k8ts up` (default sqlite storage) with a tiny watch cache ring for KubeAPIServer.
 */
describe('e2e: @kubernetes/client-node informer relist after 410 Expired (k8ts up with a 2-event watch cache)', function () {
  this.timeout(60_000);
  const cn = useClientNode({
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
  const c = cn.c;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  before(() => {
    ({ kc, core } = cn);
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
