import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import StorageClass from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, fields, resourceOf, runCreate, runUpdate } from '../../shared/testing';

const classes = () => resourceOf(bareServer([StorageClass]), 'storage.k8s.io', 'storageclasses');
const sc = (extra: Obj = {}, name = 'fast') => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'k8ts.dev/hostpath', ...extra });

describe('resources/StorageClass', () => {
  it('is cluster-scoped with short name sc', () => {
    const def = classes().definition;
    assert.equal(def.namespaced, false);
    assert.deepEqual(def.names.shortNames, ['sc']);
  });

  it('defaults reclaimPolicy Delete and volumeBindingMode Immediate', () => {
    const { obj, errors } = runCreate(classes(), sc());
    assert.deepEqual(errors, []);
    assert.equal((obj as Obj).reclaimPolicy, 'Delete');
    assert.equal((obj as Obj).volumeBindingMode, 'Immediate');
  });

  it('requires a provisioner', () => {
    assert.equal(errorOn(runCreate(classes(), sc({ provisioner: undefined })).errors, 'provisioner'), 'FieldValueRequired');
  });

  it('refuses a provisioner that is not a qualified name', () => {
    assert.equal(errorOn(runCreate(classes(), sc({ provisioner: 'a/b/c' })).errors, 'provisioner'), 'FieldValueInvalid');
  });

  it('refuses an unknown reclaimPolicy and volumeBindingMode', () => {
    const { errors } = runCreate(classes(), sc({ reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' }));
    assert.deepEqual(fields(errors), ['reclaimPolicy', 'volumeBindingMode']);
    assert.ok(errors.every((e) => e.type === 'FieldValueNotSupported'));
  });

  it('requires values in allowedTopologies expressions', () => {
    const { errors } = runCreate(classes(), sc({ allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: [] }] }] }));
    assert.equal(errorOn(errors, 'allowedTopologies[0].matchLabelExpressions[0].values'), 'FieldValueRequired');
  });

  it('forbids changing parameters, provisioner and reclaimPolicy; volumeBindingMode is immutable', () => {
    const r = classes();
    const old = runCreate(r, sc({ parameters: { type: 'ssd' } })).obj;
    const { errors } = runUpdate(r, { ...old, parameters: { type: 'hdd' }, provisioner: 'other.dev/x', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }, old);
    assert.deepEqual(errors.map((e) => [e.field, e.type]), [
      ['parameters', 'FieldValueForbidden'],
      ['provisioner', 'FieldValueForbidden'],
      ['reclaimPolicy', 'FieldValueForbidden'],
      ['volumeBindingMode', 'FieldValueInvalid'],
    ]);
  });

  it('allows changing allowVolumeExpansion and mountOptions', () => {
    const r = classes();
    const old = runCreate(r, sc()).obj;
    assert.deepEqual(runUpdate(r, { ...old, allowVolumeExpansion: true, mountOptions: ['ro'] }, old).errors, []);
  });

  it('prints PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE and marks the default class', () => {
    const p = classes().definition.printer!;
    const obj = { ...sc({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true }), metadata: { name: 'fast', creationTimestamp: '2026-11-26T11:00:00Z', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } };
    assert.deepEqual(p.row(obj as any, new Date('2026-11-26T12:00:00Z')), ['fast (default)', 'k8ts.dev/hostpath', 'Retain', 'WaitForFirstConsumer', true, '60m']);
    assert.deepEqual(p.row(sc() as any, new Date()).slice(0, 5), ['fast', 'k8ts.dev/hostpath', 'Delete', 'Immediate', false]);
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/storage.k8s.io/v1/storageclasses';
    beforeEach(async () => {
      server = await startWithPlugins([StorageClass]);
    });
    afterEach(() => server.stop());

    it('creates a class (201) with the defaults', async () => {
      const created = await api(server).create(URL, sc());
      assert.equal(created.reclaimPolicy, 'Delete');
      assert.equal(created.volumeBindingMode, 'Immediate');
    });

    it('answers 422 without a provisioner', async () => {
      const r = await api(server).call('POST', URL, sc({ provisioner: undefined }));
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['provisioner']);
    });

    it('answers 422 when parameters change', async () => {
      const created = await api(server).create(URL, sc({ parameters: { type: 'ssd' } }));
      const r = await api(server).call('PUT', `${URL}/fast`, { ...created, parameters: { type: 'hdd' } });
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['parameters']);
    });

    it('prints the Table row', async () => {
      await api(server).create(URL, sc());
      const t = await api(server).table(URL);
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => c.name), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
      assert.deepEqual(t.rows[0].cells.slice(0, 5), ['fast', 'k8ts.dev/hostpath', 'Delete', 'Immediate', false]);
    });
  });
});
