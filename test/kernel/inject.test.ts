import assert from 'node:assert/strict';
import { statusError, type Status } from '../../core/api/status';
import { definePlugin } from '../../core/plugin/define';
import type { RequestInfo } from '../../core/pipeline/types';
import { FilterStage, HandlerStage, RespondedStage } from '../../hooks/stages';
import { httpRequest, useTestServers } from '../helpers/kernel';
import { useTmpDirs } from '../helpers/tmp';

/** Taps every request hook and keeps what it saw; serves a few test paths. */
function probe() {
  const seen = { filter: [] as string[], responded: [] as Array<[string, number]>, info: [] as RequestInfo[], bodies: [] as string[] };
  const plugin = definePlugin({
    name: 'Probe',
    area: 'testing',
    apply(server) {
      server.hooks.filter.tapPromise({ name: 'Probe', stage: FilterStage.AUTHORIZATION }, async (ctx) => {
        seen.filter.push(ctx.path);
        seen.info.push(ctx.requestInfo);
        if (ctx.headers['x-deny'] === 'yes') throw statusError('Forbidden', 'denied');
        return undefined;
      });
      server.hooks.responded.tap({ name: 'Probe', stage: RespondedStage.DEFAULT }, (ctx, res) => {
        seen.responded.push([ctx.path, res.status]);
      });
      server.hooks.resolveHandler.tapPromise({ name: 'Probe', stage: HandlerStage.BUILTIN }, async (ctx) => {
        switch (ctx.path) {
          case '/echo':
            return async () => {
              seen.bodies.push(`${String(ctx.headers['content-type'])} ${ctx.body.toString()}`);
              return { status: 201, body: { got: JSON.parse(ctx.body.toString() || 'null') } };
            };
          case '/conflict':
            return async () => {
              throw statusError('Conflict', 'it moved');
            };
          case '/crash':
            return async () => {
              throw new Error('bug');
            };
          case '/warn':
            return async () => {
              ctx.warnings.push('deprecated');
              return { status: 200, body: 'ok' };
            };
          case '/stream':
            return async () => ({
              status: 200,
              stream: async (sink) => {
                sink.write('a\n');
                sink.write('b\n');
              },
            });
          default:
            return undefined;
        }
      });
    },
  });
  return { plugin, seen };
}

describe('kernel: server.inject goes through the same pipeline as HTTP', () => {
  const tmp = useTmpDirs();
  const servers = useTestServers();

  async function start() {
    const p = probe();
    // no controllers, no aggregator (Local APIServices, Available conditions), no scheduler (Lease, informers),
    // no APIExtensionServer (crds/ applied at start) and no Hooks (their CRD status): their in-process
    // requests would show up in what the probe records
    const off = { disabled: ['*'] };
    const plugins = { controllers: off, aggregator: off, scheduler: off, apiextensions: off, hooks: off };
    const started = await servers.start({ dir: tmp.make(), extraPlugins: [p.plugin], config: { plugins } });
    return { ...started, seen: p.seen, url: started.listener.url };
  }

  it('the same filter taps run for inject and for HTTP', async () => {
    const { server, url, seen } = await start();
    await server.inject({ url: '/version' });
    await httpRequest(url, '/version');
    assert.deepEqual(seen.filter, ['/version', '/version']);
  });

  it('the same responded taps run for inject and for HTTP', async () => {
    const { server, url, seen } = await start();
    await server.inject({ url: '/version' });
    await httpRequest(url, '/version');
    assert.deepEqual(seen.responded, [
      ['/version', 200],
      ['/version', 200],
    ]);
  });

  it('requestInfo is parsed the same for inject and for HTTP', async () => {
    const { server, url, seen } = await start();
    const target = '/api/v1/namespaces/default/pods/web-0/log?follow=true';
    await server.inject({ url: target });
    await httpRequest(url, target);
    assert.deepEqual(seen.info[0], seen.info[1]);
    assert.deepEqual([seen.info[0].verb, seen.info[0].namespace, seen.info[0].resource, seen.info[0].name, seen.info[0].subresource], ['get', 'default', 'pods', 'web-0', 'log']);
  });

  it('a filter that refuses a request refuses it on both paths with the same Status', async () => {
    const { server, url } = await start();
    const viaInject = await server.inject({ url: '/version', headers: { 'X-Deny': 'yes' } });
    const viaHttp = await httpRequest(url, '/version', { headers: { 'X-Deny': 'yes' } });
    const a = viaInject.json<Status>();
    const b = JSON.parse(viaHttp.body) as Status;
    assert.deepEqual([viaInject.status, a.reason, viaHttp.status, b.reason], [403, 'Forbidden', 403, 'Forbidden']);
  });

  it('an unknown path is a 404 NotFound Status on both paths', async () => {
    const { server, url } = await start();
    const a = await server.inject({ url: '/nowhere' });
    const b = await httpRequest(url, '/nowhere');
    assert.deepEqual([a.status, a.json<Status>().reason, b.status, (JSON.parse(b.body) as Status).reason], [404, 'NotFound', 404, 'NotFound']);
  });

  it('a StatusError thrown by a handler becomes its Status', async () => {
    const { server } = await start();
    const res = await server.inject({ url: '/conflict' });
    assert.deepEqual([res.status, res.json<Status>().reason, res.json<Status>().kind], [409, 'Conflict', 'Status']);
  });

  it('any other error thrown by a handler becomes a 500 InternalError Status', async () => {
    const { server, url } = await start();
    const a = await server.inject({ url: '/crash' });
    const b = await httpRequest(url, '/crash');
    assert.deepEqual([a.status, a.json<Status>().reason, b.status, (JSON.parse(b.body) as Status).reason], [500, 'InternalError', 500, 'InternalError']);
  });

  it('an object body is sent as JSON with its content type', async () => {
    const { server, seen } = await start();
    const res = await server.inject({ method: 'POST', url: '/echo', body: { a: 1 } });
    assert.deepEqual([res.status, res.json(), seen.bodies], [201, { got: { a: 1 } }, ['application/json {"a":1}']]);
  });

  it('warnings become Warning headers on both paths', async () => {
    const { server, url } = await start();
    const a = await server.inject({ url: '/warn' });
    const b = await httpRequest(url, '/warn');
    assert.deepEqual([a.headers.warning, b.headers.warning], [['299 - "deprecated"'], '299 - "deprecated"']);
  });

  it('a streamed response is collected by inject', async () => {
    const { server } = await start();
    const res = await server.inject({ url: '/stream' });
    assert.equal(res.text(), 'a\nb\n');
  });

  it('a streamed response is delivered chunk by chunk to onChunk', async () => {
    const { server } = await start();
    const chunks: string[] = [];
    await server.inject({ url: '/stream', onChunk: (c) => chunks.push(c.toString()) });
    assert.deepEqual(chunks, ['a\n', 'b\n']);
  });
});
