import assert from 'node:assert/strict';
import { AsyncSeriesBailHook, SyncHook } from 'tapable';
import { definePlugin } from '../../core/plugin/define';
import { defineComponentHooks } from '../../core/server/hook-index';
import { useTestServers } from '../helpers/kernel';
import { useTmpDirs } from '../helpers/tmp';

const getWidgetHooks = defineComponentHooks('widget', () => ({
  /** test hook */
  sync: new AsyncSeriesBailHook<[string], string | undefined>(['name']),
  /** test hook */
  synced: new SyncHook<[string]>(['name']),
}));

describe('kernel: hook-point index (dotted names)', () => {
  const tmp = useTmpDirs();
  const servers = useTestServers();
  const build = () => servers.build({ dir: tmp.make() }).server;

  it('names the request pipeline hooks apiserver.<hook>', () => {
    const names = build().hookIndex.list().map((p) => p.name);
    for (const n of ['apiserver.requestInfo', 'apiserver.filter', 'apiserver.resolveHandler', 'apiserver.responded']) assert.ok(names.includes(n), n);
  });

  it('names the lifecycle hooks lifecycle.<hook>', () => {
    const names = build().hookIndex.list().map((p) => p.name);
    for (const n of ['lifecycle.afterPlugins', 'lifecycle.initialize', 'lifecycle.postStart', 'lifecycle.preShutdown', 'lifecycle.shutdown']) assert.ok(names.includes(n), n);
  });

  it('a dotted name resolves to the server hook itself', () => {
    const server = build();
    assert.equal(server.hookIndex.get('apiserver.filter')?.hook, server.hooks.filter);
    assert.equal(server.hookIndex.get('lifecycle.postStart')?.hook, server.hooks.postStart);
  });

  it('records the owner, the tapable kind and the argument names', () => {
    const p = build().hookIndex.get('apiserver.responded');
    assert.deepEqual([p?.owner, p?.kind, p?.args], ['apiserver', 'SyncHook', ['ctx', 'response']]);
  });

  it('the filter hook is an AsyncSeriesBailHook and postStart an AsyncParallelHook', () => {
    const server = build();
    assert.deepEqual(
      [server.hookIndex.get('apiserver.filter')?.kind, server.hookIndex.get('lifecycle.postStart')?.kind],
      ['AsyncSeriesBailHook', 'AsyncParallelHook'],
    );
  });

  it('the server hook record is frozen', () => {
    assert.ok(Object.isFrozen(build().hooks));
  });

  it('a tap through the index runs like a direct tap', async () => {
    const server = build();
    const hook = server.hookIndex.get('apiserver.filter')!.hook as typeof server.hooks.filter;
    let ran = false;
    hook.tapPromise('ViaIndex', async () => {
      ran = true;
      return undefined;
    });
    await server.inject({ url: '/version' });
    assert.equal(ran, true);
  });

  it('lists hook points sorted by name', () => {
    const names = build().hookIndex.list().map((p) => p.name);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
  });

  describe('defineComponentHooks', () => {
    it('registers <owner>.<hook> on the first getHooks(server)', () => {
      const server = build();
      assert.equal(server.hookIndex.get('widget.sync'), undefined);
      getWidgetHooks(server);
      assert.equal(server.hookIndex.get('widget.sync')?.kind, 'AsyncSeriesBailHook');
    });

    it('returns the same frozen record for the same server', () => {
      const server = build();
      const a = getWidgetHooks(server);
      const b = getWidgetHooks(server);
      assert.equal(a, b);
      assert.ok(Object.isFrozen(a));
    });

    it('registers each hook once per server', () => {
      const server = build();
      getWidgetHooks(server);
      getWidgetHooks(server);
      assert.equal(server.hookIndex.list().filter((p) => p.name === 'widget.synced').length, 1);
    });

    it('gives each server its own record', () => {
      const a = build();
      const b = build();
      assert.notEqual(getWidgetHooks(a), getWidgetHooks(b));
      assert.equal(b.hookIndex.get('widget.sync')?.hook, getWidgetHooks(b).sync);
    });

    it('two components cannot claim the same owner on one server', () => {
      const server = build();
      getWidgetHooks(server);
      const impostor = defineComponentHooks('widget', () => ({ sync: new SyncHook<[]>([]) }));
      assert.throws(() => impostor(server));
    });

    it('a plugin taps a component hook and the component calls it', async () => {
      const Namer = definePlugin({
        name: 'Namer',
        area: 'testing',
        apply(server) {
          getWidgetHooks(server).sync.tapPromise('Namer', async (name) => `synced ${name}`);
        },
      });
      const { server } = servers.build({ dir: tmp.make(), extraPlugins: [Namer] });
      assert.equal(await getWidgetHooks(server).sync.promise('w1'), 'synced w1');
    });
  });
});
