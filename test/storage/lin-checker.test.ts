/** The linearizability checkers must reject broken histories, not just accept good ones. */
import assert from 'node:assert/strict';
import { openMemoryStorage } from '../../core/storage/memory';
import type { KeyValue, Storage, WatchEvent } from '../../core/storage/types';
import { checkKeyLinearizable, checkRevisions, checkWatch, type OpInput, type OpOutput, type Operation } from '../conformance/storage/lin-checker';
import { runLinearizability } from '../conformance/storage/linearizability';

const K = '/registry/x/k';
let ids = 0;
function op(call: number, ret: number, input: OpInput, output: OpOutput, client = 0): Operation {
  return { id: ids++, client, call, ret, input, output };
}
const kv = (value: string, mod: number, create = mod): KeyValue => ({ key: K, value, modRevision: mod, createRevision: create });
const ok = (k?: KeyValue): OpOutput => ({ ok: true, kv: k });

describe('linearizability checker', function () {
  it('accepts a sequential create, update, get', function () {
    const h = [
      op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1))),
      op(3, 4, { f: 'update', key: K, value: 'b', expected: 1 }, ok(kv('b', 2, 1))),
      op(5, 6, { f: 'get', key: K }, ok(kv('b', 2, 1))),
    ];
    assert.equal(checkKeyLinearizable(h), undefined);
  });

  it('rejects a stale read after an acknowledged update', function () {
    const h = [
      op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1))),
      op(3, 4, { f: 'update', key: K, value: 'b', expected: 1 }, ok(kv('b', 2, 1))),
      op(5, 6, { f: 'get', key: K }, ok(kv('a', 1))),
    ];
    assert.match(checkKeyLinearizable(h) ?? '', /not linearizable/);
  });

  it('accepts either value for a read concurrent with the update', function () {
    const update = op(3, 6, { f: 'update', key: K, value: 'b', expected: 1 }, ok(kv('b', 2, 1)));
    const create = op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1)));
    assert.equal(checkKeyLinearizable([create, update, op(4, 5, { f: 'get', key: K }, ok(kv('a', 1)), 1)]), undefined);
    assert.equal(checkKeyLinearizable([create, update, op(4, 5, { f: 'get', key: K }, ok(kv('b', 2, 1)), 1)]), undefined);
  });

  it('rejects a lost update (two CAS writes from the same revision both succeed)', function () {
    const h = [
      op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1))),
      op(3, 6, { f: 'update', key: K, value: 'b', expected: 1 }, ok(kv('b', 2, 1)), 1),
      op(4, 5, { f: 'update', key: K, value: 'c', expected: 1 }, ok(kv('c', 3, 1)), 2),
    ];
    assert.match(checkKeyLinearizable(h) ?? '', /not linearizable/);
  });

  it('rejects two successful creates of one key with no delete between', function () {
    const h = [
      op(1, 4, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1)), 1),
      op(2, 3, { f: 'create', key: K, value: 'b' }, ok(kv('b', 2)), 2),
    ];
    assert.match(checkKeyLinearizable(h) ?? '', /not linearizable/);
  });

  it('rejects a KeyExists on a key that never existed', function () {
    const h = [op(1, 2, { f: 'create', key: K, value: 'a' }, { ok: false, code: 'KeyExists' })];
    assert.match(checkKeyLinearizable(h) ?? '', /not linearizable/);
  });

  it('reports two writes with the same revision', function () {
    const h = [
      op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1))),
      op(1, 3, { f: 'create', key: `${K}2`, value: 'a' }, ok({ ...kv('a', 1), key: `${K}2` })),
    ];
    assert.equal(checkRevisions(h).length > 0, true);
  });

  it('reports revisions that contradict real-time order', function () {
    const h = [
      op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 5))),
      op(3, 4, { f: 'create', key: `${K}2`, value: 'a' }, ok({ ...kv('a', 4), key: `${K}2` })),
    ];
    assert.match(checkRevisions(h).join('\n'), /real-time/);
  });

  it('reports a list that differs from the replay of the writes at its revision', function () {
    const h = [
      op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1))),
      op(3, 4, { f: 'list', prefix: '/registry/x/' }, { ok: true, items: [], revision: 1 }),
    ];
    assert.match(checkRevisions(h).join('\n'), /replay/);
  });

  it('reports a watch that skips an acknowledged write', function () {
    const h = [
      op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1))),
      op(3, 4, { f: 'update', key: K, value: 'b', expected: 1 }, ok(kv('b', 2, 1))),
    ];
    const events: WatchEvent[] = [{ type: 'MODIFIED', key: K, value: 'b', revision: 2, createRevision: 1, prevValue: 'a' }];
    assert.match(checkWatch(events, h, '/registry/x/', 0, 2).join('\n'), /saw revisions/);
  });

  it('reports a watch event with the wrong prevValue', function () {
    const h = [
      op(1, 2, { f: 'create', key: K, value: 'a' }, ok(kv('a', 1))),
      op(3, 4, { f: 'update', key: K, value: 'b', expected: 1 }, ok(kv('b', 2, 1))),
    ];
    const events: WatchEvent[] = [
      { type: 'ADDED', key: K, value: 'a', revision: 1, createRevision: 1 },
      { type: 'MODIFIED', key: K, value: 'b', revision: 2, createRevision: 1, prevValue: 'b' },
    ];
    assert.equal(checkWatch(events, h, '/registry/x/', 0, 2).length, 1);
  });

  it('catches a backend that serves stale reads', async function () {
    const inner = openMemoryStorage();
    const cache = new Map<string, KeyValue | undefined>();
    const stale: Storage = Object.create(inner) as Storage;
    stale.get = async (key) => {
      if (cache.has(key)) return cache.get(key);
      const v = await inner.get(key);
      cache.set(key, v);
      return v;
    };
    await assert.rejects(runLinearizability(stale, { numRuns: 200, checks: ['keys'], seed: 42 }), /not linearizable/);
    await inner.close();
  });

  it('catches a backend whose watch drops events', async function () {
    const inner = openMemoryStorage();
    const lossy: Storage = Object.create(inner) as Storage;
    lossy.watch = (prefix, opts, handler) =>
      inner.watch(prefix, opts, { next: (e) => (e.revision % 5 === 0 ? undefined : handler.next(e)), error: (e) => handler.error(e) });
    await assert.rejects(runLinearizability(lossy, { numRuns: 200, checks: ['watch'], seed: 42, shrink: false, watchWaitMs: 100 }), /saw revisions/);
    await inner.close();
  });
});
