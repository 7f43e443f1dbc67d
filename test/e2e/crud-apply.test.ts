/**
 * Acceptance (issue 4): the real kubectl 1.32 against `k8ts up` — create, apply, diff, replace,
 * edit; the protobuf `create` generators; server-side apply conflicts, dry runs, generateName,
 * field selectors, Terminating pods, services, namespace deletion and termination.
 * One `k8ts up` for this file; fixtures in crud-fixtures.ts. See /work/shared/docs/kubectl-surface.md §5–§11.
 */
import assert from 'node:assert/strict';
import { json, show } from '../helpers/kubectl';
import { configMap, deployment, fails, ok, pod, table, useCrudCluster } from './crud-fixtures';

describe('e2e: kubectl CRUD (create, apply, dry runs, namespaces) against k8ts up', function () {
  this.timeout(60_000);
  const { c, get, apply, create, namespace } = useCrudCluster();

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
});
