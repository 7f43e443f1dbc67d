import assert from 'node:assert/strict';
import type { Status } from '../../../core/api/status';
import { statusError } from '../../../core/api/status';
import { gatedServer } from '../testing';

describe('panic recovery (the core catch-all)', () => {
  it('turns a handler that throws into a 500 InternalError Status', async () => {
    const g = gatedServer([]);
    const res = await g.server.inject({ url: '/throw' });
    assert.equal(res.status, 500);
    assert.equal(res.json<Status>().reason, 'InternalError');
  });

  it('turns a filter tap that throws into a 500 InternalError Status and still runs responded', async () => {
    const g = gatedServer([]);
    let responded = 0;
    g.server.hooks.filter.tapPromise({ name: 'Broken', stage: 0 }, async () => {
      throw new TypeError('oops');
    });
    g.server.hooks.responded.tap('Count', () => void responded++);
    const res = await g.server.inject({ url: '/fast' });
    assert.equal(res.status, 500);
    assert.equal(res.json<Status>().reason, 'InternalError');
    assert.equal(responded, 1);
  });

  it('answers a thrown StatusError as its own Status', async () => {
    const g = gatedServer([]);
    g.server.hooks.filter.tapPromise({ name: 'Refuse', stage: 0 }, async () => {
      throw statusError('Forbidden', 'no');
    });
    const res = await g.server.inject({ url: '/fast' });
    assert.equal(res.status, 403);
    assert.equal(res.json<Status>().reason, 'Forbidden');
  });
});
