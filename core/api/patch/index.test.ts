import assert from 'node:assert/strict';
import {
  applyPatch,
  builtinPatchSchema,
  extractResourceVersionPrecondition,
  parsePatchBody,
  PATCH_CONTENT_TYPES,
  patchTypeOf,
  validatePatchOptions,
} from './index';
import { expectStatus, frozen } from './test-helpers';

const NOW = '2026-11-26T13:10:14Z';
const DEPLOYMENT = builtinPatchSchema('Deployment')!;

const live = () =>
  frozen({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '104', labels: { app: 'web' } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.29' }] } } },
  });

const body = (v: unknown) => Buffer.from(JSON.stringify(v));
const CRD_415 =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

describe('patch/index', () => {
  describe('dispatch', () => {
    it('lists the four patch content types', () => {
      assert.deepEqual([...PATCH_CONTENT_TYPES], [
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
        'application/apply-patch+yaml',
      ]);
    });

    it('json-patch+json applies RFC 6902', () => {
      const r = applyPatch('application/json-patch+json', live(), body([{ op: 'replace', path: '/spec/replicas', value: 3 }]));
      assert.equal((r.object as any).spec.replicas, 3);
      assert.equal(r.created, false);
    });

    it('merge-patch+json applies RFC 7386, Content-Type parameters ignored', () => {
      const r = applyPatch('application/merge-patch+json; charset=utf-8', live(), body({ metadata: { labels: { app: null, x: 'y' } } }));
      assert.deepEqual((r.object as any).metadata.labels, { x: 'y' });
    });

    it('strategic-merge-patch+json merges containers by name with the schema', () => {
      const r = applyPatch('application/strategic-merge-patch+json', live(), body({ spec: { template: { spec: { containers: [{ name: 'side', image: 'b' }] } } } }), { schema: DEPLOYMENT });
      assert.deepEqual((r.object as any).spec.template.spec.containers.map((c: any) => c.name), ['side', 'nginx']);
    });

    it('strategic merge patch without a schema (custom resources) is 415 with the apiserver message', () => {
      const err = expectStatus(() => applyPatch('application/strategic-merge-patch+json', live(), body({})), 'UnsupportedMediaType', 415);
      assert.equal(err.message, CRD_415);
    });

    it('an unknown patch Content-Type is 415', () => {
      expectStatus(() => applyPatch('application/json', live(), body({}), { schema: DEPLOYMENT }), 'UnsupportedMediaType', 415);
    });

    it('apply-patch+yaml creates a missing object', () => {
      const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n';
      const r = applyPatch('application/apply-patch+yaml', undefined, Buffer.from(yaml), { schema: DEPLOYMENT, fieldManager: 'kubectl', now: NOW });
      assert.equal(r.created, true);
      assert.equal((r.object as any).spec.replicas, 2);
      assert.deepEqual(r.managedFields?.map((m) => [m.manager, m.operation, m.apiVersion, m.time]), [['kubectl', 'Apply', 'apps/v1', NOW]]);
    });

    it('apply-patch+yaml accepts the JSON kubectl actually sends', () => {
      const r = applyPatch('application/apply-patch+yaml', live(), body({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1 } }), {
        schema: DEPLOYMENT,
        fieldManager: 'kubectl',
        force: true,
      });
      assert.equal(r.created, false);
      assert.equal((r.object as any).spec.replicas, 1);
    });

    it('apply without fieldManager is the apiserver 422', () => {
      expectStatus(() => applyPatch('application/apply-patch+yaml', live(), body({}), { schema: DEPLOYMENT }), 'Invalid', 422);
    });

    it('a non-apply patch with a fieldManager records it as an Update manager', () => {
      const r = applyPatch('application/merge-patch+json', live(), body({ spec: { replicas: 4 } }), { fieldManager: 'kubectl-patch', now: NOW });
      assert.deepEqual(r.managedFields, [
        { manager: 'kubectl-patch', operation: 'Update', apiVersion: 'apps/v1', time: NOW, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      ]);
    });

    it('a non-apply patch without fieldManager tracks nothing', () => {
      const r = applyPatch('application/merge-patch+json', live(), body({ spec: { replicas: 4 } }));
      assert.equal(r.managedFields, undefined);
      assert.equal('managedFields' in (r.object as any).metadata, false);
    });

    it('a non-apply patch of a missing object is 404', () => {
      expectStatus(() => applyPatch('application/merge-patch+json', undefined, body({})), 'NotFound', 404);
    });

    it('a merge patch body that is not an object is 400', () => {
      expectStatus(() => applyPatch('application/merge-patch+json', live(), body([1])), 'BadRequest', 400);
    });

    it('malformed JSON is 400', () => {
      expectStatus(() => applyPatch('application/merge-patch+json', live(), Buffer.from('{"spec":')), 'BadRequest', 400);
    });

    it('malformed YAML is 400', () => {
      expectStatus(() => parsePatchBody('application/apply-patch+yaml', 'a: [1\nb: }'), 'BadRequest', 400);
    });

    it('patchTypeOf resolves case-insensitively', () => {
      assert.equal(patchTypeOf('Application/Merge-Patch+JSON'), 'application/merge-patch+json');
    });
  });

  describe('validatePatchOptions', () => {
    it('apply requires a fieldManager (422 Invalid on PatchOptions)', () => {
      const err = expectStatus(() => validatePatchOptions('application/apply-patch+yaml', {}), 'Invalid', 422);
      assert.equal(err.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    });

    it('force is forbidden for non-apply patches', () => {
      expectStatus(() => validatePatchOptions('application/merge-patch+json', { force: true }), 'Invalid', 422);
    });

    it('a merge patch without fieldManager is fine', () => {
      validatePatchOptions('application/merge-patch+json', {});
    });
  });

  describe('extractResourceVersionPrecondition', () => {
    it('reads metadata.resourceVersion of a merge, strategic or apply body', () => {
      assert.equal(extractResourceVersionPrecondition({ metadata: { resourceVersion: '104' }, spec: {} }), '104');
    });

    it('reads the value of a JSON patch replace of /metadata/resourceVersion', () => {
      assert.equal(extractResourceVersionPrecondition([{ op: 'replace', path: '/metadata/resourceVersion', value: '7' }]), '7');
    });

    it('reads the value of a JSON patch test of /metadata/resourceVersion', () => {
      assert.equal(extractResourceVersionPrecondition([{ op: 'test', path: '/metadata/resourceVersion', value: '8' }]), '8');
    });

    it('ignores other JSON patch operations', () => {
      assert.equal(extractResourceVersionPrecondition([{ op: 'remove', path: '/metadata/resourceVersion' }, { op: 'add', path: '/x', value: '1' }]), undefined);
    });

    it('no resourceVersion, null or empty is no precondition', () => {
      assert.equal(extractResourceVersionPrecondition({ spec: { replicas: 1 } }), undefined);
      assert.equal(extractResourceVersionPrecondition({ metadata: { resourceVersion: null } }), undefined);
      assert.equal(extractResourceVersionPrecondition({ metadata: { resourceVersion: '' } }), undefined);
    });
  });
});
