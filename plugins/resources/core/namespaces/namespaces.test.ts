import assert from 'node:assert/strict';
import Namespace from '.';
import { bareServer, errorOn, fakeCtx, resourceOf, runCreate, runUpdate } from '../../shared/testing';

function namespaces(options: Record<string, unknown> = {}) {
  return resourceOf(bareServer([Namespace], { Namespace: options }), '', 'namespaces');
}

describe('resources/Namespace', () => {
  it('is cluster-scoped with short name ns, DNS-1123 label names and no deletecollection', () => {
    const def = namespaces().definition;
    assert.equal(def.namespaced, false);
    assert.deepEqual(def.names.shortNames, ['ns']);
    assert.equal(def.nameValidation, 'DNS1123Label');
    assert.ok(!def.verbs?.includes('deletecollection'));
    assert.deepEqual(def.subresources?.custom?.map((c) => c.name), ['finalize']);
  });

  it('sets phase Active, the kubernetes finalizer and the metadata.name label on create', () => {
    const { obj, errors } = runCreate(namespaces(), { metadata: { name: 'demo' }, status: { phase: 'Terminating' } });
    assert.deepEqual(errors, []);
    assert.deepEqual(obj.status, { phase: 'Active' });
    assert.deepEqual((obj.spec as any).finalizers, ['kubernetes']);
    assert.equal(obj.metadata.labels?.['kubernetes.io/metadata.name'], 'demo');
  });

  it('keeps spec.finalizers on an update of the main endpoint', () => {
    const r = namespaces();
    const old = runCreate(r, { metadata: { name: 'demo' } }).obj;
    const { obj } = runUpdate(r, { ...old, spec: { finalizers: [] } }, old);
    assert.deepEqual((obj.spec as any).finalizers, ['kubernetes']);
  });

  it('reads back as Terminating once deletionTimestamp is set', () => {
    const r = namespaces();
    const ns = { metadata: { name: 'demo', deletionTimestamp: '2026-11-26T00:00:00Z' }, status: { phase: 'Active' } };
    r.hooks.defaults.call(ns);
    assert.equal(ns.status.phase, 'Terminating');
  });

  it('rejects a status phase other than Active without deletionTimestamp', () => {
    const r = namespaces();
    const old = runCreate(r, { metadata: { name: 'demo' } }).obj;
    const { errors } = runUpdate(r, { ...old, status: { phase: 'Terminating' } }, old, fakeCtx({ method: 'PUT', subresource: 'status' }));
    assert.equal(errorOn(errors, 'status.phase'), 'FieldValueInvalid');
  });

  it('rejects a finalizer that is neither standard nor qualified', () => {
    const { errors } = runCreate(namespaces(), { metadata: { name: 'demo' }, spec: { finalizers: ['custom'] } });
    assert.equal(errorOn(errors, 'spec.finalizers[0]'), 'FieldValueInvalid');
  });

  it('keeps a namespace marked for deletion while it has finalizers when keepUntilFinalized is on', () => {
    const r = namespaces({ keepUntilFinalized: true });
    const ns = runCreate(r, { metadata: { name: 'demo' } }).obj;
    assert.equal(r.hooks.gracefulDelete.call(ns, { ctx: fakeCtx({ method: 'DELETE' }) }), 1);
    assert.equal(r.hooks.gracefulDelete.call({ ...ns, spec: { finalizers: [] } }, { ctx: fakeCtx({ method: 'DELETE' }) }), 0);
  });

  it('prints NAME STATUS AGE', () => {
    const printer = namespaces().definition.printer!;
    const row = printer.row({ metadata: { name: 'demo', creationTimestamp: '2026-11-26T11:00:00Z' }, status: { phase: 'Active' } }, new Date('2026-11-26T12:00:00Z'));
    assert.deepEqual(row, ['demo', 'Active', '60m']);
  });
});
