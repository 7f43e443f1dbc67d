import assert from 'node:assert/strict';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS, validateJsonPatch } from './json-patch';
import { expectStatus, frozen } from './test-helpers';

const cm = () =>
  frozen({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm1', namespace: 'default', labels: { a: '1' }, resourceVersion: '7' },
    data: { k: 'v' },
    list: [1, 2, 3],
  });

describe('patch/json-patch', () => {
  describe('operations', () => {
    it('add sets a new member', () => {
      const out = applyJsonPatch(cm(), [{ op: 'add', path: '/metadata/labels/b', value: '2' }]) as any;
      assert.deepEqual(out.metadata.labels, { a: '1', b: '2' });
    });

    it('add with "-" appends to an array', () => {
      const out = applyJsonPatch(cm(), [{ op: 'add', path: '/list/-', value: 4 }]) as any;
      assert.deepEqual(out.list, [1, 2, 3, 4]);
    });

    it('add at an index inserts into an array', () => {
      const out = applyJsonPatch(cm(), [{ op: 'add', path: '/list/0', value: 0 }]) as any;
      assert.deepEqual(out.list, [0, 1, 2, 3]);
    });

    it('remove deletes a member', () => {
      const out = applyJsonPatch(cm(), [{ op: 'remove', path: '/metadata/labels/a' }]) as any;
      assert.deepEqual(out.metadata.labels, {});
    });

    it('replace changes a value', () => {
      const out = applyJsonPatch(cm(), [{ op: 'replace', path: '/data/k', value: 'w' }]) as any;
      assert.equal(out.data.k, 'w');
    });

    it('move relocates a value', () => {
      const out = applyJsonPatch(cm(), [{ op: 'move', from: '/data/k', path: '/data/m' }]) as any;
      assert.deepEqual(out.data, { m: 'v' });
    });

    it('copy duplicates a value without aliasing it', () => {
      const out = applyJsonPatch(cm(), [
        { op: 'copy', from: '/metadata/labels', path: '/data/labels' },
        { op: 'add', path: '/data/labels/x', value: 'y' },
      ]) as any;
      assert.deepEqual(out.metadata.labels, { a: '1' });
      assert.deepEqual(out.data.labels, { a: '1', x: 'y' });
    });

    it('a passing test lets the following operations apply', () => {
      const out = applyJsonPatch(cm(), [
        { op: 'test', path: '/metadata/resourceVersion', value: '7' },
        { op: 'replace', path: '/data/k', value: 'w' },
      ]) as any;
      assert.equal(out.data.k, 'w');
    });

    it('unescapes ~1 and ~0 in pointers', () => {
      const doc = frozen({ metadata: { annotations: { 'example.com/a~b': 'x' } } });
      const out = applyJsonPatch(doc, [{ op: 'replace', path: '/metadata/annotations/example.com~1a~0b', value: 'y' }]) as any;
      assert.equal(out.metadata.annotations['example.com/a~b'], 'y');
    });

    it('applies the kubectl rollout undo body (replace of /spec/template and /metadata/annotations)', () => {
      const dep = frozen({
        metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '2' } },
        spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.30' }] } } },
      });
      const out = applyJsonPatch(dep, [
        { op: 'replace', path: '/spec/template', value: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.29' }] } } },
        { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
      ]) as any;
      assert.equal(out.spec.template.spec.containers[0].image, 'nginx:1.29');
      assert.equal(out.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    });

    it('never mutates the document or the patch', () => {
      const doc = cm();
      const patch = frozen([{ op: 'add', path: '/data/new', value: { deep: true } }]);
      const out = applyJsonPatch(doc, patch) as any;
      out.data.new.deep = false;
      assert.equal((patch[0].value as any).deep, true);
      assert.equal((doc.data as any).new, undefined);
    });
  });

  describe('errors', () => {
    it('a failed test op is 422 Invalid', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'test', path: '/metadata/resourceVersion', value: '8' }]), 'Invalid', 422);
    });

    it('a failed test op leaves no partial result behind', () => {
      const doc = cm();
      expectStatus(
        () => applyJsonPatch(doc, [{ op: 'replace', path: '/data/k', value: 'w' }, { op: 'test', path: '/data/k', value: 'zzz' }]),
        'Invalid',
        422,
      );
      assert.equal(doc.data.k, 'v');
    });

    it('replace of a missing path is 422 Invalid', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'replace', path: '/spec/replicas', value: 3 }]), 'Invalid', 422);
    });

    it('remove of a missing path is 422 Invalid', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'remove', path: '/data/missing' }]), 'Invalid', 422);
    });

    it('an out-of-range array index is 422 Invalid', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'add', path: '/list/9', value: 1 }]), 'Invalid', 422);
    });

    it('moving a value into its own child is 422 Invalid', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'move', from: '/metadata', path: '/metadata/labels/x' }]), 'Invalid', 422);
    });

    it('a patch touching __proto__ is 422 Invalid and pollutes nothing', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'add', path: '/__proto__/polluted', value: 1 }]), 'Invalid', 422);
      assert.equal(({} as any).polluted, undefined);
    });

    it('replacing the root with a non-object is 422 Invalid', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'replace', path: '', value: 5 }]), 'Invalid', 422);
    });

    it('a body that is not a list is 400 BadRequest', () => {
      expectStatus(() => applyJsonPatch(cm(), { op: 'add', path: '/a', value: 1 }), 'BadRequest', 400);
    });

    it('an unknown op is 400 BadRequest', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'increment', path: '/a' }]), 'BadRequest', 400);
    });

    it('a path without a leading slash is 400 BadRequest', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'remove', path: 'data/k' }]), 'BadRequest', 400);
    });

    it('a bad ~ escape is 400 BadRequest', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'remove', path: '/data/a~2b' }]), 'BadRequest', 400);
    });

    it('add without value is 400 BadRequest', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'add', path: '/data/x' }]), 'BadRequest', 400);
    });

    it('move without from is 400 BadRequest', () => {
      expectStatus(() => applyJsonPatch(cm(), [{ op: 'move', path: '/data/x' }]), 'BadRequest', 400);
    });

    it('an operation that is not an object is 400 BadRequest', () => {
      expectStatus(() => applyJsonPatch(cm(), ['remove']), 'BadRequest', 400);
    });

    it(`more than ${MAX_JSON_PATCH_OPERATIONS} operations is 413 RequestEntityTooLarge`, () => {
      const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/data/k', value: 'v' }));
      expectStatus(() => validateJsonPatch(ops), 'RequestEntityTooLarge', 413);
    });
  });
});
