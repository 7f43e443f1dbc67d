import assert from 'node:assert/strict';
import type { KObject } from '../../../../core/registry/types';
import type { Server } from '../../../../core/server/server';
import CustomResourceDefinition, { storageVersionOf } from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, fakeCtx, fields, resourceOf, runCreate, runUpdate } from '../../shared/testing';

const crds = () => resourceOf(bareServer([CustomResourceDefinition]), 'apiextensions.k8s.io', 'customresourcedefinitions');
const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } };
const version = (extra: Obj = {}) => ({ name: 'v1', served: true, storage: true, schema, ...extra });

function crd(spec: Obj = {}, name = 'widgets.example.com'): Obj {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [version()], ...spec },
  };
}

describe('resources/CustomResourceDefinition', () => {
  it('is cluster-scoped with short names crd/crds, category api-extensions, status and spec generation', () => {
    const def = crds().definition;
    assert.equal(def.namespaced, false);
    assert.deepEqual(def.names.shortNames, ['crd', 'crds']);
    assert.deepEqual(def.names.categories, ['api-extensions']);
    assert.equal(def.subresources?.status, true);
    assert.equal(def.generation, 'spec');
    assert.equal(def.printer, undefined, 'kubectl get crd prints NAME CREATED AT');
  });

  it('defaults singular, listKind and conversion, and records the stored version', () => {
    const { obj, errors } = runCreate(crds(), crd());
    assert.deepEqual(errors, []);
    const spec = obj.spec as Obj;
    assert.equal(spec.names.singular, 'widget');
    assert.equal(spec.names.listKind, 'WidgetList');
    assert.deepEqual(spec.conversion, { strategy: 'None' });
    assert.deepEqual((obj.status as Obj).storedVersions, ['v1']);
  });

  it('requires the name <plural>.<group>', () => {
    const { errors } = runCreate(crds(), crd({}, 'widget.example.com'));
    assert.equal(errorOn(errors, 'metadata.name'), 'FieldValueInvalid');
  });

  it('requires a group with a dot', () => {
    const { errors } = runCreate(crds(), crd({ group: 'example' }, 'widgets.example'));
    assert.equal(errorOn(errors, 'spec.group'), 'FieldValueInvalid');
    assert.match(errors.find((e) => e.field === 'spec.group')!.message, /at least one dot/);
  });

  it('requires scope Namespaced or Cluster', () => {
    assert.equal(errorOn(runCreate(crds(), crd({ scope: undefined })).errors, 'spec.scope'), 'FieldValueRequired');
    assert.equal(errorOn(runCreate(crds(), crd({ scope: 'Global' })).errors, 'spec.scope'), 'FieldValueNotSupported');
  });

  it('requires at least one version (exactly one storage version)', () => {
    const { errors } = runCreate(crds(), crd({ versions: [] }));
    assert.equal(errorOn(errors, 'spec.versions'), 'FieldValueInvalid');
  });

  it('requires exactly one storage version', () => {
    const { errors } = runCreate(crds(), crd({ versions: [version(), version({ name: 'v2' })] }));
    assert.match(errors.find((e) => e.field === 'spec.versions')!.message, /exactly one version marked as storage version/);
  });

  it('refuses duplicate version names', () => {
    const { errors } = runCreate(crds(), crd({ versions: [version(), version({ storage: false })] }));
    assert.ok(errors.some((e) => e.field === 'spec.versions' && /unique version names/.test(e.message)));
  });

  it('requires served and storage as booleans', () => {
    const { errors } = runCreate(crds(), crd({ versions: [{ name: 'v1', storage: 'yes', schema }] }));
    assert.equal(errorOn(errors, 'spec.versions[0].served'), 'FieldValueRequired');
    assert.equal(errorOn(errors, 'spec.versions[0].storage'), 'FieldValueTypeInvalid');
  });

  it('requires names.kind and names.plural', () => {
    const { errors } = runCreate(crds(), crd({ names: {} }, '.example.com'));
    for (const f of ['spec.names.plural', 'spec.names.kind', 'spec.names.singular', 'spec.names.listKind']) assert.equal(errorOn(errors, f), 'FieldValueRequired', f);
  });

  it('refuses kind equal to listKind and bad short names', () => {
    const { errors } = runCreate(crds(), crd({ names: { plural: 'widgets', kind: 'Widget', listKind: 'Widget', shortNames: ['W_'] } }));
    assert.deepEqual(fields(errors).sort(), ['spec.names.listKind', 'spec.names.shortNames[0]']);
  });

  it('requires a schema per version with type object at the root', () => {
    assert.equal(errorOn(runCreate(crds(), crd({ versions: [version({ schema: undefined })] })).errors, 'spec.versions[0].schema.openAPIV3Schema'), 'FieldValueRequired');
    const { errors } = runCreate(crds(), crd({ versions: [version({ schema: { openAPIV3Schema: { type: 'string' } } })] }));
    assert.equal(errorOn(errors, 'spec.versions[0].schema.openAPIV3Schema.type'), 'FieldValueInvalid');
  });

  it('requires a type on every specified property', () => {
    const { errors } = runCreate(crds(), crd({ versions: [version({ schema: { openAPIV3Schema: { type: 'object', properties: { spec: {} } } } })] }));
    assert.equal(errorOn(errors, 'spec.versions[0].schema.openAPIV3Schema.properties[spec].type'), 'FieldValueRequired');
  });

  it('validates scale subresource paths and printer columns', () => {
    const { errors } = runCreate(
      crds(),
      crd({ versions: [version({ subresources: { scale: { specReplicasPath: '.status.replicas', statusReplicasPath: '' } }, additionalPrinterColumns: [{ name: 'Size', type: 'float', jsonPath: 'spec.size' }] })] }),
    );
    assert.deepEqual(fields(errors).sort(), [
      'spec.versions[0].additionalPrinterColumns[0].JSONPath',
      'spec.versions[0].additionalPrinterColumns[0].type',
      'spec.versions[0].subresources.scale.specReplicasPath',
      'spec.versions[0].subresources.scale.statusReplicasPath',
    ]);
  });

  it('requires a webhook client config for Webhook conversion', () => {
    const { errors } = runCreate(crds(), crd({ conversion: { strategy: 'Webhook' } }));
    assert.equal(errorOn(errors, 'spec.conversion.webhookClientConfig'), 'FieldValueRequired');
    assert.equal(errorOn(errors, 'spec.conversion.conversionReviewVersions'), 'FieldValueRequired');
  });

  it('adds a new storage version to storedVersions on update and keeps the old one', () => {
    const r = crds();
    const old = runCreate(r, crd()).obj;
    const next = crd({ versions: [version({ storage: false }), version({ name: 'v2' })] });
    const { obj, errors } = runUpdate(r, { ...next, status: old.status }, old);
    assert.deepEqual(errors, []);
    assert.deepEqual((obj.status as Obj).storedVersions, ['v1', 'v2']);
    assert.equal(storageVersionOf(obj), 'v2');
  });

  it('refuses removing a stored version from spec.versions', () => {
    const r = crds();
    const old = runCreate(r, crd()).obj;
    const { errors } = runUpdate(r, crd({ versions: [version({ name: 'v2' })] }), old);
    assert.equal(errorOn(errors, 'status.storedVersions[0]'), 'FieldValueInvalid');
  });

  it('makes group immutable, and scope once Established', () => {
    const r = crds();
    const created = runCreate(r, crd()).obj;
    const established: Obj = { ...created, status: { ...(created.status as Obj), conditions: [{ type: 'Established', status: 'True' }] } };
    const { errors } = runUpdate(r, { ...established, spec: { ...established.spec, scope: 'Cluster' } }, established as KObject);
    assert.equal(errorOn(errors, 'spec.scope'), 'FieldValueInvalid');
    assert.deepEqual(runUpdate(r, { ...created, spec: { ...(created.spec as Obj), scope: 'Cluster' } }, created).errors, []);
    const regrouped = runUpdate(r, { ...created, spec: { ...(created.spec as Obj), group: 'other.example.com' } }, created).errors;
    assert.equal(errorOn(regrouped, 'spec.group'), 'FieldValueInvalid');
  });

  it('lets /status trim storedVersions to the storage version', () => {
    const r = crds();
    const v1 = runCreate(r, crd()).obj;
    const v2 = runUpdate(r, { ...crd({ versions: [version({ storage: false }), version({ name: 'v2' })] }), status: v1.status }, v1).obj;
    const { obj, errors } = runUpdate(r, { ...v2, status: { storedVersions: ['v2'] } }, v2, fakeCtx({ method: 'PUT', subresource: 'status' }));
    assert.deepEqual(errors, []);
    assert.deepEqual((obj.status as Obj).storedVersions, ['v2']);
  });

  it('validates acceptedNames on /status', () => {
    const r = crds();
    const old = runCreate(r, crd()).obj;
    const { errors } = runUpdate(r, { ...old, status: { ...(old.status as Obj), acceptedNames: { plural: 'Widgets!', kind: 'Widget' } } }, old, fakeCtx({ method: 'PUT', subresource: 'status' }));
    assert.equal(errorOn(errors, 'status.acceptedNames.plural'), 'FieldValueInvalid');
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    beforeEach(async () => {
      server = await startWithPlugins([CustomResourceDefinition]);
    });
    afterEach(() => server.stop());

    it('creates a CRD (201) with generation 1 and storedVersions', async () => {
      const created = await api(server).create(URL, crd());
      assert.equal(created.metadata.generation, 1);
      assert.deepEqual(created.status, { storedVersions: ['v1'] });
    });

    it('answers 422 Invalid with a metadata.name cause for a wrong name', async () => {
      const r = await api(server).call('POST', URL, crd({}, 'widgets'));
      const s = r.json<Obj>();
      assert.equal(r.status, 422);
      assert.equal(s.reason, 'Invalid');
      assert.equal(s.details.kind, 'CustomResourceDefinition');
      assert.deepEqual(causeFields(s), ['metadata.name']);
    });

    it('bumps generation on a spec change', async () => {
      const created = await api(server).create(URL, crd());
      const r = await api(server).call('PUT', `${URL}/widgets.example.com`, { ...created, spec: { ...created.spec, names: { ...created.spec.names, shortNames: ['wd'] } } });
      assert.equal(r.status, 200, r.text());
      assert.equal(r.json<Obj>().metadata.generation, 2);
    });

    it('prints NAME and CREATED AT', async () => {
      await api(server).create(URL, crd());
      const t = await api(server).table(URL);
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => c.name), ['Name', 'Created At']);
      assert.equal(t.rows[0].cells[0], 'widgets.example.com');
    });
  });
});
