/**
 * One suite, two transports: the same Client calls against `k8ts` started with TLS on port 0,
 * through server.inject (memory storage) and through HTTPS with the written kubeconfig (sqlite).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useTestServers } from '../../test/helpers/kernel';
import { StatusError } from '../api/status';
import type { KObject } from '../registry/types';
import { isStatusReason } from './client';
import { SharedInformer } from './informer';
import { httpClient, inProcessClient } from './transports';
import type { Client, WatchEvent } from './types';

const CM = { group: '', version: 'v1', resource: 'configmaps' };
const NS = { group: '', version: 'v1', resource: 'namespaces' };

function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) }, data };
}

async function rejectsWith(p: Promise<unknown>, reason: string, code: number): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.equal(err.code, code);
    assert.equal(err.status.kind, 'Status');
    return err;
  }
  throw new Error(`expected ${reason} (${code}), the call succeeded`);
}

const transports: Array<{ name: string; storage: string; make: (server: Parameters<typeof inProcessClient>[0], kubeconfig: string) => Client }> = [
  { name: 'in-process', storage: 'memory', make: (server) => inProcessClient(server) },
  { name: 'https (kubeconfig)', storage: 'sqlite', make: (_server, kubeconfig) => httpClient(kubeconfig) },
];

for (const transport of transports) {
  describe(`client over ${transport.name}`, () => {
    const servers = useTestServers();
    let client: Client;
    let dir: string;
    beforeEach(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-client-'));
      const started = await servers.start({ dir, config: { apiserver: { insecureHttp: false }, storage: { backend: transport.storage } } });
      client = transport.make(started.server, started.kubeconfigPath);
    });
    afterEach(() => {
      client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('creates and gets an object back parsed, with uid and resourceVersion', async () => {
      const created = await client.create(CM, configMap('c1', { a: '1' }));
      assert.ok(created.metadata.uid);
      assert.ok(created.metadata.resourceVersion);
      const got = await client.get(CM, { namespace: 'default', name: 'c1' });
      assert.deepEqual(got.data, { a: '1' });
      assert.equal(got.metadata.uid, created.metadata.uid);
    });

    it('a missing object is a StatusError NotFound 404 naming it', async () => {
      const err = await rejectsWith(client.get(CM, { namespace: 'default', name: 'nope' }), 'NotFound', 404);
      assert.equal(err.status.details?.name, 'nope');
    });

    it('a second create is AlreadyExists 409', async () => {
      await client.create(CM, configMap('dup'));
      await rejectsWith(client.create(CM, configMap('dup')), 'AlreadyExists', 409);
    });

    it('an update with a stale resourceVersion is Conflict 409', async () => {
      const v1 = await client.create(CM, configMap('stale', { a: '1' }));
      await client.update(CM, { ...v1, data: { a: '2' } });
      await rejectsWith(client.update(CM, { ...v1, data: { a: '3' } }), 'Conflict', 409);
    });

    it('an invalid object is Invalid 422 with causes', async () => {
      const err = await rejectsWith(client.create(CM, configMap('Not_A_Name')), 'Invalid', 422);
      assert.ok((err.status.details?.causes ?? []).some((c) => c.field === 'metadata.name'));
    });

    it('patches with merge, json and strategic patch types', async () => {
      await client.create(CM, configMap('p', { a: '1' }));
      await client.patch(CM, { namespace: 'default', name: 'p' }, 'merge', { data: { b: '2' } });
      await client.patch(CM, { namespace: 'default', name: 'p' }, 'json', [{ op: 'add', path: '/data/c', value: '3' }]);
      const out = await client.patch(CM, { namespace: 'default', name: 'p' }, 'strategic', { data: { a: null } });
      assert.deepEqual(out.data, { b: '2', c: '3' });
    });

    it('updateStatus writes the status subresource', async () => {
      const ns = await client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'status-ns' } });
      const conditions = [{ type: 'Example', status: 'True', reason: 'Test', message: 'set by the client test' }];
      const out = await client.updateStatus(NS, { ...ns, status: { phase: 'Active', conditions } });
      assert.deepEqual((out.status as { conditions?: unknown }).conditions, conditions);
    });

    it('lists with a label selector and returns the list resourceVersion', async () => {
      await client.create(CM, configMap('l1', {}, { app: 'x' }));
      await client.create(CM, configMap('l2', {}, { app: 'y' }));
      const list = await client.list(CM, { namespace: 'default', labelSelector: 'app=x' });
      assert.deepEqual(list.items.map((i) => i.metadata.name), ['l1']);
      assert.ok(list.metadata.resourceVersion);
    });

    it('delete returns the object; then it is NotFound', async () => {
      await client.create(CM, configMap('d'));
      const deleted = await client.delete(CM, { namespace: 'default', name: 'd' });
      assert.equal(deleted.metadata.name, 'd');
      await rejectsWith(client.get(CM, { namespace: 'default', name: 'd' }), 'NotFound', 404);
    });

    it('a delete with a wrong uid precondition is Conflict 409', async () => {
      await client.create(CM, configMap('pre'));
      await rejectsWith(client.delete(CM, { namespace: 'default', name: 'pre' }, { preconditions: { uid: 'not-the-uid' } }), 'Conflict', 409);
    });

    it('watches from a resourceVersion: ADDED, MODIFIED, DELETED in order', async () => {
      const list = await client.list(CM, { namespace: 'default' });
      const stream = client.watch(CM, { namespace: 'default', resourceVersion: list.metadata.resourceVersion });
      const events: WatchEvent[] = [];
      const reading = (async () => {
        for await (const ev of stream) {
          if (ev.object.metadata?.name !== 'w') continue;
          events.push(ev);
          if (events.length === 3) break;
        }
      })();
      const c = await client.create(CM, configMap('w', { a: '1' }));
      await client.update(CM, { ...c, data: { a: '2' } });
      await client.delete(CM, { namespace: 'default', name: 'w' });
      await reading;
      stream.close();
      assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
      assert.equal(events[1].object.data && (events[1].object.data as Record<string, string>).a, '2');
    });

    it('an informer over the transport syncs and follows changes', async () => {
      await client.create(CM, configMap('i1'));
      const inf = new SharedInformer(client, CM, { namespace: 'default' });
      const abort = new AbortController();
      const running = inf.run(abort.signal);
      try {
        await inf.waitForSync();
        assert.ok(inf.get('default/i1'));
        await client.create(CM, configMap('i2'));
        const deadline = Date.now() + 5000;
        while (!inf.get('default/i2')) {
          if (Date.now() > deadline) throw new Error('informer did not see i2');
          await new Promise((r) => setTimeout(r, 10));
        }
      } finally {
        abort.abort();
        await running;
      }
    });

    it('isStatusReason tells reasons and codes apart', async () => {
      const err = await client.get(CM, { namespace: 'default', name: 'missing' }).catch((e: unknown) => e);
      assert.equal(isStatusReason(err, 'NotFound'), true);
      assert.equal(isStatusReason(err, 404), true);
      assert.equal(isStatusReason(err, 'Conflict'), false);
    });
  });
}
