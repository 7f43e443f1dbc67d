import assert from 'node:assert/strict';
import { builtinPatchSchema, GENERIC_PATCH_SCHEMA } from './builtin-schema';
import { applyServerSide, recordUpdate, type ManagedFieldsEntry, type ServerSideApplyOptions } from './server-side-apply';
import { expectStatus, frozen } from './test-helpers';

const DEPLOYMENT = builtinPatchSchema('Deployment')!;
const T0 = '2026-11-26T13:00:00Z';
const T1 = '2026-11-26T13:01:00Z';
const T2 = '2026-11-26T13:02:00Z';

function config(over: { replicas?: number; labels?: Record<string, string>; containers?: unknown[] } = {}) {
  return frozen({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: over.labels ?? { app: 'web' } },
    spec: {
      replicas: over.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: over.containers ?? [{ name: 'nginx', image: 'nginx:1.29', ports: [{ containerPort: 80 }] }] },
      },
    },
  });
}

/** What the store holds after a create: server metadata plus what the writer sent. */
function stored(obj: object): any {
  const o = JSON.parse(JSON.stringify(obj));
  Object.assign(o.metadata, { uid: 'u-1', resourceVersion: '10', generation: 1, creationTimestamp: T0 });
  o.status = { replicas: 2 };
  return o;
}

const apply = (o: Partial<ServerSideApplyOptions> & { live: object | undefined; applied: unknown }) =>
  applyServerSide({ manager: 'kubectl', apiVersion: 'apps/v1', schema: DEPLOYMENT, now: T1, ...o });

const entry = (mf: ManagedFieldsEntry[], manager: string) => mf.find((e) => e.manager === manager);
const managers = (mf: ManagedFieldsEntry[]) => mf.map((e) => `${e.manager}/${e.operation}`);

describe('patch/server-side-apply', () => {
  describe('applyServerSide', () => {
    it('creates the object and records one Apply entry with the applied fields', () => {
      const r = apply({ live: undefined, applied: config(), now: T0 });
      assert.equal(r.object.spec && (r.object.spec as any).replicas, 2);
      assert.deepEqual(r.managedFields, [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          time: T0,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:replicas': {},
              'f:selector': {},
              'f:template': {
                'f:metadata': { 'f:labels': { 'f:app': {} } },
                'f:spec': {
                  'f:containers': {
                    'k:{"name":"nginx"}': {
                      '.': {},
                      'f:image': {},
                      'f:name': {},
                      'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                    },
                  },
                },
              },
            },
          },
        },
      ]);
    });

    it('stores the entries in metadata.managedFields of the result', () => {
      const r = apply({ live: undefined, applied: config() });
      assert.deepEqual((r.object.metadata as any).managedFields, r.managedFields);
    });

    it('never tracks apiVersion, kind, name or namespace', () => {
      const r = apply({ live: undefined, applied: config() });
      const f = r.managedFields[0].fieldsV1 as any;
      assert.deepEqual(Object.keys(f), ['f:metadata', 'f:spec']);
      assert.deepEqual(Object.keys(f['f:metadata']), ['f:labels']);
    });

    it('ignores status and server-owned metadata in the applied configuration', () => {
      const live = stored(apply({ live: undefined, applied: config(), now: T0 }).object);
      const applied = { ...config(), status: { replicas: 99 }, metadata: { ...config().metadata, uid: 'evil', resourceVersion: '1' } };
      const r = apply({ live, applied });
      assert.deepEqual(r.object.status, { replicas: 2 });
      assert.equal((r.object.metadata as any).uid, 'u-1');
      assert.equal((r.object.metadata as any).resourceVersion, '10');
    });

    it('re-applying the same configuration changes nothing, not even the entry time', () => {
      const live = stored(apply({ live: undefined, applied: config(), now: T0 }).object);
      const r = apply({ live, applied: config(), now: T2 });
      assert.equal(r.changed, false);
      assert.equal(r.managedFields[0].time, T0);
      assert.deepEqual(r.object, live);
    });

    it('a field the applier no longer applies is removed', () => {
      const live = stored(apply({ live: undefined, applied: config({ labels: { app: 'web', tier: 'fe' } }) }).object);
      const r = apply({ live, applied: config({ labels: { app: 'web' } }) });
      assert.deepEqual((r.object.metadata as any).labels, { app: 'web' });
    });

    it('a container the applier no longer applies is removed', () => {
      const two = [{ name: 'nginx', image: 'nginx:1.29' }, { name: 'sidecar', image: 'busybox' }];
      const live = stored(apply({ live: undefined, applied: config({ containers: two }) }).object);
      const r = apply({ live, applied: config({ containers: [two[0]] }) });
      assert.deepEqual((r.object as any).spec.template.spec.containers, [two[0]]);
    });

    it('a field the applier drops is kept when another manager also owns it', () => {
      const created = apply({ live: undefined, applied: config({ labels: { app: 'web', tier: 'fe' } }), now: T0 }).object;
      const shared = apply({ live: stored(created), applied: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 'fe' } } }, manager: 'other' });
      const r = apply({ live: shared.object, applied: config({ labels: { app: 'web' } }) });
      assert.deepEqual((r.object.metadata as any).labels, { app: 'web', tier: 'fe' });
      assert.deepEqual(entry(r.managedFields, 'other')!.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
    });

    it('fields set by others and never applied survive a re-apply', () => {
      const live = stored(apply({ live: undefined, applied: config() }).object);
      live.spec.progressDeadlineSeconds = 600;
      const r = apply({ live, applied: config({ replicas: 3 }) });
      assert.equal((r.object as any).spec.progressDeadlineSeconds, 600);
      assert.equal((r.object as any).spec.replicas, 3);
    });

    it('changing a field an Update manager owns is a 409 Conflict with the apiserver message', () => {
      const live = stored(apply({ live: undefined, applied: config(), manager: 'kubectl-client-side-apply', now: T0 }).object);
      const updated = recordUpdate({ old: live, updated: { ...live, spec: { ...live.spec, replicas: 5 } }, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T1 });
      const err = expectStatus(() => apply({ live: updated.object, applied: config({ replicas: 3 }), now: T2 }), 'Conflict', 409);
      assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
      assert.deepEqual(err.status.details?.causes, [
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
      ]);
    });

    it('a conflict with another applier names it without an apiVersion', () => {
      const live = stored(apply({ live: undefined, applied: config(), manager: 'ci' }).object);
      const err = expectStatus(() => apply({ live, applied: config({ replicas: 3 }) }), 'Conflict', 409);
      assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "ci": .spec.replicas');
    });

    it('several conflicts are listed per manager', () => {
      const live = stored(apply({ live: undefined, applied: config(), manager: 'ci' }).object);
      const err = expectStatus(
        () => apply({ live, applied: config({ replicas: 3, containers: [{ name: 'nginx', image: 'nginx:1.30', ports: [{ containerPort: 80 }] }] }) }),
        'Conflict',
        409,
      );
      assert.equal(
        err.message,
        'Apply failed with 2 conflicts: conflicts with "ci":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
      );
      assert.equal(err.status.details?.causes?.length, 2);
    });

    it('applying the value another manager already has shares the field without conflict', () => {
      const live = stored(apply({ live: undefined, applied: config(), manager: 'ci' }).object);
      const r = apply({ live, applied: config() });
      assert.deepEqual(managers(r.managedFields), ['ci/Apply', 'kubectl/Apply']);
      assert.deepEqual((entry(r.managedFields, 'ci')!.fieldsV1 as any)['f:spec']['f:replicas'], {});
      assert.deepEqual((entry(r.managedFields, 'kubectl')!.fieldsV1 as any)['f:spec']['f:replicas'], {});
    });

    it('force takes the conflicting fields over and drops emptied entries', () => {
      const live = stored(apply({ live: undefined, applied: config(), now: T0 }).object);
      const scaled = recordUpdate({ old: live, updated: { ...live, spec: { ...live.spec, replicas: 5 } }, manager: 'kubectl-scale', apiVersion: 'apps/v1', now: T1 });
      assert.deepEqual(managers(scaled.managedFields), ['kubectl/Apply', 'kubectl-scale/Update']);
      const r = apply({ live: scaled.object, applied: config({ replicas: 3 }), force: true, now: T2 });
      assert.equal((r.object as any).spec.replicas, 3);
      assert.deepEqual(managers(r.managedFields), ['kubectl/Apply']);
    });

    it('an object without managedFields is owned by before-first-apply', () => {
      const live = stored(config());
      const err = expectStatus(() => apply({ live, applied: config({ replicas: 3 }) }), 'Conflict', 409);
      assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
    });

    it('null in the applied configuration removes the field and is not owned', () => {
      const live = stored(apply({ live: undefined, applied: config() }).object);
      const applied = JSON.parse(JSON.stringify(config()));
      applied.spec.replicas = null;
      const r = apply({ live, applied });
      assert.equal('replicas' in (r.object as any).spec, false);
      assert.equal('f:replicas' in (r.managedFields[0].fieldsV1 as any)['f:spec'], false);
    });

    it('finalizers are owned as set values', () => {
      const applied = { ...config(), metadata: { ...config().metadata, finalizers: ['example.com/x'] } };
      const r = apply({ live: undefined, applied });
      assert.deepEqual((r.managedFields[0].fieldsV1 as any)['f:metadata']['f:finalizers'], { 'v:"example.com/x"': {} });
    });

    it('the atomic selector is replaced, not merged', () => {
      const live = stored(apply({ live: undefined, applied: config() }).object);
      const applied = JSON.parse(JSON.stringify(config()));
      applied.spec.selector = { matchLabels: { tier: 'fe' } };
      const r = apply({ live, applied });
      assert.deepEqual((r.object as any).spec.selector, { matchLabels: { tier: 'fe' } });
    });

    it('containers only the live object has keep their place among the applied ones', () => {
      const live = stored(apply({ live: undefined, applied: config({ containers: [{ name: 'a' }, { name: 'c' }] }), manager: 'ci' }).object);
      live.spec.template.spec.containers.splice(1, 0, { name: 'b' });
      const r = apply({ live, applied: config({ containers: [{ name: 'a' }, { name: 'c' }, { name: 'd' }] }) });
      assert.deepEqual((r.object as any).spec.template.spec.containers.map((c: any) => c.name), ['a', 'b', 'c', 'd']);
    });

    it("kubectl's second apply as kubectl-last-applied adds the annotation without touching kubectl's fields", () => {
      const live = stored(apply({ live: undefined, applied: config(), now: T0 }).object);
      const annotation = { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}' };
      const r = apply({ live, applied: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', annotations: annotation } }, manager: 'kubectl-last-applied' });
      assert.deepEqual((r.object.metadata as any).annotations, annotation);
      assert.deepEqual(managers(r.managedFields), ['kubectl/Apply', 'kubectl-last-applied/Apply']);
      assert.equal((r.object as any).spec.replicas, 2);
    });

    it('a list item without its key field is 400 BadRequest', () => {
      expectStatus(() => apply({ live: undefined, applied: config({ containers: [{ image: 'nginx' }] }) }), 'BadRequest', 400);
    });

    it('duplicate list keys in the applied configuration are 400 BadRequest', () => {
      expectStatus(() => apply({ live: undefined, applied: config({ containers: [{ name: 'a' }, { name: 'a' }] }) }), 'BadRequest', 400);
    });

    it('metadata.managedFields in the applied configuration is 400 BadRequest', () => {
      const applied = { ...config(), metadata: { ...config().metadata, managedFields: [] } };
      expectStatus(() => apply({ live: undefined, applied }), 'BadRequest', 400);
    });

    it('an empty manager is the apiserver 422 Invalid', () => {
      expectStatus(() => apply({ live: undefined, applied: config(), manager: '' }), 'Invalid', 422);
    });

    it('never mutates live or applied', () => {
      const live = frozen(stored(apply({ live: undefined, applied: config() }).object));
      apply({ live, applied: config({ replicas: 4, labels: {} }) });
    });

    it('custom resources apply with the generic schema', () => {
      const cr = frozen({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1, tags: ['a'] } });
      const r = apply({ live: undefined, applied: cr, schema: GENERIC_PATCH_SCHEMA, apiVersion: 'example.com/v1' });
      assert.deepEqual(r.managedFields[0].fieldsV1, { 'f:spec': { 'f:size': {}, 'f:tags': {} } });
    });
  });

  describe('recordUpdate', () => {
    const created = () =>
      recordUpdate({ old: undefined, updated: stored(config()), manager: 'kubectl-create', apiVersion: 'apps/v1', now: T0 });

    it('on create the writer owns every field, maps of scalars included', () => {
      const f = created().managedFields[0];
      assert.equal(f.operation, 'Update');
      assert.deepEqual((f.fieldsV1 as any)['f:metadata'], { 'f:labels': { '.': {}, 'f:app': {} } });
      assert.deepEqual((f.fieldsV1 as any)['f:spec']['f:replicas'], {});
    });

    it('another writer takes over the fields it changes', () => {
      const first = created();
      const obj = first.object as any;
      const r = recordUpdate({ old: obj, updated: { ...obj, spec: { ...obj.spec, replicas: 5 } }, manager: 'kubectl-scale', apiVersion: 'apps/v1', now: T1 });
      assert.deepEqual(entry(r.managedFields, 'kubectl-scale')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
      assert.equal('f:replicas' in (entry(r.managedFields, 'kubectl-create')!.fieldsV1 as any)['f:spec'], false);
    });

    it('a removed field leaves every manager', () => {
      const obj = created().object as any;
      const updated = JSON.parse(JSON.stringify(obj));
      delete updated.metadata.labels;
      const r = recordUpdate({ old: obj, updated, manager: 'kubectl-edit', apiVersion: 'apps/v1', now: T1 });
      assert.equal('f:metadata' in (entry(r.managedFields, 'kubectl-create')!.fieldsV1 as any), false);
      assert.equal(entry(r.managedFields, 'kubectl-edit'), undefined);
    });

    it('a no-op write keeps the entries and their time', () => {
      const first = created();
      const r = recordUpdate({ old: first.object, updated: first.object, manager: 'kubectl-create', apiVersion: 'apps/v1', now: T2 });
      assert.deepEqual(r.managedFields, first.managedFields);
      assert.equal(r.changed, false);
    });

    it('status changes on the main resource are not tracked', () => {
      const obj = created().object as any;
      const r = recordUpdate({ old: obj, updated: { ...obj, status: { replicas: 7 } }, manager: 'controller', apiVersion: 'apps/v1', now: T1 });
      assert.equal(entry(r.managedFields, 'controller'), undefined);
    });

    it('a /status write is tracked with subresource status', () => {
      const obj = created().object as any;
      const r = recordUpdate({
        old: obj,
        updated: { ...obj, status: { replicas: 2, readyReplicas: 2 } },
        manager: 'controller',
        apiVersion: 'apps/v1',
        now: T1,
        subresource: 'status',
        resetFields: ['spec'],
      });
      const e = entry(r.managedFields, 'controller')!;
      assert.equal(e.subresource, 'status');
      assert.deepEqual(e.fieldsV1, { 'f:status': { 'f:readyReplicas': {} } });
    });

    it('managedFields set to [{}] by the writer are reset', () => {
      const obj = created().object as any;
      const r = recordUpdate({ old: obj, updated: { ...obj, metadata: { ...obj.metadata, managedFields: [{}] } }, manager: 'kubectl-edit', apiVersion: 'apps/v1', now: T1 });
      assert.deepEqual(r.managedFields, []);
      assert.equal('managedFields' in (r.object.metadata as any), false);
    });

    it('managedFields replaced by the writer are taken as the new base', () => {
      const obj = created().object as any;
      const mine = [{ manager: 'importer', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
      const r = recordUpdate({ old: obj, updated: { ...obj, metadata: { ...obj.metadata, managedFields: mine } }, manager: 'kubectl-edit', apiVersion: 'apps/v1', now: T1 });
      assert.deepEqual(managers(r.managedFields), ['importer/Update']);
    });

    it('malformed managedFields from the writer are 400 BadRequest', () => {
      const obj = created().object as any;
      const bad = [{ manager: 'x', operation: 'Delete', fieldsType: 'FieldsV1', fieldsV1: {} }];
      expectStatus(
        () => recordUpdate({ old: obj, updated: { ...obj, metadata: { ...obj.metadata, managedFields: bad } }, manager: 'm', apiVersion: 'apps/v1', now: T1 }),
        'BadRequest',
        400,
      );
    });

    it('an Update and an Apply by the same manager name are separate entries', () => {
      const obj = created().object as any;
      const up = recordUpdate({ old: obj, updated: { ...obj, spec: { ...obj.spec, replicas: 4 } }, manager: 'kubectl', apiVersion: 'apps/v1', now: T1 });
      const err = expectStatus(() => apply({ live: up.object, applied: config({ replicas: 3 }), now: T2 }), 'Conflict', 409);
      assert.match(err.message, /conflict with "kubectl" using apps\/v1: \.spec\.replicas/);
    });
  });
});
