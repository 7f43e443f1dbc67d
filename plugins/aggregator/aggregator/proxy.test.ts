/** Unit: which headers reach an extension server. */
import assert from 'node:assert/strict';
import { backendHeaders, isUpgradeRequest } from './proxy';

describe('Aggregator proxy headers', () => {
  const user = { username: 'alice', groups: ['dev', 'system:authenticated'], extra: { 'example.dev/team': ['blue'] } };

  it('sets X-Remote-User and one X-Remote-Group per group', () => {
    const h = backendHeaders({}, user, false);
    assert.equal(h['X-Remote-User'], 'alice');
    assert.deepEqual(h['X-Remote-Group'], ['dev', 'system:authenticated']);
  });

  it('escapes extra keys in X-Remote-Extra-<key>', () => {
    assert.deepEqual(backendHeaders({}, user, false)['X-Remote-Extra-example.dev%2Fteam'], ['blue']);
  });

  it('strips client-sent X-Remote-* headers in any case', () => {
    const h = backendHeaders({ 'x-remote-user': 'root', 'x-remote-group': 'system:masters', 'x-remote-extra-scopes': 'all' }, undefined, false);
    assert.deepEqual(Object.keys(h), []);
  });

  it('strips credentials, impersonation and hop-by-hop headers, including those named in Connection', () => {
    const h = backendHeaders({ authorization: 'Bearer t', 'impersonate-user': 'x', connection: 'keep-alive, x-secret', 'x-secret': 's', 'transfer-encoding': 'chunked', accept: 'application/json' }, undefined, false);
    assert.deepEqual(Object.keys(h), ['accept']);
  });

  it('keeps Connection: Upgrade and Upgrade only for an upgrade request', () => {
    const headers = { connection: 'Upgrade', upgrade: 'websocket' };
    assert.equal(isUpgradeRequest(headers), true);
    assert.equal(backendHeaders(headers, undefined, true).upgrade, 'websocket');
    assert.equal(backendHeaders(headers, undefined, false).upgrade, undefined);
  });

  it('does not take an Upgrade header without Connection: Upgrade for an upgrade', () => {
    assert.equal(isUpgradeRequest({ upgrade: 'websocket', connection: 'keep-alive' }), false);
  });
});
