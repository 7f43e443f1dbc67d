import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import Lease from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, resourceOf, runCreate } from '../../shared/testing';

const leases = () => resourceOf(bareServer([Lease]), 'coordination.k8s.io', 'leases');
const lease = (spec: Obj, name = 'l1') => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-system' }, spec });

describe('resources/Lease', () => {
  it('is namespaced with no generation and no status subresource', () => {
    const def = leases().definition;
    assert.equal(def.namespaced, true);
    assert.equal(def.generation, 'none');
    assert.equal(def.subresources, undefined);
    assert.equal(def.versions[0].schemaRef, 'io.k8s.api.coordination.v1.Lease');
  });

  it('accepts a holder with a positive duration', () => {
    assert.deepEqual(runCreate(leases(), lease({ holderIdentity: 'node-a', leaseDurationSeconds: 15, leaseTransitions: 0 })).errors, []);
  });

  it('rejects leaseDurationSeconds 0', () => {
    assert.equal(errorOn(runCreate(leases(), lease({ leaseDurationSeconds: 0 })).errors, 'spec.leaseDurationSeconds'), 'FieldValueInvalid');
  });

  it('rejects negative leaseTransitions', () => {
    assert.equal(errorOn(runCreate(leases(), lease({ leaseTransitions: -1 })).errors, 'spec.leaseTransitions'), 'FieldValueInvalid');
  });

  it('forbids preferredHolder without a strategy', () => {
    assert.equal(errorOn(runCreate(leases(), lease({ preferredHolder: 'x' })).errors, 'spec.preferredHolder'), 'FieldValueForbidden');
  });

  it('prints NAME HOLDER AGE', () => {
    const row = leases().definition.printer!.row(
      { metadata: { name: 'l1', creationTimestamp: '2026-11-26T11:59:00Z' }, spec: { holderIdentity: 'node-a' } },
      new Date('2026-11-26T12:00:00Z'),
    );
    assert.deepEqual(row, ['l1', 'node-a', '60s']);
  });

  it('prints an empty holder for an unheld lease', () => {
    assert.equal(leases().definition.printer!.row({ metadata: { name: 'l1' }, spec: {} }, new Date())[1], '');
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';
    beforeEach(async () => {
      server = await startWithPlugins([Lease]);
    });
    afterEach(() => server.stop());

    it('creates a lease (201) without generation', async () => {
      const created = await api(server).create(URL, lease({ holderIdentity: 'node-a', leaseDurationSeconds: 40 }));
      assert.equal(created.spec.holderIdentity, 'node-a');
      assert.equal(created.metadata.generation, undefined);
    });

    it('answers 422 with the causes of an invalid lease', async () => {
      const r = await api(server).call('POST', URL, lease({ leaseDurationSeconds: -5, leaseTransitions: -1 }));
      const s = r.json<Obj>();
      assert.equal(r.status, 422);
      assert.equal(s.reason, 'Invalid');
      assert.equal(s.details.kind, 'Lease');
      assert.deepEqual(causeFields(s), ['spec.leaseDurationSeconds', 'spec.leaseTransitions']);
    });

    it('lists a Table with the Holder column', async () => {
      await api(server).create(URL, lease({ holderIdentity: 'node-a' }));
      const t = await api(server).table(URL);
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => c.name), ['Name', 'Holder', 'Age']);
      assert.deepEqual(t.rows[0].cells.slice(0, 2), ['l1', 'node-a']);
    });
  });
});
