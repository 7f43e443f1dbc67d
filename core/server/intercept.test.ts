import assert from 'node:assert/strict';
import pino from 'pino';
import type { ApiResponse, Handler, RequestContext } from '../pipeline/types';
import { interceptFilterErrors, interceptHandlers } from './intercept';
import { Server } from './server';

const server = () => new Server({ config: {}, dataDir: '/nonexistent', logger: pino({ level: 'silent' }) });
const ok = (kind: string): Handler => async () => ({ status: 200, body: { kind } });
/** every Handler is wrapped so its answer carries header X-Wrapped: yes */
const tagAnswers = (s: Server) =>
  interceptHandlers(s.hooks.resolveHandler, (handler) => async (c: RequestContext): Promise<ApiResponse> => ({ ...(await handler(c)), headers: { 'X-Wrapped': 'yes' } }));

describe('core/server/intercept', () => {
  it('wraps the Handler of a sync resolveHandler tap', async () => {
    const s = server();
    tagAnswers(s);
    s.hooks.resolveHandler.tap('Sync', () => ok('Sync'));
    const res = await s.inject({ url: '/x' });
    assert.equal(res.headers['x-wrapped'], 'yes');
  });

  it('wraps the Handler of a tapPromise resolveHandler tap', async () => {
    const s = server();
    tagAnswers(s);
    s.hooks.resolveHandler.tapPromise('Promise', async () => ok('Promise'));
    const res = await s.inject({ url: '/x' });
    assert.equal(res.headers['x-wrapped'], 'yes');
  });

  it('lets a sync tap that answers undefined fall through to the next tap', async () => {
    const s = server();
    tagAnswers(s);
    s.hooks.resolveHandler.tap({ name: 'NotMine', stage: -1 }, () => undefined);
    s.hooks.resolveHandler.tap({ name: 'Mine', stage: 1 }, () => ok('Mine'));
    const res = await s.inject({ url: '/x' });
    assert.equal(res.json<{ kind: string }>().kind, 'Mine');
  });

  it('reports a sync filter tap that throws, and the request still fails', async () => {
    const s = server();
    const seen: unknown[] = [];
    interceptFilterErrors(s.hooks.filter, (_ctx, err) => seen.push(err));
    s.hooks.filter.tap('Throws', () => {
      throw new TypeError('boom');
    });
    const res = await s.inject({ url: '/x' });
    assert.equal(res.status, 500);
    assert.equal((seen[0] as Error).message, 'boom');
  });

  it('reports a tapPromise filter tap that rejects, and the request still fails', async () => {
    const s = server();
    const seen: unknown[] = [];
    interceptFilterErrors(s.hooks.filter, (_ctx, err) => seen.push(err));
    s.hooks.filter.tapPromise('Rejects', async () => {
      throw new TypeError('boom');
    });
    const res = await s.inject({ url: '/x' });
    assert.equal(res.status, 500);
    assert.equal((seen[0] as Error).message, 'boom');
  });
});
