import assert from 'node:assert/strict';
import type { Status } from '../../../core/api/status';
import { gatedServer, tick, user } from '../testing';
import MaxInFlight, { getMaxInFlightPools } from '.';

const alice = user('alice');
const bob = user('bob');

describe('MaxInFlight plugin', () => {
  it('answers 429 TooManyRequests with Retry-After: 1 when the read-only pool is full (no queuing)', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 1, fairQueuing: false }]]);
    const first = g.server.inject({ url: '/held', user: alice });
    await tick();
    const res = await g.server.inject({ url: '/second', user: bob });
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '1');
    const status = res.json<Status>();
    assert.equal(status.reason, 'TooManyRequests');
    assert.equal(status.code, 429);
    assert.equal(status.details?.retryAfterSeconds, 1);
    g.releaseAll();
    assert.equal((await first).status, 200);
  });

  it('limits mutating requests separately from read-only ones', async () => {
    const g = gatedServer([[MaxInFlight, { maxMutatingRequestsInFlight: 1, maxRequestsInFlight: 1, fairQueuing: false }]]);
    const post = g.server.inject({ method: 'POST', url: '/held', user: alice, body: {} });
    await tick();
    const get = g.server.inject({ url: '/fast', user: alice });
    assert.equal((await get).status, 200);
    assert.equal((await g.server.inject({ method: 'DELETE', url: '/fast', user: alice })).status, 429);
    g.releaseAll();
    assert.equal((await post).status, 200);
  });

  it('exempts watches and other long-running requests', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 1, fairQueuing: false }]]);
    const held = g.server.inject({ url: '/held', user: alice });
    await tick();
    const watch = await g.server.inject({ url: '/api/v1/namespaces/default/pods?watch=true', user: alice });
    assert.equal(watch.status, 200);
    const log = await g.server.inject({ url: '/api/v1/namespaces/default/pods/p/log', user: alice });
    assert.equal(log.status, 200);
    g.releaseAll();
    await held;
  });

  it('exempts users in system:masters (the loopback client)', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 1, fairQueuing: false }]]);
    const held = g.server.inject({ url: '/held', user: alice });
    await tick();
    assert.equal((await g.server.inject({ url: '/fast' })).status, 200);
    g.releaseAll();
    await held;
  });

  it('gives the slot back when the response is decided (sequential requests never hit the limit)', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 1, fairQueuing: false }]]);
    for (let i = 0; i < 5; i++) assert.equal((await g.server.inject({ url: '/fast', user: alice })).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await g.server.inject({ url: '/throw', user: alice })).status, 500);
    assert.equal(getMaxInFlightPools(g.server)!.readOnly.inFlight, 0);
  });

  it('queues a request while full and serves it when a slot frees (fair queuing)', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 1 }]]);
    const held = g.server.inject({ url: '/held', user: alice });
    await tick();
    const queued = g.server.inject({ url: '/queued', user: bob });
    await tick();
    assert.deepEqual(g.started, ['/held']);
    assert.equal(getMaxInFlightPools(g.server)!.readOnly.queued, 1);
    g.releaseOne('/held');
    await tick();
    assert.deepEqual(g.started, ['/held', '/queued']);
    g.releaseAll();
    assert.equal((await queued).status, 200);
    await held;
  });

  it('answers 429 when a user\'s queue is full', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 1, queueLengthPerUser: 1 }]]);
    const held = g.server.inject({ url: '/held', user: alice });
    await tick();
    const queued = g.server.inject({ url: '/q1', user: alice });
    const res = await g.server.inject({ url: '/q2', user: alice });
    assert.equal(res.status, 429);
    assert.equal(res.json<Status>().reason, 'TooManyRequests');
    assert.equal(res.headers['retry-after'], '1');
    // another user still has room in its own queue
    const other = g.server.inject({ url: '/b1', user: bob });
    await tick();
    assert.equal(getMaxInFlightPools(g.server)!.readOnly.queued, 2);
    g.releaseOne('/held');
    await tick();
    g.releaseAll();
    await tick();
    g.releaseAll();
    assert.deepEqual([(await queued).status, (await other).status, (await held).status], [200, 200, 200]);
  });

  it('answers 429 when the wait in the queue expires', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 1, maxQueueWaitSeconds: 0.02 }]]);
    const held = g.server.inject({ url: '/held', user: alice });
    await tick();
    const res = await g.server.inject({ url: '/late', user: bob });
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal(getMaxInFlightPools(g.server)!.readOnly.queued, 0);
    g.releaseAll();
    await held;
  });

  it('serves a quiet user within two freed slots while another user floods the queue', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 2, queueLengthPerUser: 100 }]]);
    const all: Array<Promise<unknown>> = [];
    for (let i = 0; i < 12; i++) all.push(g.server.inject({ url: `/a?n=${i}`, user: alice }));
    await tick();
    for (let i = 0; i < 2; i++) all.push(g.server.inject({ url: `/b?n=${i}`, user: bob }));
    await tick();
    assert.equal(g.started.length, 2);
    // free one slot at a time and count the slots until each of bob's requests runs
    const slotsUntil: number[] = [];
    for (let slot = 1; slot <= 12 && slotsUntil.length < 2; slot++) {
      g.releaseOne();
      await tick();
      const startedB = g.started.filter((p) => p.startsWith('/b')).length;
      while (slotsUntil.length < startedB) slotsUntil.push(slot);
    }
    assert.deepEqual(slotsUntil, [2, 4]);
    for (let i = 0; i < 14; i++) {
      g.releaseAll();
      await tick();
    }
    await Promise.all(all);
  });

  it('without fair queuing a flooding user keeps the slots and the quiet user gets 429', async () => {
    const g = gatedServer([[MaxInFlight, { maxRequestsInFlight: 2, fairQueuing: false }]]);
    const a = [g.server.inject({ url: '/a?n=0', user: alice }), g.server.inject({ url: '/a?n=1', user: alice })];
    await tick();
    assert.equal((await g.server.inject({ url: '/b', user: bob })).status, 429);
    g.releaseAll();
    await Promise.all(a);
  });
});
