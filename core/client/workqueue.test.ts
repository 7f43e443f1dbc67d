import assert from 'node:assert/strict';
import { RateLimitingQueue } from './workqueue';

describe('client/RateLimitingQueue', () => {
  it('hands out an item added twice while queued only once', async () => {
    const q = new RateLimitingQueue<string>();
    q.add('a');
    q.add('a');
    q.add('b');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.len(), 0);
  });

  it('does not hand an item being processed to a second worker; re-queues it after done', async () => {
    const q = new RateLimitingQueue<string>();
    q.add('a');
    const first = await q.get();
    q.add('a');
    assert.equal(q.len(), 0, 'not queued while processing');
    let second: string | undefined;
    void q.get().then((v) => (second = v));
    await new Promise((r) => setImmediate(r));
    assert.equal(second, undefined);
    q.done(first!);
    await new Promise((r) => setImmediate(r));
    assert.equal(second, 'a');
  });

  it('backs off exponentially per item, capped, and forget resets it', () => {
    const q = new RateLimitingQueue<string>({ baseDelayMs: 5, maxDelayMs: 30 });
    assert.deepEqual([q.when('a'), q.when('a'), q.when('a'), q.when('a'), q.when('a')], [5, 10, 20, 30, 30]);
    assert.equal(q.when('b'), 5, 'per item');
    assert.equal(q.numRequeues('a'), 5);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
    assert.equal(q.when('a'), 5);
  });

  it('addRateLimited queues the item after its backoff', async () => {
    const q = new RateLimitingQueue<string>({ baseDelayMs: 20 });
    const t0 = Date.now();
    q.addRateLimited('x');
    assert.equal(q.len(), 0);
    assert.equal(await q.get(), 'x');
    assert.ok(Date.now() - t0 >= 15, 'waited for the backoff');
    assert.equal(q.numRequeues('x'), 1);
  });

  it('addAfter keeps the earliest of two delayed adds', async () => {
    const q = new RateLimitingQueue<string>();
    q.addAfter('x', 10_000);
    q.addAfter('x', 10);
    assert.equal(await q.get(), 'x');
    q.shutdown();
  });

  it('shutdown resolves waiting and later gets with undefined and ignores adds', async () => {
    const q = new RateLimitingQueue<string>();
    const waiting = q.get();
    q.shutdown();
    assert.equal(await waiting, undefined);
    q.add('late');
    assert.equal(await q.get(), undefined);
    assert.equal(q.isShuttingDown, true);
  });
});
