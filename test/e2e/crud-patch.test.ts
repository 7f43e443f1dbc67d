/**
 * Acceptance (issue 4): the real kubectl 1.32 against `k8ts up` — label, annotate, patch (strategic,
 * merge, json, status and scale subresources), scale, and kubectl's error messages (NotFound,
 * Invalid, strict decoding, 415, 405, 400).
 * One `k8ts up` for this file; fixtures in crud-fixtures.ts. See /work/shared/docs/kubectl-surface.md §5–§11.
 */
import assert from 'node:assert/strict';
import { json, show } from '../helpers/kubectl';
import { configMap, deployment, fails, ok, pod, useCrudCluster } from './crud-fixtures';

describe('e2e: kubectl CRUD (label, annotate, patch, scale, errors) against k8ts up', function () {
  this.timeout(60_000);
  const { c, get, create } = useCrudCluster();

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
