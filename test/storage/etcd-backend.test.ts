/**
 * etcd-specific behaviour beyond the shared conformance suite: compaction seen by a second client
 * (etcd's own compaction checks, not this client's bookkeeping), CAS payloads, key prefixes,
 * watch lifecycle and close().
 */
import assert from 'node:assert/strict';
import { openEtcdStorage } from '../../core/storage/etcd';
import type { Storage } from '../../core/storage/types';
import { rejectsWithCode, uniquePrefix, WatchRecorder } from '../conformance/storage/harness';
import { startEtcd, type EtcdServer } from '../helpers/etcd';

describe('etcd backend specifics', function () {
  let etcd: EtcdServer | undefined;
  const open: Storage[] = [];
  let n = 0;
  let p = '';

  before(async function () {
    this.timeout(60_000);
    etcd = await startEtcd();
  });

  after(async function () {
    await etcd?.stop();
    etcd = undefined;
  });

  beforeEach(function () {
    p = uniquePrefix('etcd-backend');
  });

  afterEach(async function () {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  /** a new client; `prefix` is the storage key prefix (distinct per test unless given) */
  async function client(prefix = `/k8ts-backend-test/${process.pid}-${++n}`): Promise<Storage> {
    if (!etcd) throw new Error('etcd is not running');
    const s = await openEtcdStorage({ endpoints: [etcd.endpoint], prefix });
    open.push(s);
    return s;
  }

  /** two clients on the same key space */
  async function twoClients(): Promise<[Storage, Storage]> {
    const prefix = `/k8ts-backend-test/${process.pid}-${++n}`;
    return [await client(prefix), await client(prefix)];
  }

  describe('compaction by another client', function () {
    it('fails a watch from a compacted revision with Expired carrying the compacted revision', async function () {
      const [a, b] = await twoClients();
      const first = await a.create(`${p}k`, '1');
      const last = await a.update(`${p}k`, '2', first.modRevision);
      await a.compact(last.modRevision);
      const rec = new WatchRecorder();
      b.watch(p, { fromRevision: first.modRevision - 1 }, rec);
      await rec.untilError();
      assert.deepEqual(rec.errors.map((e) => [e.code, e.compactedRevision]), [['Expired', last.modRevision]]);
    });

    it('reports the compacted revision to a client that did not compact', async function () {
      const [a, b] = await twoClients();
      const kv = await a.create(`${p}k`, '1');
      await a.create(`${p}other`, '1');
      await a.compact(kv.modRevision);
      assert.equal(await b.compactedRevision(), kv.modRevision);
    });

    it('fails a get below the compacted revision with Expired carrying the compacted revision', async function () {
      const [a, b] = await twoClients();
      const first = await a.create(`${p}k`, '1');
      const last = await a.update(`${p}k`, '2', first.modRevision);
      await a.compact(last.modRevision);
      const err = await rejectsWithCode(b.get(`${p}k`, { revision: first.modRevision }), 'Expired');
      assert.equal(err.compactedRevision, last.modRevision);
    });
  });

  describe('compact', function () {
    it('treats compacting to an already compacted revision as done', async function () {
      const s = await client();
      const kv = await s.create(`${p}k`, '1');
      await s.compact(kv.modRevision);
      await s.compact(kv.modRevision - 1);
      assert.equal(await s.compactedRevision(), kv.modRevision);
    });

    it('fails compacting a future revision with Internal', async function () {
      const s = await client();
      const rev = await s.currentRevision();
      await rejectsWithCode(s.compact(rev + 1000), 'Internal');
    });
  });

  describe('compare-and-swap', function () {
    it('fails update of a missing key with expected revision 0 with NotFound and does not create it', async function () {
      const s = await client();
      await rejectsWithCode(s.update(`${p}k`, 'v', 0), 'NotFound');
      assert.equal(await s.get(`${p}k`), undefined);
    });

    it('carries the current key-value on a failed guarded delete', async function () {
      const s = await client();
      const a = await s.create(`${p}k`, '1');
      const b = await s.update(`${p}k`, '2', a.modRevision);
      const err = await rejectsWithCode(s.delete(`${p}k`, a.modRevision), 'Conflict');
      assert.deepEqual(err.current, b);
    });

    it('fails a get at a future revision with Internal', async function () {
      const s = await client();
      const rev = await s.currentRevision();
      await rejectsWithCode(s.get(`${p}k`, { revision: rev + 1000 }), 'Internal');
    });
  });

  describe('key prefix', function () {
    it('works with the default empty prefix', async function () {
      if (!etcd) throw new Error('etcd is not running');
      const s = await openEtcdStorage({ endpoints: [etcd.endpoint] });
      open.push(s);
      const kv = await s.create(`${p}k`, '1');
      assert.deepEqual((await s.list(p)).items, [kv]);
    });

    it('keeps the key spaces of two storage prefixes apart', async function () {
      const one = await client();
      const two = await client();
      await one.create(`${p}k`, 'one');
      assert.equal(await two.get(`${p}k`), undefined);
      assert.deepEqual((await two.list(p)).items, []);
    });

    it('reports keys without the storage prefix in watch events', async function () {
      const s = await client('/some/storage/prefix');
      const rec = new WatchRecorder();
      const w = s.watch(p, { fromRevision: 0 }, rec);
      const kv = await s.create(`${p}k`, '1');
      await rec.untilRevision(kv.modRevision);
      w.close();
      assert.deepEqual(rec.events.map((e) => e.key), [`${p}k`]);
    });
  });

  describe('watch', function () {
    it('delivers writes made by another client', async function () {
      const [a, b] = await twoClients();
      const rec = new WatchRecorder();
      const w = b.watch(p, { fromRevision: await b.currentRevision() }, rec);
      const kv = await a.create(`${p}k`, '1');
      await rec.untilRevision(kv.modRevision);
      w.close();
      assert.deepEqual(rec.events.map((e) => [e.type, e.revision]), [['ADDED', kv.modRevision]]);
    });

    it('keeps watches of different prefixes on one storage apart', async function () {
      const s = await client();
      const one = new WatchRecorder();
      const two = new WatchRecorder();
      const w1 = s.watch(`${p}one/`, { fromRevision: 0 }, one);
      const w2 = s.watch(`${p}two/`, { fromRevision: 0 }, two);
      const a = await s.create(`${p}one/a`, '1');
      const b = await s.create(`${p}two/b`, '1');
      await Promise.all([one.untilRevision(a.modRevision), two.untilRevision(b.modRevision)]);
      w1.close();
      w2.close();
      assert.deepEqual([one.events.map((e) => e.key), two.events.map((e) => e.key)], [[`${p}one/a`], [`${p}two/b`]]);
    });

    it('keeps delivering to the other watches when one is closed', async function () {
      const s = await client();
      const closed = new WatchRecorder();
      const open = new WatchRecorder();
      const w1 = s.watch(p, { fromRevision: 0 }, closed);
      const w2 = s.watch(p, { fromRevision: 0 }, open);
      const a = await s.create(`${p}a`, '1');
      await closed.untilRevision(a.modRevision);
      w1.close();
      const b = await s.create(`${p}b`, '1');
      await open.untilRevision(b.modRevision);
      w2.close();
      assert.deepEqual([closed.events.length, open.events.map((e) => e.revision)], [1, [a.modRevision, b.modRevision]]);
    });

    it('ends a watch whose handler throws with Internal and keeps the others delivering', async function () {
      const s = await client();
      const bad = new WatchRecorder();
      const good = new WatchRecorder();
      s.watch(p, { fromRevision: 0 }, {
        next: () => {
          throw new Error('handler bug');
        },
        error: (err) => bad.error(err),
      });
      const w = s.watch(p, { fromRevision: 0 }, good);
      const a = await s.create(`${p}a`, '1');
      await bad.untilError();
      const b = await s.create(`${p}b`, '1');
      await good.untilRevision(b.modRevision);
      w.close();
      assert.deepEqual([bad.errors.map((e) => e.code), good.events.map((e) => e.revision)], [['Internal'], [a.modRevision, b.modRevision]]);
    });

    it('delivers nothing and no error when closed before the stream is established', async function () {
      const s = await client();
      const rec = new WatchRecorder();
      s.watch(p, { fromRevision: 0 }, rec).close();
      const probe = new WatchRecorder();
      const w = s.watch(p, { fromRevision: 0 }, probe);
      const kv = await s.create(`${p}k`, '1');
      await probe.untilRevision(kv.modRevision);
      w.close();
      assert.deepEqual([rec.events, rec.errors], [[], []]);
    });
  });

  describe('close', function () {
    it('fails operations after close with Unavailable', async function () {
      const s = await client();
      await s.close();
      await rejectsWithCode(s.get(`${p}k`), 'Unavailable');
    });

    it('closes open watches without reporting an error', async function () {
      const s = await client();
      const rec = new WatchRecorder();
      const w = s.watch(p, { fromRevision: 0 }, rec);
      const kv = await s.create(`${p}k`, '1');
      await rec.untilRevision(kv.modRevision);
      await s.close();
      w.close();
      assert.deepEqual(rec.errors, []);
    });
  });
});
