/**
 * Acceptance (issue 4): the real kubectl 1.32 against `k8ts up` — get (Table columns, -o formats,
 * labels, sorting, chunking, watch) and describe.
 * One `k8ts up` for this file; fixtures in crud-fixtures.ts. See /work/shared/docs/kubectl-surface.md §5–§11.
 */
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { json, show } from '../helpers/kubectl';
import { configMap, deployment, ok, pod, table, useCrudCluster } from './crud-fixtures';

describe('e2e: kubectl CRUD (get, describe) against k8ts up', function () {
  this.timeout(60_000);
  const { c, create, namespace } = useCrudCluster();

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
});
