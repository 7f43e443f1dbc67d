import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { definePlugin } from '../../core/plugin/define';
import type { Status } from '../../core/api/status';
import { LifecycleStage } from '../../hooks/stages';
import { writeRecordingPlugins } from '../helpers/dropins';
import { gate, silentLogger, useTestServers, writeTestConfig } from '../helpers/kernel';
import { events } from '../helpers/recorder';
import { isAbsentOrEmpty, useTmpDirs } from '../helpers/tmp';
import { startK8ts } from '../../core/cli/start';
import { builtinPlugins } from '../../plugins';

const LIFECYCLE = ['afterPlugins', 'initialize', 'postStart', 'preShutdown', 'shutdown'];

/** a port that was free a moment ago */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('kernel: lifecycle', () => {
  const tmp = useTmpDirs();
  const servers = useTestServers();

  function waiterPlugin(name: string, wait: Promise<void>) {
    return definePlugin({
      name,
      area: 'testing',
      apply(server) {
        server.hooks.postStart.tapPromise(name, () => wait);
      },
    });
  }

  it('runs apply < afterPlugins < initialize < postStart < preShutdown < shutdown', async () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [{ name: 'Rec', taps: LIFECYCLE.map((hook) => ({ hook })) }]);
    const { server } = await servers.start({ dir, config: { pluginDirs: ['./plugins.d'] } });
    await server.stop(0);
    assert.deepEqual(events(server), ['apply:Rec', ...LIFECYCLE.map((h) => `${h}:Rec`)]);
  });

  it('afterPlugins runs once every plugin has been applied', () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [
      { name: 'First', taps: [{ hook: 'afterPlugins' }] },
      { name: 'Second', taps: [{ hook: 'afterPlugins' }] },
    ]);
    const { server } = servers.build({ dir, config: { pluginDirs: ['./plugins.d'] } });
    assert.deepEqual(events(server), ['apply:First', 'apply:Second', 'afterPlugins:First', 'afterPlugins:Second']);
  });

  it('moves through the states new < initializing < running < stopped', async () => {
    const { server } = servers.build({ dir: tmp.make() });
    const states = [server.state];
    await server.initialize();
    states.push(server.state);
    await server.started();
    states.push(server.state);
    await server.stop(0);
    states.push(server.state);
    assert.deepEqual(states, ['new', 'initializing', 'running', 'stopped']);
  });

  it('a server stopped before it started runs neither preShutdown nor shutdown', async () => {
    const dir = tmp.make();
    writeRecordingPlugins(path.join(dir, 'plugins.d'), [{ name: 'Rec', taps: LIFECYCLE.map((hook) => ({ hook })) }]);
    const { server } = servers.build({ dir, config: { pluginDirs: ['./plugins.d'] } });
    await server.stop(0);
    assert.deepEqual(events(server), ['apply:Rec', 'afterPlugins:Rec']);
  });

  it('a second stop() resolves only when the first has finished', async () => {
    const slow = gate();
    const Slow = definePlugin({
      name: 'SlowShutdown',
      area: 'testing',
      apply(server) {
        server.hooks.shutdown.tapPromise({ name: 'SlowShutdown', stage: LifecycleStage.DEFAULT }, () => slow.promise);
      },
    });
    const { server } = await servers.start({ dir: tmp.make(), extraPlugins: [Slow] });
    const first = server.stop(0);
    let secondDone = false;
    const second = server.stop(0).then(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 50));
    const doneEarly = secondDone;
    slow.open();
    await Promise.all([first, second]);
    assert.deepEqual([doneEarly, server.state], [false, 'stopped']);
  });

  it('a stopped server answers 503 ServiceUnavailable', async () => {
    const { server } = await servers.start({ dir: tmp.make() });
    await server.stop(0);
    const res = await server.inject({ url: '/version' });
    assert.deepEqual([res.status, res.json<Status>().reason], [503, 'ServiceUnavailable']);
  });

  describe('/readyz and postStart hooks', () => {
    async function startWithWaiter() {
      const wait = gate();
      const { server } = servers.build({ dir: tmp.make(), extraPlugins: [waiterPlugin('Waiter', wait.promise)] });
      await server.initialize();
      const started = server.started();
      return { server, wait, started };
    }

    it('every postStart tap is a readyz check poststarthook/<name>', async () => {
      const { server, wait, started } = await startWithWaiter();
      assert.ok(server.health.names('readyz').includes('poststarthook/Waiter'));
      wait.open();
      await started;
    });

    it('/readyz?verbose shows [-]poststarthook/<name> and 500 while the tap runs', async () => {
      const { server, wait, started } = await startWithWaiter();
      const res = await server.inject({ url: '/readyz?verbose' });
      wait.open();
      await started;
      assert.equal(res.status, 500);
      assert.match(res.text(), /^\[-\]poststarthook\/Waiter\b/m);
    });

    it('/readyz is 200 once the postStart tap has resolved', async () => {
      const { server, wait, started } = await startWithWaiter();
      wait.open();
      await started;
      const res = await server.inject({ url: '/readyz?verbose' });
      assert.equal(res.status, 200);
      assert.match(res.text(), /^\[\+\]poststarthook\/Waiter ok$/m);
    });

    it('/readyz/poststarthook/<name> checks that hook alone', async () => {
      const { server, wait, started } = await startWithWaiter();
      const before = (await server.inject({ url: '/readyz/poststarthook/Waiter' })).status;
      wait.open();
      await started;
      const after = (await server.inject({ url: '/readyz/poststarthook/Waiter' })).status;
      assert.deepEqual([before, after], [500, 200]);
    });

    it('/readyz?exclude=poststarthook/<name> skips that hook', async () => {
      const { server, wait, started } = await startWithWaiter();
      const res = await server.inject({ url: '/readyz?exclude=poststarthook/Waiter' });
      wait.open();
      await started;
      assert.equal(res.status, 200);
    });

    it('a synchronous postStart tap is refused at apply', () => {
      const Sync = definePlugin({
        name: 'SyncPostStart',
        area: 'testing',
        apply(server) {
          server.hooks.postStart.tap('SyncPostStart', () => undefined);
        },
      });
      assert.throws(() => servers.build({ dir: tmp.make(), extraPlugins: [Sync] }));
    });
  });

  describe('a failed start leaves nothing half-started', () => {
    async function failedStart(extra: ReturnType<typeof definePlugin>, port: number, dir: string) {
      const loaded = writeTestConfig(dir, { apiserver: { port } });
      await assert.rejects(startK8ts({ loaded, builtins: [...builtinPlugins, extra], logger: silentLogger() }));
    }

    it('a failing postStart tap closes the listener', async () => {
      const port = await freePort();
      const Fails = definePlugin({
        name: 'Fails',
        area: 'testing',
        apply(server) {
          server.hooks.postStart.tapPromise('Fails', async () => {
            throw new Error('no');
          });
        },
      });
      await failedStart(Fails, port, tmp.make());
      assert.equal(await connects(port), false);
    });

    it('a failing initialize tap closes the listener and writes no kubeconfig', async () => {
      const port = await freePort();
      const dir = tmp.make();
      const Fails = definePlugin({
        name: 'Fails',
        area: 'testing',
        apply(server) {
          server.hooks.initialize.tapPromise('Fails', async () => {
            throw new Error('no');
          });
        },
      });
      await failedStart(Fails, port, dir);
      assert.deepEqual([await connects(port), isAbsentOrEmpty(path.join(dir, 'data', 'kubeconfig'))], [false, true]);
    });
  });
});
