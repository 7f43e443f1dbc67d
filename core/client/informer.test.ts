import assert from 'node:assert/strict';
import { failure } from '../api/status';
import type { KObject } from '../registry/types';
import { DynamicClient } from './client';
import { CONTROLLER_UID_INDEX, SharedInformer } from './informer';
import { SharedInformerFactory } from './informer-factory';
import type { RawRequest, RawResponse, Transport } from './types';

const CM = { group: '', version: 'v1', resource: 'configmaps' };

function cm(name: string, rv: string, extra: Partial<KObject['metadata']> = {}): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv, ...extra } };
}

type WatchScript = { status?: number; body?: unknown; events?: Array<{ type: string; object: unknown }>; hold?: boolean };

/** A scripted apiserver: lists return `lists` in turn, watches play `watches` in turn. */
function fakeTransport(lists: Array<{ rv: string; items: KObject[] }>, watches: WatchScript[]): Transport & { listCalls: string[]; watchCalls: string[] } {
  const listCalls: string[] = [];
  const watchCalls: string[] = [];
  const json = (status: number, body: unknown): RawResponse => ({ status, headers: {}, body: Buffer.from(JSON.stringify(body)) });
  return {
    description: 'fake',
    listCalls,
    watchCalls,
    async request(req: RawRequest) {
      listCalls.push(req.path);
      const l = lists[Math.min(listCalls.length - 1, lists.length - 1)];
      return json(200, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: l.rv }, items: l.items });
    },
    async stream(req, onResponse, onChunk) {
      watchCalls.push(req.path);
      const w = watches[watchCalls.length - 1] ?? { hold: true };
      if (w.status && w.status !== 200) {
        onResponse(w.status, {});
        return json(w.status, w.body);
      }
      onResponse(200, {});
      for (const ev of w.events ?? []) onChunk(Buffer.from(JSON.stringify(ev) + '\n'));
      if (w.hold) {
        await new Promise<void>((resolve) => req.signal?.addEventListener('abort', () => resolve(), { once: true }));
      }
      return { status: 200, headers: {}, body: Buffer.alloc(0) };
    },
  };
}

async function until(fn: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('client/SharedInformer', () => {
  const stops: AbortController[] = [];
  afterEach(() => stops.splice(0).forEach((a) => a.abort()));
  function run(inf: SharedInformer): void {
    const a = new AbortController();
    stops.push(a);
    void inf.run(a.signal);
  }

  it('lists, syncs, then applies watch events from the list resourceVersion', async () => {
    const t = fakeTransport([{ rv: '10', items: [cm('a', '5')] }], [{ events: [{ type: 'ADDED', object: cm('b', '11') }, { type: 'MODIFIED', object: cm('a', '12') }], hold: true }]);
    const inf = new SharedInformer(new DynamicClient(t), CM);
    const seen: string[] = [];
    inf.addEventHandler({ add: (o, initial) => seen.push(`add ${o.metadata.name} ${initial}`), update: (_, o) => seen.push(`update ${o.metadata.name}`) });
    run(inf);
    await inf.waitForSync();
    await until(() => seen.length === 3);
    assert.deepEqual(seen, ['add a true', 'add b false', 'update a']);
    assert.match(t.watchCalls[0], /resourceVersion=10/);
    assert.equal(inf.get('default/a')?.metadata.resourceVersion, '12');
    assert.equal(inf.resourceVersion, '12');
  });

  it('relists on a 410 Expired ERROR event and reports objects gone meanwhile as deleted (final state unknown)', async () => {
    const expired = { type: 'ERROR', object: failure('Expired', 'too old resource version: 1 (20)') };
    const t = fakeTransport(
      [
        { rv: '10', items: [cm('a', '5'), cm('b', '6')] },
        { rv: '30', items: [cm('a', '25')] },
      ],
      [{ events: [expired] }, { hold: true }],
    );
    const inf = new SharedInformer(new DynamicClient(t), CM);
    const deleted: Array<[string, boolean]> = [];
    inf.addEventHandler({ delete: (o, unknown) => deleted.push([o.metadata.name!, unknown]) });
    run(inf);
    await until(() => inf.listCount === 2 && t.watchCalls.length === 2);
    assert.deepEqual(deleted, [['b', true]]);
    assert.deepEqual(inf.keys(), ['default/a']);
    assert.match(t.watchCalls[1], /resourceVersion=30/);
  });

  it('relists when the watch is refused with HTTP 410 Gone', async () => {
    const t = fakeTransport([{ rv: '10', items: [] }, { rv: '40', items: [cm('c', '39')] }], [{ status: 410, body: failure('Gone', 'gone') }, { hold: true }]);
    const inf = new SharedInformer(new DynamicClient(t), CM);
    run(inf);
    await until(() => inf.listCount === 2 && t.watchCalls.length === 2);
    assert.ok(inf.get('default/c'));
    assert.match(t.watchCalls[1], /resourceVersion=40/);
  });

  it('re-watches from the last resourceVersion (no relist) when a watch simply ends', async () => {
    const t = fakeTransport([{ rv: '10', items: [] }], [{ events: [{ type: 'ADDED', object: cm('a', '11') }] }, { events: [{ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } }] }, { hold: true }]);
    const inf = new SharedInformer(new DynamicClient(t), CM);
    run(inf);
    await until(() => t.watchCalls.length === 3);
    assert.equal(inf.listCount, 1);
    assert.match(t.watchCalls[1], /resourceVersion=11/);
    assert.match(t.watchCalls[2], /resourceVersion=15/);
  });

  it('indexes by namespace and by controller owner uid', async () => {
    const owned = cm('p', '3', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true }] });
    const other = { ...cm('q', '4'), metadata: { ...cm('q', '4').metadata, namespace: 'other' } };
    const t = fakeTransport([{ rv: '10', items: [owned, other] }], [{ hold: true }]);
    const inf = new SharedInformer(new DynamicClient(t), CM);
    run(inf);
    await inf.waitForSync();
    assert.deepEqual(inf.byIndex(CONTROLLER_UID_INDEX, 'rs-uid').map((o) => o.metadata.name), ['p']);
    assert.deepEqual(inf.list('other').map((o) => o.metadata.name), ['q']);
    assert.equal(inf.list().length, 2);
  });

  it('a transform rewrites listed and watched objects before they are cached and handed to handlers', async () => {
    const t = fakeTransport([{ rv: '10', items: [cm('a', '5', { labels: { big: 'x' } })] }], [{ events: [{ type: 'ADDED', object: cm('b', '11', { labels: { big: 'y' } }) }], hold: true }]);
    const inf = new SharedInformer(new DynamicClient(t), CM);
    inf.setTransform((o) => ({ ...o, metadata: { ...o.metadata, labels: undefined } }));
    const added: KObject[] = [];
    inf.addEventHandler({ add: (o) => added.push(o) });
    run(inf);
    await until(() => added.length === 2);
    assert.deepEqual(added.map((o) => o.metadata.labels), [undefined, undefined]);
    assert.equal(inf.get('default/b')?.metadata.labels, undefined);
    assert.equal(inf.resourceVersion, '11');
  });

  it('refuses a transform once the informer runs', () => {
    const inf = new SharedInformer(new DynamicClient(fakeTransport([{ rv: '1', items: [] }], [{ hold: true }])), CM);
    run(inf);
    assert.throws(() => inf.setTransform((o) => o), /transform set after start/);
  });

  it('resyncs: every handler gets update(obj, obj) each period', async () => {
    const t = fakeTransport([{ rv: '10', items: [cm('a', '5')] }], [{ hold: true }]);
    const inf = new SharedInformer(new DynamicClient(t), CM, { resyncMs: 20 });
    let same = 0;
    inf.addEventHandler({ update: (o, n) => void (o === n && same++) });
    run(inf);
    await until(() => same >= 2);
  });

  it('the factory shares one informer per resource and waits for every cache to sync', async () => {
    const t = fakeTransport([{ rv: '10', items: [cm('a', '5')] }], [{ hold: true }, { hold: true }]);
    const f = new SharedInformerFactory(new DynamicClient(t));
    const one = f.informerFor(CM);
    assert.equal(f.informerFor(CM), one);
    f.start();
    await f.waitForCacheSync();
    assert.equal(one.hasSynced(), true);
    await f.shutdown();
  });
});
