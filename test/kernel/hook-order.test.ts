import assert from 'node:assert/strict';
import path from 'node:path';
import { definePlugin } from '../../core/plugin/define';
import { FilterStage, HandlerStage, LifecycleStage } from '../../hooks/stages';
import { writeRecordingPlugins, type RecordingPlugin } from '../helpers/dropins';
import { useTestServers } from '../helpers/kernel';
import { events } from '../helpers/recorder';
import { useTmpDirs } from '../helpers/tmp';

describe('kernel: hook order (stage first, YAML position within a stage)', () => {
  const tmp = useTmpDirs();
  const servers = useTestServers();

  /** build a server with recording drop-ins, all off by default, enabled in the given YAML order */
  function build(plugins: RecordingPlugin[], enabled: string[]) {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), plugins.map((p) => ({ enabledByDefault: false, ...p })));
    return servers.build({ dir, config: { pluginDirs: ['./plugins.d'], plugins: { testing: { enabled } } } });
  }

  async function filterOrder(plugins: RecordingPlugin[], enabled: string[], hook = 'filter'): Promise<string[]> {
    const { server } = build(plugins, enabled);
    await server.inject({ url: '/some/path' });
    return events(server).filter((e) => e.startsWith(`${hook}:`));
  }

  it('filter taps run by stage, whatever their YAML order', async () => {
    const order = await filterOrder(
      [
        { name: 'Late', taps: [{ hook: 'filter', stage: FilterStage.DEFAULT }] },
        { name: 'Authn', taps: [{ hook: 'filter', stage: FilterStage.AUTHENTICATION }] },
        { name: 'Authz', taps: [{ hook: 'filter', stage: FilterStage.AUTHORIZATION }] },
      ],
      ['Late', 'Authz', 'Authn'],
    );
    assert.deepEqual(order, ['filter:Authn', 'filter:Authz', 'filter:Late']);
  });

  it('filter taps in one stage run in YAML order', async () => {
    const taps = [{ hook: 'filter', stage: FilterStage.AUTHORIZATION }];
    const order = await filterOrder(
      [
        { name: 'A', taps },
        { name: 'B', taps },
        { name: 'C', taps },
      ],
      ['C', 'A', 'B'],
    );
    assert.deepEqual(order, ['filter:C', 'filter:A', 'filter:B']);
  });

  it('YAML order breaks ties only within a stage', async () => {
    const order = await filterOrder(
      [
        { name: 'A', taps: [{ hook: 'filter', stage: FilterStage.TIMEOUT }] },
        { name: 'B', taps: [{ hook: 'filter', stage: FilterStage.AUTHENTICATION }] },
        { name: 'C', taps: [{ hook: 'filter', stage: FilterStage.TIMEOUT }] },
        { name: 'D', taps: [{ hook: 'filter', stage: FilterStage.AUTHENTICATION }] },
      ],
      ['C', 'A', 'D', 'B'],
    );
    assert.deepEqual(order, ['filter:D', 'filter:B', 'filter:C', 'filter:A']);
  });

  it('resolveHandler taps run by HandlerStage, then YAML order', async () => {
    const order = await filterOrder(
      [
        { name: 'Crd', taps: [{ hook: 'resolveHandler', stage: HandlerStage.CRD }] },
        { name: 'Agg', taps: [{ hook: 'resolveHandler', stage: HandlerStage.AGGREGATOR }] },
        { name: 'Builtin2', taps: [{ hook: 'resolveHandler', stage: HandlerStage.BUILTIN }] },
        { name: 'Builtin1', taps: [{ hook: 'resolveHandler', stage: HandlerStage.BUILTIN }] },
      ],
      ['Crd', 'Builtin1', 'Builtin2', 'Agg'],
      'resolveHandler',
    );
    assert.deepEqual(order, ['resolveHandler:Agg', 'resolveHandler:Builtin1', 'resolveHandler:Builtin2', 'resolveHandler:Crd']);
  });

  it('every filter runs before any resolveHandler tap', async () => {
    const { server } = build(
      [
        { name: 'H', taps: [{ hook: 'resolveHandler', stage: HandlerStage.AGGREGATOR }] },
        { name: 'F', taps: [{ hook: 'filter', stage: FilterStage.DEFAULT }] },
      ],
      ['H', 'F'],
    );
    await server.inject({ url: '/x' });
    assert.deepEqual(events(server).filter((e) => !e.startsWith('apply:')), ['filter:F', 'resolveHandler:H']);
  });

  it('the first resolveHandler tap to return a handler serves the request', async () => {
    const dir = tmp.make();
    const serve = (name: string, stage: number) =>
      definePlugin({
        name,
        area: 'testing',
        apply(server) {
          server.hooks.resolveHandler.tapPromise({ name, stage }, async (ctx) =>
            ctx.path === '/who' ? async () => ({ status: 200, body: name }) : undefined,
          );
        },
      });
    const { server } = servers.build({ dir, extraPlugins: [serve('Crd', HandlerStage.CRD), serve('Builtin', HandlerStage.BUILTIN)] });
    assert.equal((await server.inject({ url: '/who' })).text(), 'Builtin');
  });

  it('initialize taps run by LifecycleStage, then YAML order', async () => {
    const { server } = build(
      [
        { name: 'Comp', taps: [{ hook: 'initialize', stage: LifecycleStage.COMPONENTS }] },
        { name: 'Reg', taps: [{ hook: 'initialize', stage: LifecycleStage.REGISTRY }] },
        { name: 'Dflt2', taps: [{ hook: 'initialize', stage: LifecycleStage.DEFAULT }] },
        { name: 'Dflt1', taps: [{ hook: 'initialize', stage: LifecycleStage.DEFAULT }] },
      ],
      ['Comp', 'Dflt1', 'Dflt2', 'Reg'],
    );
    await server.initialize();
    assert.deepEqual(
      events(server).filter((e) => e.startsWith('initialize:')),
      ['initialize:Reg', 'initialize:Dflt1', 'initialize:Dflt2', 'initialize:Comp'],
    );
  });

  it('storage is open for initialize taps at LifecycleStage.REGISTRY', async () => {
    let seen: boolean | undefined;
    const Probe = definePlugin({
      name: 'Probe',
      area: 'testing',
      apply(server) {
        server.hooks.initialize.tapPromise({ name: 'Probe', stage: LifecycleStage.REGISTRY }, async () => {
          seen = server.hasStorage;
        });
      },
    });
    const { server } = servers.build({ dir: tmp.make(), extraPlugins: [Probe] });
    await server.initialize();
    assert.equal(seen, true);
  });

  it('storage is still open for shutdown taps at LifecycleStage.DEFAULT', async () => {
    let revision: number | undefined;
    const Probe = definePlugin({
      name: 'Probe',
      area: 'testing',
      apply(server) {
        server.hooks.shutdown.tapPromise({ name: 'Probe', stage: LifecycleStage.DEFAULT }, async () => {
          revision = await server.storage.currentRevision();
        });
      },
    });
    const { server } = servers.build({ dir: tmp.make(), extraPlugins: [Probe] });
    await server.initialize();
    await server.started();
    await server.stop(0);
    assert.equal(typeof revision, 'number');
  });
});
