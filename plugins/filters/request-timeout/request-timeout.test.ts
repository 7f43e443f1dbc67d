import assert from 'node:assert/strict';
import type { Status } from '../../../core/api/status';
import { gatedServer, tick } from '../testing';
import RequestTimeout, { parseGoDuration } from '.';

describe('RequestTimeout plugin', () => {
  it('answers 504 Timeout when the handler has not answered within ?timeout=', async () => {
    const g = gatedServer([[RequestTimeout, {}]]);
    const res = await g.server.inject({ url: '/held?timeout=30ms' });
    assert.equal(res.status, 504);
    assert.equal(res.json<Status>().reason, 'Timeout');
    assert.equal(res.json<Status>().code, 504);
    g.releaseAll();
  });

  it('aborts ctx.signal when the deadline passes (the late result is dropped)', async () => {
    const g = gatedServer([[RequestTimeout, {}]]);
    let seen: AbortSignal | undefined;
    g.server.hooks.filter.tapPromise({ name: 'Spy', stage: 1 }, async (ctx) => {
      seen = ctx.signal;
      return undefined;
    });
    const res = await g.server.inject({ url: '/held?timeout=20ms' });
    assert.equal(res.status, 504);
    assert.equal(seen?.aborted, true);
    g.releaseAll();
    await tick();
  });

  it('covers the Handler of a sync resolveHandler tap too', async () => {
    const g = gatedServer([[RequestTimeout, {}]]);
    g.server.hooks.resolveHandler.tap({ name: 'SyncHeld', stage: -1 }, (ctx) =>
      ctx.path === '/sync-held' ? () => new Promise<never>(() => undefined) : undefined,
    );
    const res = await g.server.inject({ url: '/sync-held?timeout=20ms' });
    assert.equal(res.status, 504);
  });

  it('answers normally when the handler is in time', async () => {
    const g = gatedServer([[RequestTimeout, {}]]);
    const res = await g.server.inject({ url: '/slow/5?timeout=5s' });
    assert.equal(res.status, 200);
    assert.equal(res.json<{ aborted: boolean }>().aborted, false);
  });

  it('cuts a ?timeout= longer than maxSeconds to maxSeconds', async () => {
    const g = gatedServer([[RequestTimeout, { maxSeconds: 0.03 }]]);
    const res = await g.server.inject({ url: '/held?timeout=10m' });
    assert.equal(res.status, 504);
    g.releaseAll();
  });

  it('applies defaultSeconds when the request names no timeout', async () => {
    const g = gatedServer([[RequestTimeout, { defaultSeconds: 0.03 }]]);
    assert.equal((await g.server.inject({ url: '/held' })).status, 504);
    g.releaseAll();
  });

  it('does not cut long-running requests (watch)', async () => {
    const g = gatedServer([[RequestTimeout, { defaultSeconds: 0.001, maxSeconds: 0.001 }]]);
    g.server.hooks.resolveHandler.tapPromise({ name: 'SlowWatch', stage: -1 }, async (ctx) =>
      ctx.longRunning ? async () => (await tick(20), { status: 200, body: { kind: 'Watched' } }) : undefined,
    );
    const res = await g.server.inject({ url: '/api/v1/pods?watch=true&timeout=1ms' });
    assert.equal(res.status, 200);
  });

  it('answers 400 BadRequest for a malformed ?timeout=', async () => {
    const g = gatedServer([[RequestTimeout, {}]]);
    const res = await g.server.inject({ url: '/fast?timeout=soon' });
    assert.equal(res.status, 400);
    assert.equal(res.json<Status>().reason, 'BadRequest');
  });

  it('parses Go durations', () => {
    assert.deepEqual(
      ['30s', '1m30s', '500ms', '1h', '1.5s', '0', '10', 's', '-1s', ''].map(parseGoDuration),
      [30_000, 90_000, 500, 3_600_000, 1500, 0, undefined, undefined, undefined, undefined],
    );
  });
});
