/**
 * The etcd backend when etcd is not there: unreachable at open (bounded retry with backoff, one
 * clear Unavailable error), killed mid-run (operations and watches fail with Unavailable, nothing
 * crashes, no unhandled rejection), frozen (deadlines turn a hang into Unavailable), and back on
 * the same port and data dir (operations succeed again, data intact).
 */
import assert from 'node:assert/strict';
import { openEtcdStorage, type EtcdStorageOptions } from '../../core/storage/etcd';
import { isStorageError, type Storage } from '../../core/storage/types';
import { rejectsWithCode, uniquePrefix, WatchRecorder } from '../conformance/storage/harness';
import { startEtcd, type EtcdServer } from '../helpers/etcd';

const FAST_RETRY = { initialMs: 20, maxMs: 100, maxAttempts: 3 };

describe('etcd backend faults', function () {
  this.timeout(60_000);
  let etcd: EtcdServer | undefined;
  let storage: Storage | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  before(function () {
    process.on('unhandledRejection', onUnhandled);
  });

  after(function () {
    process.removeListener('unhandledRejection', onUnhandled);
  });

  afterEach(async function () {
    await storage?.close();
    storage = undefined;
    await etcd?.stop();
    etcd = undefined;
    assert.deepEqual(unhandled.splice(0), [], 'no unhandled rejections');
  });

  async function openOn(server: EtcdServer, extra: Partial<EtcdStorageOptions> = {}): Promise<Storage> {
    storage = await openEtcdStorage({ endpoints: [server.endpoint], prefix: '/k8ts-faults', retry: FAST_RETRY, ...extra });
    return storage;
  }

  /** retry `op` until it stops failing with Unavailable (the limit only turns a hang into a failure) */
  async function eventually<T>(op: () => Promise<T>, limitMs = 20_000): Promise<T> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      try {
        return await op();
      } catch (err) {
        if (!isStorageError(err, 'Unavailable') || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  describe('unreachable at open', function () {
    it('fails with Unavailable after the bounded retries', async function () {
      etcd = await startEtcd({ start: false });
      await rejectsWithCode(openOn(etcd), 'Unavailable');
    });

    it('names the endpoints in the error', async function () {
      etcd = await startEtcd({ start: false });
      const err = await rejectsWithCode(openOn(etcd), 'Unavailable');
      assert.ok(err.message.includes(etcd.endpoint), err.message);
    });

    it('keeps retrying with backoff and succeeds when etcd comes up during the retries', async function () {
      etcd = await startEtcd({ start: false });
      const server = etcd;
      const opening = openOn(server, { retry: { initialMs: 100, maxMs: 1000, maxAttempts: 30 } });
      await new Promise((r) => setTimeout(r, 1000));
      await server.restart();
      const s = await opening;
      assert.ok((await s.currentRevision()) >= 1);
    });
  });

  describe('etcd killed mid-run', function () {
    let p = '';
    beforeEach(async function () {
      p = uniquePrefix('faults');
      etcd = await startEtcd();
      await openOn(etcd, { requestTimeoutMs: 2000 });
    });

    function s(): Storage {
      if (!storage) throw new Error('storage is not open');
      return storage;
    }

    it('fails creates with Unavailable', async function () {
      await etcd?.kill();
      await rejectsWithCode(s().create(`${p}k`, 'v'), 'Unavailable');
    });

    it('fails gets and lists with Unavailable', async function () {
      await etcd?.kill();
      await rejectsWithCode(s().get(`${p}k`), 'Unavailable');
      await rejectsWithCode(s().list(p), 'Unavailable');
    });

    it('fails updates, deletes and revision reads with Unavailable', async function () {
      const kv = await s().create(`${p}k`, 'v');
      await etcd?.kill();
      await rejectsWithCode(s().update(`${p}k`, 'w', kv.modRevision), 'Unavailable');
      await rejectsWithCode(s().delete(`${p}k`), 'Unavailable');
      await rejectsWithCode(s().currentRevision(), 'Unavailable');
      await rejectsWithCode(s().compactedRevision(), 'Unavailable');
    });

    it('ends an open watch with Unavailable', async function () {
      const rec = new WatchRecorder();
      const kv = await s().create(`${p}k`, 'v');
      s().watch(p, { fromRevision: kv.modRevision - 1 }, rec);
      await rec.untilRevision(kv.modRevision);
      await etcd?.kill();
      await rec.untilError();
      assert.deepEqual(rec.errors.map((e) => e.code), ['Unavailable']);
    });

    it('fails a watch started while etcd is down with Unavailable', async function () {
      await etcd?.kill();
      const rec = new WatchRecorder();
      s().watch(p, { fromRevision: 0 }, rec);
      await rec.untilError();
      assert.deepEqual(rec.errors.map((e) => e.code), ['Unavailable']);
    });

    it('serves again, with the data from before, when etcd is back on the same port and data dir', async function () {
      const before = await s().create(`${p}k`, 'v');
      await etcd?.kill();
      await rejectsWithCode(s().get(`${p}k`), 'Unavailable');
      await etcd?.restart();
      assert.deepEqual(await eventually(() => s().get(`${p}k`)), before);
      const next = await s().create(`${p}k2`, 'v');
      assert.ok(next.modRevision > before.modRevision);
    });

    it('lets a new watch resume after the outage without losing writes', async function () {
      const a = await s().create(`${p}a`, '1');
      await etcd?.kill();
      await etcd?.restart();
      const b = await eventually(() => s().create(`${p}b`, '1'));
      const rec = new WatchRecorder();
      const w = s().watch(p, { fromRevision: a.modRevision }, rec);
      await rec.untilRevision(b.modRevision);
      w.close();
      assert.deepEqual(rec.events.map((e) => e.revision), [b.modRevision]);
    });

    it('watches again on the same storage once etcd is back', async function () {
      const broken = new WatchRecorder();
      s().watch(p, { fromRevision: 0 }, broken);
      await etcd?.kill();
      await broken.untilError();
      await etcd?.restart();
      const a = await eventually(() => s().create(`${p}a`, '1'));
      const rec = new WatchRecorder();
      const w = s().watch(p, { fromRevision: a.modRevision - 1 }, rec);
      await rec.untilRevision(a.modRevision);
      w.close();
      assert.deepEqual([rec.events.map((e) => e.revision), rec.errors], [[a.modRevision], []]);
    });

    it('closes without error while etcd is down', async function () {
      s().watch(p, { fromRevision: 0 }, new WatchRecorder());
      await etcd?.kill();
      await s().close();
    });
  });

  describe('etcd frozen (SIGSTOP)', function () {
    it('fails a request with Unavailable at its deadline instead of hanging', async function () {
      etcd = await startEtcd();
      const s = await openOn(etcd, { requestTimeoutMs: 300 });
      etcd.pause();
      try {
        await rejectsWithCode(s.get('/k8ts-faults/k'), 'Unavailable');
      } finally {
        etcd.resume();
      }
    });
  });
});
