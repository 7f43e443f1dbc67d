/** Conformance: watch (order, exactly-once, resume, prefixes, event payloads) and compaction. */
import assert from 'node:assert/strict';
import { rejectsWithCode, revisions, WatchRecorder, type TestContext } from './harness';

export function watchBehaviours(t: TestContext): void {
  it('delivers ADDED, MODIFIED and DELETED in revision order, exactly once', async function () {
    const rec = new WatchRecorder();
    const w = t.s.watch(t.p, { fromRevision: 0 }, rec);
    const a = await t.s.create(`${t.p}a`, '1');
    const b = await t.s.create(`${t.p}b`, '1');
    const a2 = await t.s.update(`${t.p}a`, '2', a.modRevision);
    const d = await t.s.delete(`${t.p}b`);
    await rec.untilRevision(d.modRevision);
    w.close();
    assert.deepEqual(
      rec.events.map((e) => [e.type, e.key, e.revision]),
      [
        ['ADDED', `${t.p}a`, a.modRevision],
        ['ADDED', `${t.p}b`, b.modRevision],
        ['MODIFIED', `${t.p}a`, a2.modRevision],
        ['DELETED', `${t.p}b`, d.modRevision],
      ],
    );
  });

  it('carries the new value, createRevision and prevValue on MODIFIED', async function () {
    const rec = new WatchRecorder();
    const w = t.s.watch(t.p, { fromRevision: 0 }, rec);
    const a = await t.s.create(`${t.p}a`, 'old');
    const a2 = await t.s.update(`${t.p}a`, 'new', a.modRevision);
    await rec.untilRevision(a2.modRevision);
    w.close();
    assert.deepEqual(rec.events[1], {
      type: 'MODIFIED',
      key: `${t.p}a`,
      value: 'new',
      revision: a2.modRevision,
      createRevision: a.createRevision,
      prevValue: 'old',
    });
  });

  it('carries the last value and prevValue on DELETED', async function () {
    const rec = new WatchRecorder();
    const w = t.s.watch(t.p, { fromRevision: 0 }, rec);
    const a = await t.s.create(`${t.p}a`, 'last');
    const d = await t.s.delete(`${t.p}a`);
    await rec.untilRevision(d.modRevision);
    w.close();
    assert.deepEqual(rec.events[1], {
      type: 'DELETED',
      key: `${t.p}a`,
      value: 'last',
      revision: d.modRevision,
      createRevision: a.createRevision,
      prevValue: 'last',
    });
  });

  it('delivers only later writes when watching from revision 0', async function () {
    await t.s.create(`${t.p}before`, '1');
    const rec = new WatchRecorder();
    const w = t.s.watch(t.p, { fromRevision: 0 }, rec);
    const after = await t.s.create(`${t.p}after`, '1');
    await rec.untilRevision(after.modRevision);
    w.close();
    assert.deepEqual(rec.events.map((e) => e.key), [`${t.p}after`]);
  });

  it('resumes from a revision: replays the writes after it, then continues live', async function () {
    const a = await t.s.create(`${t.p}a`, '1');
    const b = await t.s.create(`${t.p}b`, '1');
    const c = await t.s.update(`${t.p}a`, '2', a.modRevision);
    const rec = new WatchRecorder();
    const w = t.s.watch(t.p, { fromRevision: a.modRevision }, rec);
    const d = await t.s.create(`${t.p}d`, '1');
    await rec.untilRevision(d.modRevision);
    w.close();
    assert.deepEqual(revisions(rec.events), [b.modRevision, c.modRevision, d.modRevision]);
  });

  it('does not see writes under a sibling prefix', async function () {
    const rec = new WatchRecorder();
    const w = t.s.watch(`${t.p}ns1/`, { fromRevision: 0 }, rec);
    await t.s.create(`${t.p}ns10/x`, '1');
    await t.s.create(`${t.p}ns1`, '1');
    const mine = await t.s.create(`${t.p}ns1/x`, '1');
    await rec.untilRevision(mine.modRevision);
    w.close();
    assert.deepEqual(rec.events.map((e) => e.key), [`${t.p}ns1/x`]);
  });

  it('stops delivering after close', async function () {
    const closed = new WatchRecorder();
    const open = new WatchRecorder();
    const w = t.s.watch(t.p, { fromRevision: 0 }, closed);
    const w2 = t.s.watch(t.p, { fromRevision: 0 }, open);
    w.close();
    const a = await t.s.create(`${t.p}a`, '1');
    await open.untilRevision(a.modRevision);
    w2.close();
    assert.deepEqual(closed.events, []);
  });

  it('gives two watchers of one prefix the same sequence', async function () {
    const one = new WatchRecorder();
    const two = new WatchRecorder();
    const w1 = t.s.watch(t.p, { fromRevision: 0 }, one);
    const w2 = t.s.watch(t.p, { fromRevision: 0 }, two);
    let last = await t.s.create(`${t.p}a`, '0');
    for (let i = 1; i < 5; i++) last = await t.s.update(`${t.p}a`, String(i), last.modRevision);
    await Promise.all([one.untilRevision(last.modRevision), two.untilRevision(last.modRevision)]);
    w1.close();
    w2.close();
    assert.deepEqual(one.events, two.events);
  });
}

export function compactionBehaviours(t: TestContext): void {
  /** three writes, compacted at the third; returns their revisions */
  async function writeAndCompact(): Promise<[number, number, number]> {
    const a = await t.s.create(`${t.p}a`, '1');
    const b = await t.s.update(`${t.p}a`, '2', a.modRevision);
    const c = await t.s.create(`${t.p}c`, '1');
    await t.s.compact(c.modRevision);
    return [a.modRevision, b.modRevision, c.modRevision];
  }

  it('reports the compacted revision', async function () {
    const [, , c] = await writeAndCompact();
    assert.equal(await t.s.compactedRevision(), c);
  });

  it('fails a list below the compacted revision with Expired', async function () {
    const [, b] = await writeAndCompact();
    await rejectsWithCode(t.s.list(t.p, { revision: b }), 'Expired');
  });

  it('fails a get below the compacted revision with Expired', async function () {
    const [a] = await writeAndCompact();
    await rejectsWithCode(t.s.get(`${t.p}a`, { revision: a }), 'Expired');
  });

  it('keeps the state at the compacted revision readable', async function () {
    const [, , c] = await writeAndCompact();
    const r = await t.s.list(t.p, { revision: c });
    assert.deepEqual(r.items.map((kv) => [kv.key, kv.value]), [[`${t.p}a`, '2'], [`${t.p}c`, '1']]);
  });

  it('fails a watch from a compacted revision with Expired', async function () {
    const [a] = await writeAndCompact();
    const rec = new WatchRecorder();
    t.s.watch(t.p, { fromRevision: a }, rec);
    await rec.untilError();
    assert.deepEqual(rec.errors.map((e) => e.code), ['Expired']);
    assert.deepEqual(rec.events, []);
  });

  it('allows a watch from compactedRevision - 1, delivering the compacted revision on', async function () {
    const [, b, c] = await writeAndCompact();
    const rec = new WatchRecorder();
    const w = t.s.watch(t.p, { fromRevision: b }, rec);
    await rec.untilRevision(c);
    w.close();
    assert.deepEqual(rec.errors, []);
    assert.deepEqual(revisions(rec.events), [c]);
  });

  it('fails a continue token at a compacted revision with Expired', async function () {
    await t.s.create(`${t.p}a`, '1');
    await t.s.create(`${t.p}b`, '1');
    const first = await t.s.list(t.p, { limit: 1 });
    const c = await t.s.create(`${t.p}c`, '1');
    await t.s.compact(c.modRevision);
    await rejectsWithCode(t.s.list(t.p, { limit: 1, continue: first.continue }), 'Expired');
  });

  it('keeps current reads and writes working after compaction', async function () {
    const [, b] = await writeAndCompact();
    const next = await t.s.update(`${t.p}a`, '3', b);
    assert.deepEqual(await t.s.get(`${t.p}a`), next);
  });

  it('keeps deleted keys deleted after compaction', async function () {
    await t.s.create(`${t.p}gone`, '1');
    const d = await t.s.delete(`${t.p}gone`);
    const x = await t.s.create(`${t.p}x`, '1');
    await t.s.compact(x.modRevision);
    assert.equal(await t.s.get(`${t.p}gone`), undefined);
    assert.ok(x.modRevision > d.modRevision);
    assert.deepEqual((await t.s.list(t.p)).items.map((kv) => kv.key), [`${t.p}x`]);
  });
}
