/**
 * The storage conformance suite: one set of behaviours (etcd's MVCC semantics as Kubernetes uses
 * them) run against every backend. Each `it` gets a fresh storage from `open` and a fresh key
 * prefix, and asserts on error codes, never on message text.
 *
 *   storageConformance('memory', async () => { const storage = openMemoryStorage();
 *     return { storage, cleanup: () => storage.close() }; });
 */
import assert from 'node:assert/strict';
import { rejectsWithCode, useStorage, type OpenStorage, type TestContext } from './harness';
import { listBehaviours } from './suite-list';
import { watchBehaviours, compactionBehaviours } from './suite-watch';
import { concurrencyBehaviours } from './suite-concurrency';

export type { OpenStorage, OpenedStorage } from './harness';

function writeBehaviours(t: TestContext): void {
  it('assigns strictly increasing revisions to successive writes', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    const b = await t.s.update(`${t.p}a`, '2', a.modRevision);
    const c = await t.s.create(`${t.p}b`, '1');
    const d = await t.s.delete(`${t.p}a`);
    const e = await t.s.create(`${t.p}a`, '3');
    const revs = [a, b, c, d, e].map((kv) => kv.modRevision);
    for (let i = 1; i < revs.length; i++) assert.ok(revs[i] > revs[i - 1], `revisions ${revs.join(',')} must increase`);
  });

  it('reports the revision of the last write as currentRevision', async function () {
    await t.s.create(`${t.p}a`, '1');
    const b = await t.s.create(`${t.p}b`, '1');
    assert.equal(await t.s.currentRevision(), b.modRevision);
  });

  it('returns createRevision equal to modRevision on create', async function () {
    const kv = await t.s.create(`${t.p}a`, 'v');
    assert.deepEqual(kv, { key: `${t.p}a`, value: 'v', createRevision: kv.modRevision, modRevision: kv.modRevision });
  });

  it('gets what was created', async function () {
    const kv = await t.s.create(`${t.p}a`, 'v');
    assert.deepEqual(await t.s.get(`${t.p}a`), kv);
  });

  it('gets undefined for a missing key', async function () {
    assert.equal(await t.s.get(`${t.p}missing`), undefined);
  });

  it('fails create on an existing key with KeyExists', async function () {
    await t.s.create(`${t.p}a`, '1');
    await rejectsWithCode(t.s.create(`${t.p}a`, '2'), 'KeyExists');
  });

  it('updates with the current modRevision, keeping createRevision', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    const b = await t.s.update(`${t.p}a`, '2', a.modRevision);
    assert.deepEqual(b, { key: `${t.p}a`, value: '2', createRevision: a.createRevision, modRevision: b.modRevision });
    assert.deepEqual(await t.s.get(`${t.p}a`), b);
  });

  it('fails update with a stale modRevision with Conflict carrying the current value', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    const b = await t.s.update(`${t.p}a`, '2', a.modRevision);
    const err = await rejectsWithCode(t.s.update(`${t.p}a`, '3', a.modRevision), 'Conflict');
    assert.deepEqual(err.current, b);
  });

  it('fails update of a missing key with NotFound', async function () {
    await rejectsWithCode(t.s.update(`${t.p}missing`, 'v', 1), 'NotFound');
  });

  it('fails delete of a missing key with NotFound', async function () {
    await rejectsWithCode(t.s.delete(`${t.p}missing`), 'NotFound');
  });

  it('returns the last value with the delete revision from delete', async function () {
    const a = await t.s.create(`${t.p}a`, 'last');
    const d = await t.s.delete(`${t.p}a`);
    assert.equal(d.value, 'last');
    assert.equal(d.createRevision, a.createRevision);
    assert.ok(d.modRevision > a.modRevision);
    assert.equal(await t.s.get(`${t.p}a`), undefined);
  });

  it('deletes when the precondition modRevision matches', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    await t.s.delete(`${t.p}a`, a.modRevision);
    assert.equal(await t.s.get(`${t.p}a`), undefined);
  });

  it('fails delete with a mismatched precondition with Conflict and keeps the key', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    const b = await t.s.update(`${t.p}a`, '2', a.modRevision);
    await rejectsWithCode(t.s.delete(`${t.p}a`, a.modRevision), 'Conflict');
    assert.deepEqual(await t.s.get(`${t.p}a`), b);
  });

  it('does not consume a revision on a failed write', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    await rejectsWithCode(t.s.create(`${t.p}a`, '2'), 'KeyExists');
    await rejectsWithCode(t.s.update(`${t.p}a`, '2', a.modRevision + 100), 'Conflict');
    await rejectsWithCode(t.s.delete(`${t.p}missing`), 'NotFound');
    assert.equal(await t.s.currentRevision(), a.modRevision);
  });

  it('starts a new life with a new createRevision when a deleted key is created again', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    const d = await t.s.delete(`${t.p}a`);
    const again = await t.s.create(`${t.p}a`, '2');
    assert.ok(again.createRevision > d.modRevision);
    assert.equal(again.createRevision, again.modRevision);
    assert.notEqual(again.createRevision, a.createRevision);
  });

  it('gets a key as it was at an older revision', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    await t.s.update(`${t.p}a`, '2', a.modRevision);
    assert.deepEqual(await t.s.get(`${t.p}a`, { revision: a.modRevision }), a);
  });

  it('gets undefined at a revision before the key was created', async function () {
    const x = await t.s.create(`${t.p}x`, '1');
    await t.s.create(`${t.p}a`, '1');
    assert.equal(await t.s.get(`${t.p}a`, { revision: x.modRevision }), undefined);
  });
}

export function storageConformance(name: string, open: OpenStorage): void {
  describe(`storage conformance: ${name}`, function () {
    const t = useStorage(open);
    describe('writes', () => writeBehaviours(t));
    describe('list', () => listBehaviours(t));
    describe('watch', () => watchBehaviours(t));
    describe('compaction', () => compactionBehaviours(t));
    describe('concurrency', () => concurrencyBehaviours(t));
  });
}
