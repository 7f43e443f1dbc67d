/** Conformance: many writers at once. */
import assert from 'node:assert/strict';
import { isStorageError } from '../../../core/storage/types';
import { revisions, WatchRecorder, type TestContext } from './harness';

export function concurrencyBehaviours(t: TestContext): void {
  it('gives parallel creates of distinct keys distinct revisions', async function () {
    const n = 200;
    const kvs = await Promise.all(Array.from({ length: n }, (_, i) => t.s.create(`${t.p}k${i}`, String(i))));
    assert.equal(new Set(kvs.map((kv) => kv.modRevision)).size, n);
    assert.equal((await t.s.list(t.p)).items.length, n);
  });

  it('lets exactly one of many parallel creates of one key succeed', async function () {
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => t.s.create(`${t.p}one`, String(i))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const codes = results.flatMap((r) => (r.status === 'rejected' && isStorageError(r.reason) ? [r.reason.code] : []));
    assert.equal(ok.length, 1);
    assert.deepEqual(new Set(codes), new Set(['KeyExists']));
    assert.equal(codes.length, 49);
  });

  it('loses no update when parallel writers increment with CAS retry loops', async function () {
    const key = `${t.p}counter`;
    await t.s.create(key, '0');
    const workers = 16;
    const each = 10;
    const incrementOnce = async (): Promise<void> => {
      for (;;) {
        const cur = await t.s.get(key);
        assert.ok(cur);
        try {
          await t.s.update(key, String(Number(cur.value) + 1), cur.modRevision);
          return;
        } catch (err) {
          if (!isStorageError(err, 'Conflict')) throw err;
        }
      }
    };
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let i = 0; i < each; i++) await incrementOnce();
      }),
    );
    assert.equal((await t.s.get(key))?.value, String(workers * each));
  });

  it('lets a watch see every write of a parallel burst once, in order', async function () {
    const rec = new WatchRecorder();
    const w = t.s.watch(t.p, { fromRevision: 0 }, rec);
    const kvs = await Promise.all(Array.from({ length: 100 }, (_, i) => t.s.create(`${t.p}k${i}`, String(i))));
    const expected = kvs.map((kv) => kv.modRevision).sort((a, b) => a - b);
    await rec.untilRevision(expected[expected.length - 1]);
    w.close();
    assert.deepEqual(revisions(rec.events), expected);
  });
}
