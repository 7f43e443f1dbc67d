import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { enableNamespaceFinalization } from '../../resources/core/namespaces';
import { api, createNamespace, pod, startAdmission, type Api, type Obj } from '../shared/testing';
import NamespaceLifecycle from '.';

describe('admission/NamespaceLifecycle', function () {
  this.timeout(20000);
  let server: Server;
  let a: Api;
  beforeEach(async () => {
    server = await startAdmission([NamespaceLifecycle], { NamespaceLifecycle: { immortalNamespaces: ['default', 'kube-system', 'kube-public', 'keep-me'] } });
    a = api(server);
  });
  afterEach(() => server.stop(0));

  it('refuses a create in a missing namespace with 404 NotFound', async () => {
    const r = await a.call('POST', '/api/v1/namespaces/nope/pods', pod('p'));
    const s = r.json<Obj>();
    assert.equal(r.status, 404);
    assert.equal(s.reason, 'NotFound');
    assert.equal(s.message, 'namespaces "nope" not found');
  });

  it('refuses a create in a terminating namespace with 403 Forbidden', async () => {
    enableNamespaceFinalization(server);
    await createNamespace(a, 'going');
    assert.equal((await a.call('DELETE', '/api/v1/namespaces/going')).status, 200);
    const r = await a.call('POST', '/api/v1/namespaces/going/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const s = r.json<Obj>();
    assert.equal(r.status, 403);
    assert.equal(s.reason, 'Forbidden');
    assert.match(s.message, /unable to create new content in namespace going because it is being terminated/);
    assert.equal(s.details.causes[0].reason, 'NamespaceTerminating');
  });

  it('allows creates in an active namespace', async () => {
    await createNamespace(a, 'live');
    assert.equal((await a.call('POST', '/api/v1/namespaces/live/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })).status, 201);
  });

  it('refuses to delete an immortal namespace with 403 Forbidden', async () => {
    const r = await a.call('DELETE', '/api/v1/namespaces/kube-system');
    assert.equal(r.status, 403);
    assert.equal(r.json<Obj>().reason, 'Forbidden');
  });

  it('takes the immortal namespaces from its options', async () => {
    await createNamespace(a, 'keep-me');
    assert.equal((await a.call('DELETE', '/api/v1/namespaces/keep-me')).status, 403);
    await createNamespace(a, 'mortal');
    assert.equal((await a.call('DELETE', '/api/v1/namespaces/mortal')).status, 200);
  });

  it('lets updates and deletes inside a namespace through', async () => {
    await createNamespace(a, 'upd');
    await a.create('/api/v1/namespaces/upd/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const r = await a.call('PATCH', '/api/v1/namespaces/upd/configmaps/c', { data: { a: 'b' } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(r.status, 200);
    assert.equal((await a.call('DELETE', '/api/v1/namespaces/upd/configmaps/c')).status, 200);
  });
});
