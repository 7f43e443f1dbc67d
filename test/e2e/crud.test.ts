/**
 * Acceptance (issue 4): the real kubectl 1.32 against `k8ts up` — create/apply/diff/replace/edit,
 * get (Table and -o formats, watch), label/annotate/patch/scale, the protobuf `create` generators,
 * delete flavours, wait, describe, and kubectl's error messages.
 * See /work/shared/docs/kubectl-surface.md §5–§11.
 */
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { json, show, until, useCluster, type KubectlResult } from '../helpers/kubectl';

const pod = (name: string, labels: Record<string, string> = { app: 'web' }, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra },
});

const configMap = (name: string, data: Record<string, string> = { a: '1' }, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

const deployment = (name: string, replicas = 2, image = 'nginx:1.27') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image }] } },
  },
});

/** kubectl's table output as rows of cells (split on 2+ spaces; fine for cells without double spaces) */
function table(r: KubectlResult): { header: string[]; rows: string[][] } {
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const split = (l: string) => l.trim().split(/\s{2,}/);
  return { header: lines.length ? split(lines[0]) : [], rows: lines.slice(1).map(split) };
}

function ok(r: KubectlResult): KubectlResult {
  assert.equal(r.code, 0, show(r));
  return r;
}

function fails(r: KubectlResult, stderr: RegExp): void {
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, stderr, show(r));
}

describe('e2e: kubectl CRUD, get, patch, delete, wait against k8ts up', function () {
  this.timeout(60_000);
  const c = useCluster({ ensureNamespaces: ['default'] });

  const get = async (args: string[]) => json(ok(await c.kubectl(['get', ...args, '-o', 'json'])));
  // files are passed relative to kubectl's cwd (the suite dir), so messages name them as a user would see
  const apply = async (name: string, obj: object, extra: string[] = []) => (c.write(name, obj), c.kubectl(['apply', '-f', name, ...extra]));
  const create = async (name: string, obj: object, extra: string[] = []) => (c.write(name, obj), c.kubectl(['create', '-f', name, ...extra]));
  /** a namespace from a JSON manifest (the `create ns` generator's protobuf body is tested on its own) */
  const namespace = async (name: string) => ok(await create(`ns-${name}.json`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

  describe('create, apply, diff, replace, edit', () => {
    it('create -f creates a pod (server-owned metadata: uid, resourceVersion, RFC3339 creationTimestamp)', async () => {
      const r = ok(await create('create-p1.yaml', pod('create-p1')));
      assert.match(r.stdout, /^pod\/create-p1 created$/m, show(r));
      const p = await get(['pod', 'create-p1']);
      assert.match(p.metadata.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, JSON.stringify(p.metadata));
      assert.equal(typeof p.metadata.resourceVersion, 'string');
      assert.match(p.metadata.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(p.metadata.namespace, 'default');
    });

    it('POST answers 201 Created with the stored object', async () => {
      const r = await c.request('POST', '/api/v1/namespaces/default/configmaps', configMap('create-201'));
      assert.equal(r.status, 201, r.body);
      assert.equal(r.json().metadata.name, 'create-201');
    });

    it('create -f of an existing object fails: rc 1, (AlreadyExists)', async () => {
      ok(await create('create-dup.yaml', pod('create-dup')));
      const r = await create('create-dup.yaml', pod('create-dup'));
      fails(r, /^Error from server \(AlreadyExists\): error when creating "create-dup\.yaml": pods "create-dup" already exists$/m);
    });

    it('apply -f creates, then an edited manifest is "configured" and the change is stored', async () => {
      let r = ok(await apply('apply-web.yaml', deployment('apply-web', 2)));
      assert.match(r.stdout, /^deployment\.apps\/apply-web created$/m, show(r));
      r = ok(await apply('apply-web.yaml', deployment('apply-web', 3, 'nginx:1.28')));
      assert.match(r.stdout, /^deployment\.apps\/apply-web configured$/m, show(r));
      const d = await get(['deploy', 'apply-web']);
      assert.equal(d.spec.replicas, 3);
      assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.28');
      assert.ok(d.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], 'last-applied annotation kept');
      assert.equal(d.spec.template.spec.$setElementOrder, undefined);
      assert.equal(JSON.stringify(d).includes('$setElementOrder'), false, 'SMP directives must not be stored');
    });

    it('apply -f of a multi-document YAML creates a namespace and the objects in it', async () => {
      c.write(
        'multi.yaml',
        [
          'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: multi\n',
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: multi-cm\n  namespace: multi\ndata:\n  a: "1"\n',
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: multi-svc\n  namespace: multi\nspec:\n  ports:\n  - port: 80\n',
        ].join('---\n'),
      );
      const r = ok(await c.kubectl(['apply', '-f', 'multi.yaml']));
      assert.equal(r.stdout, 'namespace/multi created\nconfigmap/multi-cm created\nservice/multi-svc created\n', show(r));
      assert.equal((await get(['cm', 'multi-cm', '-n', 'multi'])).data.a, '1');
    });

    it('apply -f of an unchanged manifest is "unchanged"', async () => {
      ok(await apply('apply-same.yaml', configMap('apply-same')));
      const r = ok(await apply('apply-same.yaml', configMap('apply-same')));
      assert.match(r.stdout, /^configmap\/apply-same unchanged$/m, show(r));
    });

    it('apply --server-side creates ("serverside-applied") with managedFields for manager kubectl, then updates', async () => {
      let r = ok(await apply('ssa-p.yaml', pod('ssa-p'), ['--server-side']));
      assert.match(r.stdout, /^pod\/ssa-p serverside-applied$/m, show(r));
      const p = json(ok(await c.kubectl(['get', 'pod', 'ssa-p', '-o', 'json', '--show-managed-fields'])));
      const mf = (p.metadata.managedFields ?? []).find((m: any) => m.manager === 'kubectl' && m.operation === 'Apply');
      assert.ok(mf, JSON.stringify(p.metadata.managedFields));
      assert.equal(mf.fieldsType, 'FieldsV1');
      r = ok(await apply('ssa-p.yaml', pod('ssa-p', { app: 'web', tier: 'fe' }), ['--server-side']));
      assert.match(r.stdout, /^pod\/ssa-p serverside-applied$/m, show(r));
      assert.equal((await get(['pod', 'ssa-p'])).metadata.labels.tier, 'fe');
    });

    it('diff -f exits 1 and prints the change when the live object differs', async () => {
      ok(await apply('diff-web.yaml', deployment('diff-web', 2)));
      const r = await (c.write('diff-web.yaml', deployment('diff-web', 4)), c.kubectl(['diff', '-f', 'diff-web.yaml']));
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /^-\s+replicas: 2$/m, show(r));
      assert.match(r.stdout, /^\+\s+replicas: 4$/m, show(r));
      assert.equal((await get(['deploy', 'diff-web'])).spec.replicas, 2, 'diff is a dry run');
    });

    it('diff -f exits 0 with no output when the live object matches', async () => {
      ok(await apply('diff-same.yaml', deployment('diff-same', 2)));
      const r = await c.kubectl(['diff', '-f', 'diff-same.yaml']);
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout, '', show(r));
    });

    it('replace -f with a stale resourceVersion fails with (Conflict)', async () => {
      ok(await create('replace-cm.yaml', configMap('replace-cm')));
      const stale = await get(['cm', 'replace-cm']);
      ok(await c.kubectl(['patch', 'cm', 'replace-cm', '--type=merge', '-p', '{"data":{"a":"2"}}']));
      stale.data = { a: '3' };
      const r = await (c.write('replace-stale.json', stale), c.kubectl(['replace', '-f', 'replace-stale.json']));
      fails(r, /^Error from server \(Conflict\): error when replacing "replace-stale\.json": Operation cannot be fulfilled on configmaps "replace-cm": the object has been modified; please apply your changes to the latest version and try again$/m);
      assert.equal((await get(['cm', 'replace-cm'])).data.a, '2');
    });

    it('replace -f with the current resourceVersion succeeds ("replaced")', async () => {
      ok(await create('replace-ok.yaml', configMap('replace-ok')));
      const live = await get(['cm', 'replace-ok']);
      live.data = { a: 'replaced' };
      const r = ok(await (c.write('replace-ok.json', live), c.kubectl(['replace', '-f', 'replace-ok.json'])));
      assert.match(r.stdout, /^configmap\/replace-ok replaced$/m, show(r));
      assert.equal((await get(['cm', 'replace-ok'])).data.a, 'replaced');
    });

    it('edit with KUBE_EDITOR (a sed script) patches the object ("edited")', async () => {
      ok(await create('edit-cm.yaml', configMap('edit-cm', { greeting: 'hello' })));
      const editor = c.write('editor.sh', '#!/bin/sh\nsed -i "s/greeting: hello/greeting: edited/" "$1"\n', 0o755);
      const r = ok(await c.kubectl(['edit', 'cm', 'edit-cm'], { env: { KUBE_EDITOR: editor, EDITOR: editor } }));
      assert.match(r.stdout, /^configmap\/edit-cm edited$/m, show(r));
      assert.equal((await get(['cm', 'edit-cm'])).data.greeting, 'edited');
    });
  });

  describe('get', () => {
    before(async () => {
      await namespace('get-other');
      ok(await create('get-p1.yaml', pod('get-p1', { app: 'web', tier: 'fe' })));
      ok(await create('get-p2.yaml', pod('get-p2', { app: 'db' }), ['-n', 'get-other']));
    });

    it('get pods prints the Pod table: NAME READY STATUS RESTARTS AGE', async () => {
      const r = ok(await c.kubectl(['get', 'pods']));
      const t = table(r);
      assert.deepEqual(t.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], show(r));
      const row = t.rows.find((x) => x[0] === 'get-p1');
      assert.ok(row, show(r));
      // no kubelet in `k8ts up` today: Pending, 0/1; tolerate a future node agent starting it
      assert.match(row[1], /^[01]\/1$/, show(r));
      assert.match(row[2], /^(Pending|ContainerCreating|Running)$/, show(r));
      assert.equal(row[3], '0', show(r));
      assert.match(row[4], /^\d+s$/, show(r));
    });

    it('get pod NAME prints a one-row table', async () => {
      const r = ok(await c.kubectl(['get', 'pod', 'get-p1']));
      const t = table(r);
      assert.deepEqual(t.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], show(r));
      assert.equal(t.rows.length, 1, show(r));
    });

    it('get pods -o wide adds IP, NODE, NOMINATED NODE, READINESS GATES', async () => {
      const r = ok(await c.kubectl(['get', 'pods', '-o', 'wide']));
      assert.deepEqual(table(r).header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'], show(r));
    });

    it('get pods -A adds NAMESPACE and lists every namespace', async () => {
      const r = ok(await c.kubectl(['get', 'pods', '-A']));
      const t = table(r);
      assert.deepEqual(t.header.slice(0, 2), ['NAMESPACE', 'NAME'], show(r));
      assert.ok(t.rows.some((x) => x[0] === 'default' && x[1] === 'get-p1'), show(r));
      assert.ok(t.rows.some((x) => x[0] === 'get-other' && x[1] === 'get-p2'), show(r));
    });

    it('get pods --show-labels adds LABELS', async () => {
      const r = ok(await c.kubectl(['get', 'pods', '--show-labels']));
      const t = table(r);
      assert.equal(t.header.at(-1), 'LABELS', show(r));
      assert.equal(t.rows.find((x) => x[0] === 'get-p1')?.at(-1), 'app=web,tier=fe', show(r));
    });

    it('get pods -L app adds an APP column', async () => {
      const r = ok(await c.kubectl(['get', 'pods', '-L', 'app']));
      const t = table(r);
      assert.equal(t.header.at(-1), 'APP', show(r));
      assert.equal(t.rows.find((x) => x[0] === 'get-p1')?.at(-1), 'web', show(r));
    });

    it('get deploy prints NAME READY UP-TO-DATE AVAILABLE AGE (+ CONTAINERS IMAGES SELECTOR with -o wide)', async () => {
      ok(await create('tbl-web.yaml', deployment('tbl-web', 2)));
      let r = ok(await c.kubectl(['get', 'deploy', 'tbl-web']));
      let t = table(r);
      assert.deepEqual(t.header, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], show(r));
      assert.equal(t.rows[0]?.[0], 'tbl-web', show(r));
      assert.match(t.rows[0]?.[1] ?? '', /^[0-2]\/2$/, show(r));
      r = ok(await c.kubectl(['get', 'deploy', 'tbl-web', '-o', 'wide']));
      t = table(r);
      assert.deepEqual(t.header, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'], show(r));
      assert.deepEqual(t.rows[0]?.slice(5), ['nginx', 'nginx:1.27', 'app=tbl-web'], show(r));
    });

    it('get svc prints NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE', async () => {
      ok(await create('tbl-svc.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'tbl-svc' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }));
      const r = ok(await c.kubectl(['get', 'svc', 'tbl-svc']));
      const t = table(r);
      assert.deepEqual(t.header, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], show(r));
      assert.equal(t.rows[0]?.[1], 'ClusterIP', show(r));
      assert.match(t.rows[0]?.[2] ?? '', /^\d+\.\d+\.\d+\.\d+$/, show(r));
      assert.deepEqual(t.rows[0]?.slice(3, 5), ['<none>', '80/TCP'], show(r));
    });

    it('get ns prints NAME STATUS AGE with Active namespaces', async () => {
      const r = ok(await c.kubectl(['get', 'ns', 'get-other']));
      const t = table(r);
      assert.deepEqual(t.header, ['NAME', 'STATUS', 'AGE'], show(r));
      assert.deepEqual(t.rows[0]?.slice(0, 2), ['get-other', 'Active'], show(r));
    });

    it('get cm and secret print NAME DATA AGE and NAME TYPE DATA AGE', async () => {
      ok(await create('tbl-cm.yaml', configMap('tbl-cm', { a: '1', b: '2' })));
      ok(await create('tbl-secret.yaml', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tbl-secret' }, stringData: { k: 'v' } }));
      let r = ok(await c.kubectl(['get', 'cm', 'tbl-cm']));
      assert.deepEqual(table(r).header, ['NAME', 'DATA', 'AGE'], show(r));
      assert.deepEqual(table(r).rows[0]?.slice(0, 2), ['tbl-cm', '2'], show(r));
      r = ok(await c.kubectl(['get', 'secret', 'tbl-secret']));
      assert.deepEqual(table(r).header, ['NAME', 'TYPE', 'DATA', 'AGE'], show(r));
      assert.deepEqual(table(r).rows[0]?.slice(0, 3), ['tbl-secret', 'Opaque', '1'], show(r));
    });

    it('get all (category "all") lists pods, services and deployments', async () => {
      ok(await create('all-web.yaml', deployment('all-web', 1)));
      ok(await create('all-svc.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'all-svc' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }));
      const r = ok(await c.kubectl(['get', 'all', '-o', 'name']));
      const lines = r.stdout.trim().split('\n');
      for (const n of ['pod/get-p1', 'service/all-svc', 'deployment.apps/all-web']) assert.ok(lines.includes(n), `${n}: ${show(r)}`);
      assert.ok(!lines.some((l) => l.startsWith('configmap/')), show(r));
    });

    it('get -l selects by label', async () => {
      const r = ok(await c.kubectl(['get', 'pods', '-A', '-l', 'app in (db)', '-o', 'name']));
      assert.equal(r.stdout.trim(), 'pod/get-p2', show(r));
    });

    it('get --sort-by=.metadata.name orders the rows', async () => {
      for (const [name, rank] of [['sort-b', '1'], ['sort-c', '0'], ['sort-a', '2']]) ok(await create(`${name}.yaml`, configMap(name, { rank }, { e2e: 'sort' })));
      let r = ok(await c.kubectl(['get', 'cm', '-l', 'e2e=sort', '--sort-by=.metadata.name']));
      assert.deepEqual(table(r).rows.map((x) => x[0]), ['sort-a', 'sort-b', 'sort-c'], show(r));
      r = ok(await c.kubectl(['get', 'cm', '-l', 'e2e=sort', '--sort-by=.data.rank']));
      assert.deepEqual(table(r).rows.map((x) => x[0]), ['sort-c', 'sort-b', 'sort-a'], show(r));
    });

    it('get --chunk-size=1 pages through the list with continue tokens', async () => {
      for (const name of ['chunk-1', 'chunk-2', 'chunk-3']) ok(await create(`${name}.yaml`, configMap(name, { a: '1' }, { e2e: 'chunk' })));
      let r = ok(await c.kubectl(['get', 'cm', '-l', 'e2e=chunk', '--chunk-size=1', '-o', 'name']));
      assert.deepEqual(r.stdout.trim().split('\n'), ['configmap/chunk-1', 'configmap/chunk-2', 'configmap/chunk-3'], show(r));
      r = ok(await c.kubectl(['get', 'cm', '-l', 'e2e=chunk', '--chunk-size=1']));
      assert.deepEqual(table(r).rows.map((x) => x[0]), ['chunk-1', 'chunk-2', 'chunk-3'], show(r));
    });

    it('get -o yaml prints the object as YAML', async () => {
      const r = ok(await c.kubectl(['get', 'pod', 'get-p1', '-o', 'yaml']));
      const p = parse(r.stdout);
      assert.equal(p.kind, 'Pod');
      assert.equal(p.apiVersion, 'v1');
      assert.equal(p.metadata.name, 'get-p1');
      assert.equal(p.metadata.managedFields, undefined, 'managedFields are hidden by default');
    });

    it('get -o json of a collection is a List with the items', async () => {
      const l = json(ok(await c.kubectl(['get', 'pods', '-o', 'json'])));
      assert.equal(l.kind, 'List');
      assert.ok(l.items.some((p: any) => p.metadata.name === 'get-p1' && p.kind === 'Pod'), JSON.stringify(l).slice(0, 2000));
    });

    it('get -o jsonpath prints the selected fields', async () => {
      const r = ok(await c.kubectl(['get', 'pod', 'get-p1', '-o', 'jsonpath={.metadata.name} {.spec.containers[0].image} {.spec.restartPolicy}']));
      assert.equal(r.stdout, 'get-p1 nginx Always');
    });

    it('get -o name prints kind/name', async () => {
      const r = ok(await c.kubectl(['get', 'pods', '-o', 'name']));
      assert.ok(r.stdout.split('\n').includes('pod/get-p1'), show(r));
    });

    it('get pods,cm lists several types with type prefixes', async () => {
      const r = ok(await c.kubectl(['get', 'pods,cm', '-o', 'name']));
      const lines = r.stdout.trim().split('\n');
      assert.ok(lines.includes('pod/get-p1') && lines.some((l) => l.startsWith('configmap/')), show(r));
    });

    it('get pods -w prints the listed rows, then a row for a pod created later', async () => {
      await namespace('watch-ns');
      ok(await create('watch-1.yaml', pod('watch-1'), ['-n', 'watch-ns']));
      const w = c.background(['get', 'pods', '-n', 'watch-ns', '-w']);
      try {
        await w.waitFor(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/m);
        await w.waitFor(/^watch-1\s+[01]\/1\s+(Pending|ContainerCreating|Running)\s+0\s+\S+$/m);
        ok(await create('watch-2.yaml', pod('watch-2'), ['-n', 'watch-ns']));
        await w.waitFor(/^watch-2\s+[01]\/1\s+(Pending|ContainerCreating|Running)\s+0\s+\S+$/m);
        assert.equal(w.stdout().match(/^NAME\s/gm)?.length, 1, `one header only:\n${w.stdout()}`);
      } finally {
        await w.stop();
      }
    });

    it('get -w --output-watch-events shows ADDED/MODIFIED/DELETED for later changes', async () => {
      await namespace('watch-ev');
      const w = c.background(['get', 'cm', '-n', 'watch-ev', '-w', '--output-watch-events', '--field-selector', 'metadata.name=wcm']);
      try {
        await new Promise((r) => setTimeout(r, 1500));
        ok(await create('wcm.yaml', configMap('wcm'), ['-n', 'watch-ev']));
        await w.waitFor(/^ADDED\s+wcm\s+1\s+\S+$/m);
        ok(await c.kubectl(['label', 'cm', 'wcm', '-n', 'watch-ev', 'x=y']));
        await w.waitFor(/^MODIFIED\s+wcm\s+1\s+\S+$/m);
        ok(await c.kubectl(['delete', 'cm', 'wcm', '-n', 'watch-ev']));
        await w.waitFor(/^DELETED\s+wcm\s+1\s+\S+$/m);
      } finally {
        await w.stop();
      }
    });
  });

  describe('label, annotate, patch, scale', () => {
    it('label adds and removes a label', async () => {
      ok(await create('label-p.yaml', pod('label-p')));
      let r = ok(await c.kubectl(['label', 'pod', 'label-p', 'tier=fe']));
      assert.match(r.stdout, /^pod\/label-p labeled$/m, show(r));
      assert.equal((await get(['pod', 'label-p'])).metadata.labels.tier, 'fe');
      r = ok(await c.kubectl(['label', 'pod', 'label-p', 'tier=be', '--overwrite']));
      assert.equal((await get(['pod', 'label-p'])).metadata.labels.tier, 'be');
      r = ok(await c.kubectl(['label', 'pod', 'label-p', 'tier-']));
      assert.match(r.stdout, /^pod\/label-p unlabeled$/m, show(r));
      assert.equal((await get(['pod', 'label-p'])).metadata.labels.tier, undefined);
    });

    it('metadata.generation moves with spec changes only (not labels, not status)', async () => {
      ok(await create('gen-web.yaml', deployment('gen-web', 1)));
      assert.equal((await get(['deploy', 'gen-web'])).metadata.generation, 1);
      ok(await c.kubectl(['label', 'deploy', 'gen-web', 'x=y']));
      ok(await c.kubectl(['patch', 'deploy', 'gen-web', '--subresource=status', '--type=merge', '-p', '{"status":{"observedGeneration":1}}']));
      assert.equal((await get(['deploy', 'gen-web'])).metadata.generation, 1);
      ok(await c.kubectl(['scale', 'deploy', 'gen-web', '--replicas=2']));
      assert.equal((await get(['deploy', 'gen-web'])).metadata.generation, 2);
    });

    it('annotate adds an annotation', async () => {
      ok(await create('annotate-cm.yaml', configMap('annotate-cm')));
      const r = ok(await c.kubectl(['annotate', 'cm', 'annotate-cm', 'note=hello world']));
      assert.match(r.stdout, /^configmap\/annotate-cm annotated$/m, show(r));
      assert.equal((await get(['cm', 'annotate-cm'])).metadata.annotations.note, 'hello world');
    });

    it('patch (strategic, the default) merges containers by name', async () => {
      ok(await create('smp-web.yaml', deployment('smp-web', 1)));
      const r = ok(await c.kubectl(['patch', 'deploy', 'smp-web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}']));
      assert.match(r.stdout, /^deployment\.apps\/smp-web patched$/m, show(r));
      const d = await get(['deploy', 'smp-web']);
      assert.deepEqual(d.spec.template.spec.containers.map((x: any) => [x.name, x.image]), [['sidecar', 'busybox'], ['nginx', 'nginx:1.27']]);
    });

    it('patch --type=merge replaces and deletes keys (null)', async () => {
      ok(await create('merge-cm.yaml', configMap('merge-cm', { a: '1', b: '2' })));
      const r = ok(await c.kubectl(['patch', 'cm', 'merge-cm', '--type=merge', '-p', '{"data":{"a":null,"c":"3"}}']));
      assert.match(r.stdout, /^configmap\/merge-cm patched$/m, show(r));
      assert.deepEqual((await get(['cm', 'merge-cm'])).data, { b: '2', c: '3' });
    });

    it('patch --type=json applies RFC 6902 operations', async () => {
      ok(await create('json-cm.yaml', configMap('json-cm', { a: '1', b: '2' })));
      ok(await c.kubectl(['patch', 'cm', 'json-cm', '--type=json', '-p', '[{"op":"add","path":"/data/c","value":"3"},{"op":"remove","path":"/data/a"},{"op":"replace","path":"/data/b","value":"two"}]']));
      assert.deepEqual((await get(['cm', 'json-cm'])).data, { b: 'two', c: '3' });
    });

    it('patch --type=json with a failing test op fails and changes nothing', async () => {
      ok(await create('json-test.yaml', configMap('json-test', { a: '1' })));
      const r = await c.kubectl(['patch', 'cm', 'json-test', '--type=json', '-p', '[{"op":"test","path":"/data/a","value":"2"},{"op":"replace","path":"/data/a","value":"3"}]']);
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /^Error from server \((Invalid|Conflict|UnprocessableEntity)\)|is invalid/m, show(r));
      assert.equal((await get(['cm', 'json-test'])).data.a, '1');
    });

    it('patch --subresource=status changes status only', async () => {
      ok(await create('status-p.yaml', pod('status-p')));
      const r = ok(await c.kubectl(['patch', 'pod', 'status-p', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Custom","status":"True"}]}}']));
      assert.match(r.stdout, /^pod\/status-p patched$/m, show(r));
      const p = await get(['pod', 'status-p']);
      assert.ok(p.status.conditions?.some((x: any) => x.type === 'Custom' && x.status === 'True'), JSON.stringify(p.status));
    });

    it('patch without --subresource does not change .status of a pod', async () => {
      ok(await create('nostatus-p.yaml', pod('nostatus-p')));
      const r = ok(await c.kubectl(['patch', 'pod', 'nostatus-p', '--type=merge', '-p', '{"status":{"phase":"Succeeded"}}']));
      assert.match(r.stdout, /^pod\/nostatus-p patched \(no change\)$/m, show(r));
      assert.notEqual((await get(['pod', 'nostatus-p'])).status?.phase, 'Succeeded');
    });

    it('patch --subresource=scale sets spec.replicas of a deployment', async () => {
      ok(await create('scale-sub.yaml', deployment('scale-sub', 1)));
      const r = ok(await c.kubectl(['patch', 'deploy', 'scale-sub', '--subresource=scale', '--type=merge', '-p', '{"spec":{"replicas":4}}']));
      // the PATCH answers the autoscaling/v1 Scale, and kubectl names what it got back
      assert.match(r.stdout, /^scale\.autoscaling\/scale-sub patched$/m, show(r));
      assert.equal((await get(['deploy', 'scale-sub'])).spec.replicas, 4);
      const s = json(ok(await c.kubectl(['get', 'deploy', 'scale-sub', '--subresource=scale', '-o', 'json'])));
      assert.equal(s.kind, 'Scale');
      assert.equal(s.apiVersion, 'autoscaling/v1');
      assert.equal(s.spec.replicas, 4);
      assert.equal(s.status.selector, 'app=scale-sub');
    });

    it('scale --replicas=5 sets spec.replicas ("scaled")', async () => {
      ok(await create('scale-web.yaml', deployment('scale-web', 2)));
      const r = ok(await c.kubectl(['scale', 'deploy', 'scale-web', '--replicas=5']));
      assert.match(r.stdout, /^deployment\.apps\/scale-web scaled$/m, show(r));
      assert.equal((await get(['deploy', 'scale-web'])).spec.replicas, 5);
    });

    it('scale --current-replicas matching the live value succeeds', async () => {
      ok(await create('scale-cur.yaml', deployment('scale-cur', 5)));
      const r = ok(await c.kubectl(['scale', 'deploy', 'scale-cur', '--current-replicas=5', '--replicas=3']));
      assert.match(r.stdout, /^deployment\.apps\/scale-cur scaled$/m, show(r));
      assert.equal((await get(['deploy', 'scale-cur'])).spec.replicas, 3);
    });

    it('scale --current-replicas mismatch fails: Expected replicas to be 2, was 5', async () => {
      ok(await create('scale-bad.yaml', deployment('scale-bad', 5)));
      const r = await c.kubectl(['scale', 'deploy', 'scale-bad', '--current-replicas=2', '--replicas=6']);
      fails(r, /Expected replicas to be 2, was 5/);
      assert.equal((await get(['deploy', 'scale-bad'])).spec.replicas, 5);
    });
  });

  describe('create generators (protobuf request bodies)', () => {
    it('create ns demo', async () => {
      const r = ok(await c.kubectl(['create', 'ns', 'demo']));
      assert.match(r.stdout, /^namespace\/demo created$/m, show(r));
      const ns = await get(['ns', 'demo']);
      assert.equal(ns.status?.phase, 'Active');
    });

    it('create configmap x --from-literal=a=b', async () => {
      const r = ok(await c.kubectl(['create', 'configmap', 'x', '--from-literal=a=b']));
      assert.match(r.stdout, /^configmap\/x created$/m, show(r));
      assert.deepEqual((await get(['cm', 'x'])).data, { a: 'b' });
    });

    it('create secret generic s --from-literal=k=v', async () => {
      const r = ok(await c.kubectl(['create', 'secret', 'generic', 's', '--from-literal=k=v']));
      assert.match(r.stdout, /^secret\/s created$/m, show(r));
      const s = await get(['secret', 's']);
      assert.equal(s.type, 'Opaque');
      assert.deepEqual(s.data, { k: Buffer.from('v').toString('base64') });
    });

    it('create deployment web --image=nginx (defaults applied)', async () => {
      const r = ok(await c.kubectl(['create', 'deployment', 'web', '--image=nginx']));
      assert.match(r.stdout, /^deployment\.apps\/web created$/m, show(r));
      const d = await get(['deploy', 'web']);
      assert.equal(d.spec.replicas, 1);
      assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
      assert.equal(d.spec.template.spec.containers[0].image, 'nginx');
      assert.equal(d.spec.strategy?.type, 'RollingUpdate');
      assert.equal(d.spec.revisionHistoryLimit, 10);
      assert.equal(d.spec.progressDeadlineSeconds, 600);
      assert.equal(d.metadata.generation, 1);
    });

    it('create job j --image=busybox', async () => {
      const r = ok(await c.kubectl(['create', 'job', 'j', '--image=busybox']));
      assert.match(r.stdout, /^job\.batch\/j created$/m, show(r));
      const j = await get(['job', 'j']);
      assert.equal(j.spec.template.spec.containers[0].image, 'busybox');
      assert.equal(j.spec.template.spec.restartPolicy, 'Never');
    });
  });

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

  describe('more flows: server-side apply conflicts, dry runs, selectors, namespaces, services', () => {
    it('apply --server-side by another field manager conflicts on an owned field; --force-conflicts takes it', async () => {
      ok(await apply('ssa-web.yaml', deployment('ssa-web', 2), ['--server-side']));
      const r = await apply('ssa-web.yaml', deployment('ssa-web', 3), ['--server-side', '--field-manager=other']);
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/, show(r));
      assert.match(r.stderr, /--force-conflicts/, show(r));
      assert.equal((await get(['deploy', 'ssa-web'])).spec.replicas, 2);
      ok(await apply('ssa-web.yaml', deployment('ssa-web', 3), ['--server-side', '--field-manager=other', '--force-conflicts']));
      assert.equal((await get(['deploy', 'ssa-web'])).spec.replicas, 3);
    });

    it('create --dry-run=server -o json returns the defaulted object and stores nothing', async () => {
      const r = ok(await create('dry-web.yaml', deployment('dry-web', 1), ['--dry-run=server', '-o', 'json']));
      const d = json(r);
      assert.equal(d.metadata.name, 'dry-web');
      assert.equal(d.spec.strategy?.type, 'RollingUpdate', 'defaults applied');
      assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent', 'defaults applied');
      const g = await c.kubectl(['get', 'deploy', 'dry-web']);
      fails(g, /\(NotFound\)/);
    });

    it('apply --dry-run=server reports "created (server dry run)" and stores nothing', async () => {
      const r = ok(await apply('dry-cm.yaml', configMap('dry-cm'), ['--dry-run=server']));
      assert.match(r.stdout, /^configmap\/dry-cm created \(server dry run\)$/m, show(r));
      fails(await c.kubectl(['get', 'cm', 'dry-cm']), /\(NotFound\)/);
    });

    it('create -f with metadata.generateName gets a name with a 5-character suffix', async () => {
      const r = ok(await create('gen.json', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } }, ['-o', 'name']));
      assert.match(r.stdout.trim(), /^configmap\/gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/, show(r));
    });

    it('get --field-selector status.phase=<phase> filters pods', async () => {
      ok(await create('fs-p.yaml', pod('fs-p')));
      const phase = (await get(['pod', 'fs-p'])).status?.phase;
      assert.ok(phase, 'a new pod has a phase (Pending)');
      const r = ok(await c.kubectl(['get', 'pods', '--field-selector', `status.phase=${phase},metadata.name=fs-p`, '-o', 'name']));
      assert.equal(r.stdout.trim(), 'pod/fs-p', show(r));
      const none = ok(await c.kubectl(['get', 'pods', '--field-selector', 'status.phase=Failed,metadata.name=fs-p', '-o', 'name']));
      assert.equal(none.stdout.trim(), '', show(none));
    });

    it('get --field-selector on an unsupported field: BadRequest field label not supported', async () => {
      const r = await c.kubectl(['get', 'pods', '--field-selector', 'spec.bogus=x']);
      fails(r, /^Error from server \(BadRequest\): .*field label not supported: spec\.bogus/m);
    });

    it('a pod with a finalizer being deleted shows STATUS Terminating', async () => {
      ok(await create('term-p.yaml', { ...pod('term-p'), metadata: { name: 'term-p', finalizers: ['e2e.k8ts.io/hold'] } }));
      ok(await c.kubectl(['delete', 'pod', 'term-p', '--wait=false']));
      const r = ok(await c.kubectl(['get', 'pod', 'term-p']));
      assert.equal(table(r).rows[0]?.[2], 'Terminating', show(r));
      ok(await c.kubectl(['patch', 'pod', 'term-p', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']));
    });

    it('apply of an edited service is "configured" and keeps its cluster IP', async () => {
      const svc = (port: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'apply-svc' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port }] } });
      ok(await apply('apply-svc.yaml', svc(80)));
      const ip = (await get(['svc', 'apply-svc'])).spec.clusterIP;
      assert.match(ip ?? '', /^\d+\.\d+\.\d+\.\d+$/);
      const r = ok(await apply('apply-svc.yaml', svc(8080)));
      assert.match(r.stdout, /^service\/apply-svc configured$/m, show(r));
      const s = await get(['svc', 'apply-svc']);
      assert.equal(s.spec.clusterIP, ip);
      assert.deepEqual(s.spec.ports.map((p: any) => [p.port, p.targetPort, p.protocol]), [[8080, 8080, 'TCP']]);
    });

    it('delete ns removes the namespace and what is in it', async () => {
      await namespace('ns-gone');
      ok(await create('ns-gone-cm.yaml', configMap('inside'), ['-n', 'ns-gone']));
      const r = ok(await c.kubectl(['delete', 'ns', 'ns-gone', '--timeout=30s'], { timeoutMs: 45_000 }));
      assert.match(r.stdout, /^namespace "ns-gone" deleted$/m, show(r));
      fails(await c.kubectl(['get', 'ns', 'ns-gone']), /^Error from server \(NotFound\): namespaces "ns-gone" not found$/m);
      const left = await c.request('GET', '/api/v1/namespaces/ns-gone/configmaps/inside');
      assert.equal(left.status, 404, `the namespace's content must be deleted with it: GET /api/v1/namespaces/ns-gone/configmaps/inside -> ${left.status} ${left.body}`);
    });

    describe('a namespace whose content has a finalizer', () => {
      before(async () => {
        await namespace('ns-term');
        ok(await create('ns-term-cm.yaml', { ...configMap('held'), metadata: { name: 'held', finalizers: ['e2e.k8ts.io/hold'] } }, ['-n', 'ns-term']));
        ok(await c.kubectl(['delete', 'ns', 'ns-term', '--wait=false']));
      });
      after(async () => {
        await c.kubectl(['patch', 'cm', 'held', '-n', 'ns-term', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
      });

      it('stays Terminating (with a deletionTimestamp) while that content remains', async () => {
        await new Promise((r) => setTimeout(r, 1000));
        const r = await c.kubectl(['get', 'ns', 'ns-term', '-o', 'json']);
        assert.equal(r.code, 0, show(r));
        const ns = json(r);
        assert.equal(ns.status?.phase, 'Terminating', JSON.stringify(ns));
        assert.ok(ns.metadata.deletionTimestamp, JSON.stringify(ns));
        const cm = await get(['cm', 'held', '-n', 'ns-term']);
        assert.ok(cm.metadata.deletionTimestamp, 'the content is being deleted too');
      });

      it('refuses new content: Forbidden, being terminated', async () => {
        const r = await create('ns-term-cm2.yaml', configMap('late'), ['-n', 'ns-term']);
        fails(r, /^Error from server \(Forbidden\): error when creating "ns-term-cm2\.yaml": configmaps "late" is forbidden: unable to create new content in namespace ns-term because it is being terminated$/m);
      });

      it('goes away once the finalizer is removed', async () => {
        ok(await c.kubectl(['patch', 'cm', 'held', '-n', 'ns-term', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']));
        const r = ok(await c.kubectl(['wait', '--for=delete', 'ns/ns-term', '--timeout=30s'], { timeoutMs: 45_000 }));
        assert.match(r.stdout, /namespace\/ns-term condition met|^$/m, show(r));
      });
    });
  });

  describe('describe', () => {
    it('describe pod prints the pod sections', async () => {
      ok(await create('desc-p.yaml', pod('desc-p')));
      const r = ok(await c.kubectl(['describe', 'pod', 'desc-p']));
      assert.match(r.stdout, /^Name:\s+desc-p$/m, show(r));
      assert.match(r.stdout, /^Namespace:\s+default$/m, show(r));
      assert.match(r.stdout, /^Labels:\s+app=web$/m, show(r));
      assert.match(r.stdout, /^Containers:\n\s+c:\n/m, show(r));
      assert.match(r.stdout, /^\s+Image:\s+nginx$/m, show(r));
      assert.match(r.stdout, /^Events:/m, show(r));
    });
  });

  describe('errors (kubectl messages, §10)', () => {
    it('get of a missing pod: Error from server (NotFound): pods "nope" not found', async () => {
      fails(await c.kubectl(['get', 'pod', 'nope']), /^Error from server \(NotFound\): pods "nope" not found$/m);
    });

    it('get of a missing deployment: deployments.apps "nope" not found', async () => {
      fails(await c.kubectl(['get', 'deploy', 'nope']), /^Error from server \(NotFound\): deployments\.apps "nope" not found$/m);
    });

    it('the NotFound Status carries reason, code and details', async () => {
      const r = await c.request('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
      assert.equal(r.status, 404, r.body);
      const s = r.json();
      assert.deepEqual({ kind: s.kind, status: s.status, reason: s.reason, code: s.code, message: s.message, details: s.details }, {
        kind: 'Status',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message: 'deployments.apps "nope" not found',
        details: { name: 'nope', group: 'apps', kind: 'deployments' },
      });
    });

    it('create of an invalid deployment: The Deployment "bad" is invalid, with a * line per cause', async () => {
      const bad = deployment('bad', -1);
      delete (bad.spec.template.spec.containers[0] as any).image;
      const r = await create('bad.yaml', bad);
      fails(r, /^The Deployment "bad" is invalid: $/m);
      assert.match(r.stderr, /^\* spec\.replicas: Invalid value: -1: must be greater than or equal to 0$/m, show(r));
      assert.match(r.stderr, /^\* spec\.template\.spec\.containers\[0\]\.image: Required value$/m, show(r));
    });

    it('the Invalid Status is 422 with details.kind = Kind and FieldValue causes', async () => {
      const r = await c.request('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('bad422', -1));
      assert.equal(r.status, 422, r.body);
      const s = r.json();
      assert.equal(s.reason, 'Invalid');
      assert.equal(s.details?.kind, 'Deployment');
      assert.equal(s.details?.name, 'bad422');
      assert.deepEqual(s.details?.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }]);
    });

    it('an unknown field with --validate=strict (the default): BadRequest strict decoding error', async () => {
      const r = await create('bogus.yaml', pod('bogus', {}, { bogus: true }));
      fails(r, /^Error from server \(BadRequest\): error when creating "bogus\.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec\.bogus"$/m);
      assert.ok(await c.kubectl(['get', 'pod', 'bogus']).then((x) => x.code === 1), 'nothing was created');
    });

    it('an unknown field with --validate=warn creates and prints the server warning', async () => {
      const r = ok(await create('bogus-warn.yaml', pod('bogus-warn', {}, { bogus: true }), ['--validate=warn']));
      assert.match(r.stderr, /^Warning: unknown field "spec\.bogus"$/m, show(r));
    });

    it('get of an unknown resource type: the server doesn\'t have a resource type', async () => {
      fails(await c.kubectl(['get', 'foos']), /^error: the server doesn't have a resource type "foos"$/m);
    });

    it('PATCH with an unknown Content-Type is 415 UnsupportedMediaType', async () => {
      ok(await create('p415.yaml', configMap('p415')));
      const r = await c.request('PATCH', '/api/v1/namespaces/default/configmaps/p415', '{"data":{"a":"2"}}', { 'Content-Type': 'text/plain' });
      assert.equal(r.status, 415, r.body);
      assert.equal(r.json().reason, 'UnsupportedMediaType', r.body);
    });

    it('POST to a named object is 405 MethodNotAllowed', async () => {
      const r = await c.request('POST', '/api/v1/namespaces/default/configmaps/x405', configMap('x405'));
      assert.equal(r.status, 405, r.body);
      assert.equal(r.json().reason, 'MethodNotAllowed', r.body);
    });

    it('a body namespace that differs from the URL is 400 BadRequest', async () => {
      const r = await c.request('POST', '/api/v1/namespaces/default/configmaps', { ...configMap('nsmismatch'), metadata: { name: 'nsmismatch', namespace: 'kube-system' } });
      assert.equal(r.status, 400, r.body);
      assert.equal(r.json().reason, 'BadRequest', r.body);
      assert.match(r.json().message, /the namespace of the provided object does not match the namespace sent on the request/, r.body);
    });

    it('create in a missing namespace: namespaces "nope-ns" not found', async () => {
      fails(await create('in-missing-ns.yaml', configMap('x1'), ['-n', 'nope-ns']), /^Error from server \(NotFound\): error when creating "in-missing-ns\.yaml": namespaces "nope-ns" not found$/m);
    });
  });
});
