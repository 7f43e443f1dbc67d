/** Watch hub edge cases the conformance suite does not reach: re-entrant and failing handlers. */
import assert from 'node:assert/strict';
import { decodeContinue, encodeContinue } from '../../core/storage/continue-token';
import { openMemoryStorage } from '../../core/storage/memory';
import { isStorageError, type WatchEvent } from '../../core/storage/types';
import { revisions, WatchRecorder } from '../conformance/storage/harness';

describe('watch hub', function () {
  it('keeps every watcher in revision order when a handler writes from next()', async function () {
    const s = openMemoryStorage();
    const writer: WatchEvent[] = [];
    const other = new WatchRecorder();
    s.watch('/registry/a/', { fromRevision: 0 }, {
      next: (e) => {
        writer.push(e);
        if (e.key === '/registry/a/first') void s.create('/registry/a/second', '2');
      },
      error: () => undefined,
    });
    s.watch('/registry/a/', { fromRevision: 0 }, other);
    await s.create('/registry/a/first', '1');
    await other.untilRevision(2);
    assert.deepEqual(revisions(writer), [1, 2]);
    assert.deepEqual(revisions(other.events), [1, 2]);
    await s.close();
  });

  it('closes a watcher whose handler throws with Internal, leaving the others running', async function () {
    const s = openMemoryStorage();
    const errors: string[] = [];
    s.watch('/registry/a/', { fromRevision: 0 }, {
      next: () => {
        throw new Error('boom');
      },
      error: (e) => errors.push(e.code),
    });
    const ok = new WatchRecorder();
    s.watch('/registry/a/', { fromRevision: 0 }, ok);
    await s.create('/registry/a/x', '1');
    await s.create('/registry/a/y', '1');
    await ok.untilRevision(2);
    assert.deepEqual(errors, ['Internal']);
    await s.close();
  });

  it('ends open watches with Unavailable when the storage closes', async function () {
    const s = openMemoryStorage();
    const rec = new WatchRecorder();
    s.watch('/registry/a/', { fromRevision: 0 }, rec);
    await s.close();
    await rec.untilError();
    assert.deepEqual(rec.errors.map((e) => e.code), ['Unavailable']);
  });

  it('does not call the handler (replay or Expired) before watch() returns', async function () {
    const s = openMemoryStorage();
    for (const k of ['x', 'y', 'z']) await s.create(`/registry/a/${k}`, '1');
    await s.compact(3);
    const replay = new WatchRecorder();
    const expired = new WatchRecorder();
    s.watch('/registry/a/', { fromRevision: 2 }, replay);
    s.watch('/registry/a/', { fromRevision: 1 }, expired);
    const synchronously = [replay.events.length, expired.errors.length];
    await Promise.all([replay.untilRevision(3), expired.untilError()]);
    assert.deepEqual(synchronously, [0, 0]);
    assert.deepEqual([revisions(replay.events), expired.errors.map((e) => e.code)], [[3], ['Expired']]);
    await s.close();
  });
});

describe('continue tokens', function () {
  it('round-trips the revision and the key after the last one returned', function () {
    const token = encodeContinue('/registry/pods/', 42, '/registry/pods/ns/p1');
    const pos = decodeContinue('/registry/pods/', token);
    assert.equal(pos.revision, 42);
    assert.ok(pos.startKey > '/registry/pods/ns/p1' && pos.startKey < '/registry/pods/ns/p1a');
  });

  for (const [what, token] of [
    ['empty', ''],
    ['not base64', '%%%'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['an array', Buffer.from('[]').toString('base64url')],
    ['a zero revision', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' })).toString('base64url')],
    ['a missing start', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3 })).toString('base64url')],
  ] as const) {
    it(`rejects a token that is ${what} with InvalidContinue`, function () {
      assert.throws(() => decodeContinue('/registry/pods/', token), (e: unknown) => isStorageError(e, 'InvalidContinue'));
    });
  }
});
