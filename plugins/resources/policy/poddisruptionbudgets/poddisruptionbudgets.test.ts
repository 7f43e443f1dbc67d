import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import PodDisruptionBudget from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, fakeCtx, resourceOf, runCreate, runUpdate } from '../../shared/testing';

const pdbs = () => resourceOf(bareServer([PodDisruptionBudget]), 'policy', 'poddisruptionbudgets');
const pdb = (spec: Obj) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });

describe('resources/PodDisruptionBudget', () => {
  it('has short name pdb, a status subresource and spec generation', () => {
    const def = pdbs().definition;
    assert.deepEqual(def.names.shortNames, ['pdb']);
    assert.equal(def.subresources?.status, true);
    assert.equal(def.generation, 'spec');
  });

  it('accepts minAvailable as a number or a percentage', () => {
    assert.deepEqual(runCreate(pdbs(), pdb({ minAvailable: 2 })).errors, []);
    assert.deepEqual(runCreate(pdbs(), pdb({ maxUnavailable: '25%' })).errors, []);
  });

  it('refuses minAvailable and maxUnavailable together (Invalid on spec)', () => {
    assert.equal(errorOn(runCreate(pdbs(), pdb({ minAvailable: 1, maxUnavailable: 1 })).errors, 'spec'), 'FieldValueInvalid');
  });

  it('refuses a negative number and a percentage over 100%', () => {
    assert.equal(errorOn(runCreate(pdbs(), pdb({ minAvailable: -1 })).errors, 'spec.minAvailable'), 'FieldValueInvalid');
    assert.equal(errorOn(runCreate(pdbs(), pdb({ maxUnavailable: '150%' })).errors, 'spec.maxUnavailable'), 'FieldValueInvalid');
  });

  it('refuses an unknown unhealthyPodEvictionPolicy', () => {
    assert.equal(errorOn(runCreate(pdbs(), pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' })).errors, 'spec.unhealthyPodEvictionPolicy'), 'FieldValueNotSupported');
  });

  it('refuses negative status counts on /status', () => {
    const r = pdbs();
    const old = runCreate(r, pdb({ minAvailable: 1 })).obj;
    const { errors } = runUpdate(r, { ...old, status: { disruptionsAllowed: -1, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } }, old, fakeCtx({ method: 'PUT', subresource: 'status' }));
    assert.equal(errorOn(errors, 'status.disruptionsAllowed'), 'FieldValueInvalid');
  });

  it('prints MIN AVAILABLE, MAX UNAVAILABLE (N/A when unset), ALLOWED DISRUPTIONS', () => {
    const p = pdbs().definition.printer!;
    const row = p.row({ ...pdb({ minAvailable: '50%' }), metadata: { name: 'web', creationTimestamp: '2026-11-26T11:00:00Z' }, status: { disruptionsAllowed: 2 } } as any, new Date('2026-11-26T12:00:00Z'));
    assert.deepEqual(row, ['web', '50%', 'N/A', 2, '60m']);
    assert.deepEqual(p.row(pdb({ maxUnavailable: 1 }) as any, new Date()).slice(1, 4), ['N/A', '1', 0]);
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
    beforeEach(async () => {
      server = await startWithPlugins([PodDisruptionBudget]);
    });
    afterEach(() => server.stop());

    it('creates a budget (201) with an empty status', async () => {
      const created = await api(server).create(URL, { ...pdb({ minAvailable: 1 }), status: { disruptionsAllowed: 9 } });
      assert.deepEqual(created.status, {});
      assert.equal(created.metadata.generation, 1);
    });

    it('answers 422 when minAvailable and maxUnavailable are both set', async () => {
      const r = await api(server).call('POST', URL, pdb({ minAvailable: 1, maxUnavailable: '10%' }));
      const s = r.json<Obj>();
      assert.equal(r.status, 422);
      assert.equal(s.reason, 'Invalid');
      assert.deepEqual(causeFields(s), ['spec']);
    });

    it('updates status through /status and prints ALLOWED DISRUPTIONS', async () => {
      const created = await api(server).create(URL, pdb({ minAvailable: 1 }));
      const r = await api(server).call('PUT', `${URL}/web/status`, { ...created, status: { disruptionsAllowed: 3, currentHealthy: 4, desiredHealthy: 1, expectedPods: 4 } });
      assert.equal(r.status, 200, r.text());
      const t = await api(server).table(URL);
      assert.deepEqual(t.rows[0].cells.slice(0, 4), ['web', '1', 'N/A', 3]);
    });
  });
});
