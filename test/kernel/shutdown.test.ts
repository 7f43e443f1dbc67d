import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { definePlugin } from '../../core/plugin/define';
import { HandlerStage } from '../../hooks/stages';
import { gate, httpRequest, useTestServers } from '../helpers/kernel';
import { useTmpDirs } from '../helpers/tmp';

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

function settled(p: Promise<unknown>): () => boolean {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

describe('kernel: graceful shutdown', () => {
  const tmp = useTmpDirs();
  const servers = useTestServers();

  /** GET /slow: signals `entered`, then answers 200 when `release` opens */
  function slowPlugin() {
    const entered = gate();
    const release = gate();
    const plugin = definePlugin({
      name: 'Slow',
      area: 'testing',
      apply(server) {
        server.hooks.resolveHandler.tapPromise({ name: 'Slow', stage: HandlerStage.BUILTIN }, async (ctx) => {
          if (ctx.path !== '/slow') return undefined;
          return async () => {
            entered.open();
            await release.promise;
            return { status: 200, body: 'done' };
          };
        });
      },
    });
    return { plugin, entered, release };
  }

  /** GET /api/v1/watch/things: a watch that streams one event and then waits until it is closed */
  const Watch = definePlugin({
    name: 'Watch',
    area: 'testing',
    apply(server) {
      server.hooks.resolveHandler.tapPromise({ name: 'Watch', stage: HandlerStage.BUILTIN }, async (ctx) => {
        if (ctx.path !== '/api/v1/watch/things') return undefined;
        return async () => ({
          status: 200,
          stream: (sink) =>
            new Promise<void>((resolve) => {
              sink.write('{"type":"ADDED","object":{}}\n');
              sink.onClose(resolve);
            }),
        });
      });
    },
  });

  async function startSlow() {
    const slow = slowPlugin();
    const started = await servers.start({ dir: tmp.make(), extraPlugins: [slow.plugin, Watch] });
    const request = httpRequest(started.listener.url, '/slow');
    await slow.entered.promise;
    return { ...started, ...slow, request };
  }

  it('a request in flight completes with 200 while stop() runs', async () => {
    const { server, release, request } = await startSlow();
    const stopping = server.stop(5000);
    await tick();
    release.open();
    const res = await request;
    await stopping;
    assert.deepEqual([res.status, res.body], [200, 'done']);
  });

  it('stop() waits for the request in flight', async () => {
    const { server, release, request } = await startSlow();
    const stopped = settled(server.stop(5000));
    await tick();
    const early = stopped();
    release.open();
    await request;
    await server.stop();
    assert.equal(early, false);
  });

  it('readiness fails as soon as stop() begins', async () => {
    const { server, release, request } = await startSlow();
    const stopping = server.stop(5000);
    const res = await server.inject({ url: '/readyz?verbose' });
    release.open();
    await Promise.all([request, stopping]);
    assert.equal(res.status, 500);
    assert.match(res.text(), /^\[-\]shutdown\b/m);
  });

  it('liveness still passes while the server drains', async () => {
    const { server, release, request } = await startSlow();
    const stopping = server.stop(5000);
    const res = await server.inject({ url: '/livez' });
    release.open();
    await Promise.all([request, stopping]);
    assert.equal(res.status, 200);
  });

  it('readiness fails over HTTP during preShutdown, before the listener closes', async () => {
    const hold = gate();
    const inPreShutdown = gate();
    const Delay = definePlugin({
      name: 'ShutdownDelay',
      area: 'testing',
      apply(server) {
        server.hooks.preShutdown.tapPromise('ShutdownDelay', async () => {
          inPreShutdown.open();
          await hold.promise;
        });
      },
    });
    const { server, listener } = await servers.start({ dir: tmp.make(), extraPlugins: [Delay] });
    const stopping = server.stop(5000);
    await inPreShutdown.promise;
    const res = await httpRequest(listener.url, '/readyz');
    hold.open();
    await stopping;
    assert.equal(res.status, 500);
  });

  it('new connections are refused once the listener drains', async () => {
    const { server, listener, release, request } = await startSlow();
    const stopping = server.stop(5000);
    await tick();
    const accepted = await connects(listener.port);
    release.open();
    await Promise.all([request, stopping]);
    assert.equal(accepted, false);
  });

  it('new connections are refused after stop()', async () => {
    const { server, listener } = await servers.start({ dir: tmp.make() });
    await server.stop(5000);
    assert.equal(await connects(listener.port), false);
  });

  it('a long-running request (watch) is cut and does not hold stop()', async () => {
    const { server, listener } = await servers.start({ dir: tmp.make(), extraPlugins: [Watch] });
    const ended = new Promise<string>((resolve, reject) => {
      const req = http.get(new URL('/api/v1/watch/things', listener.url), { agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
          if (body.includes('\n')) void server.stop(5000);
        });
        res.on('end', () => resolve(body));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    const body = await ended;
    await server.stop();
    assert.equal(server.state, 'stopped');
    assert.match(body, /ADDED/);
  });

  it('a request stuck past drainTimeout is cut and stop() still finishes', async () => {
    const { server, request } = await startSlow();
    await server.stop(100);
    await assert.rejects(request);
    assert.equal(server.state, 'stopped');
  });

  it('the handler of a stuck request sees its signal aborted', async () => {
    let aborted: boolean | undefined;
    const Stuck = definePlugin({
      name: 'Stuck',
      area: 'testing',
      apply(server) {
        server.hooks.resolveHandler.tapPromise({ name: 'Stuck', stage: HandlerStage.BUILTIN }, async (ctx) => {
          if (ctx.path !== '/stuck') return undefined;
          return () =>
            new Promise((resolve) =>
              ctx.signal.addEventListener('abort', () => {
                aborted = true;
                resolve({ status: 503, body: 'aborted' });
              }),
            );
        });
      },
    });
    const { server } = await servers.start({ dir: tmp.make(), extraPlugins: [Stuck] });
    const res = server.inject({ url: '/stuck' });
    await tick();
    await server.stop(100);
    await res;
    assert.equal(aborted, true);
  });

  it('an in-process (inject) request in flight is drained too', async () => {
    const slow = slowPlugin();
    const { server } = await servers.start({ dir: tmp.make(), extraPlugins: [slow.plugin] });
    const res = server.inject({ url: '/slow' });
    await slow.entered.promise;
    const stopping = server.stop(5000);
    await tick();
    slow.release.open();
    await stopping;
    assert.equal((await res).status, 200);
  });
});
