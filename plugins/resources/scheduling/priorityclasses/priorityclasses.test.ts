import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import PriorityClass from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, resourceOf, runCreate, runUpdate } from '../../shared/testing';

const classes = () => resourceOf(bareServer([PriorityClass]), 'scheduling.k8s.io', 'priorityclasses');
const pc = (extra: Obj = {}, name = 'high') => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: 1000, ...extra });

describe('resources/PriorityClass', () => {
  it('is cluster-scoped with short name pc', () => {
    const def = classes().definition;
    assert.equal(def.namespaced, false);
    assert.deepEqual(def.names.shortNames, ['pc']);
  });

  it('defaults preemptionPolicy to PreemptLowerPriority', () => {
    const { obj, errors } = runCreate(classes(), pc());
    assert.deepEqual(errors, []);
    assert.equal((obj as Obj).preemptionPolicy, 'PreemptLowerPriority');
  });

  it('requires value', () => {
    assert.equal(errorOn(runCreate(classes(), pc({ value: undefined })).errors, 'value'), 'FieldValueRequired');
  });

  it('forbids user values above 1000000000', () => {
    assert.equal(errorOn(runCreate(classes(), pc({ value: 1_000_000_001 })).errors, 'value'), 'FieldValueForbidden');
  });

  it('reserves the system- prefix for the built-in classes with their values', () => {
    assert.equal(errorOn(runCreate(classes(), pc({}, 'system-mine')).errors, 'metadata.name'), 'FieldValueForbidden');
    assert.deepEqual(runCreate(classes(), pc({ value: 2_000_001_000 }, 'system-node-critical')).errors, []);
    assert.equal(errorOn(runCreate(classes(), pc({ value: 5 }, 'system-node-critical')).errors, 'metadata.name'), 'FieldValueForbidden');
  });

  it('refuses an unknown preemptionPolicy', () => {
    assert.equal(errorOn(runCreate(classes(), pc({ preemptionPolicy: 'Always' })).errors, 'preemptionPolicy'), 'FieldValueNotSupported');
  });

  it('forbids changing value and preemptionPolicy', () => {
    const r = classes();
    const old = runCreate(r, pc()).obj;
    const { errors } = runUpdate(r, { ...old, value: 2000, preemptionPolicy: 'Never' }, old);
    assert.equal(errorOn(errors, 'value'), 'FieldValueForbidden');
    assert.equal(errorOn(errors, 'preemptionPolicy'), 'FieldValueInvalid');
  });

  it('allows changing the description', () => {
    const r = classes();
    const old = runCreate(r, pc()).obj;
    assert.deepEqual(runUpdate(r, { ...old, description: 'important' }, old).errors, []);
  });

  it('prints VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY', () => {
    const p = classes().definition.printer!;
    assert.deepEqual(p.columns.map((c) => c.name), ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
    const row = p.row({ ...pc({ globalDefault: true, preemptionPolicy: 'Never' }), metadata: { name: 'high', creationTimestamp: '2026-11-26T11:00:00Z' } } as any, new Date('2026-11-26T12:00:00Z'));
    assert.deepEqual(row, ['high', 1000, true, '60m', 'Never']);
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/scheduling.k8s.io/v1/priorityclasses';
    beforeEach(async () => {
      server = await startWithPlugins([PriorityClass]);
    });
    afterEach(() => server.stop());

    it('creates a class (201) with the default preemptionPolicy', async () => {
      const created = await api(server).create(URL, pc());
      assert.equal(created.preemptionPolicy, 'PreemptLowerPriority');
    });

    it('answers 422 for a second globalDefault class', async () => {
      await api(server).create(URL, pc({ globalDefault: true }, 'first'));
      const r = await api(server).call('POST', URL, pc({ globalDefault: true }, 'second'));
      const s = r.json<Obj>();
      assert.equal(r.status, 422);
      assert.equal(s.reason, 'Invalid');
      assert.deepEqual(causeFields(s), ['globalDefault']);
      assert.equal(s.details.causes[0].reason, 'FieldValueForbidden');
    });

    it('answers 422 when an update marks a second class globalDefault', async () => {
      await api(server).create(URL, pc({ globalDefault: true }, 'first'));
      const second = await api(server).create(URL, pc({}, 'second'));
      const r = await api(server).call('PUT', `${URL}/second`, { ...second, globalDefault: true });
      assert.equal(r.status, 422);
    });

    it('lets the default class itself be updated and a new default be set once the old one is cleared', async () => {
      const first = await api(server).create(URL, pc({ globalDefault: true }, 'first'));
      assert.equal((await api(server).call('PUT', `${URL}/first`, { ...first, description: 'the default' })).status, 200);
      const cleared = (await api(server).call('GET', `${URL}/first`)).json<Obj>();
      assert.equal((await api(server).call('PUT', `${URL}/first`, { ...cleared, globalDefault: false })).status, 200);
      assert.equal((await api(server).call('POST', URL, pc({ globalDefault: true }, 'second'))).status, 201);
    });

    it('answers 422 when value changes', async () => {
      const created = await api(server).create(URL, pc());
      const r = await api(server).call('PUT', `${URL}/high`, { ...created, value: 5 });
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['value']);
    });

    it('prints the Table row', async () => {
      await api(server).create(URL, pc({ globalDefault: true }));
      const t = await api(server).table(URL);
      assert.deepEqual(t.rows[0].cells.filter((_: unknown, i: number) => i !== 3), ['high', 1000, true, 'PreemptLowerPriority']);
    });
  });
});
