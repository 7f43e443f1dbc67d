import assert from 'node:assert/strict';
import { statusError } from '../api/status';
import type { Server } from '../server/server';
import { getApiHooks } from './registry';
import { startTestServer } from './testing';
import { TEST_GROUP, W, WIDGETS, widget } from './test-resources';
import type { AdmissionAttributes, ResourceDefinition } from './types';

/** widgets with a `poke` subresource (kind Poke) that echoes the body it received */
const POKABLE: ResourceDefinition = {
  ...WIDGETS,
  subresources: {
    ...WIDGETS.subresources,
    custom: [
      {
        name: 'poke',
        verbs: ['create'],
        kind: 'Poke',
        async handle(ctx) {
          return { status: 201, body: JSON.parse(ctx.body.toString('utf8')) };
        },
      },
    ],
  },
};

describe('registry: admission of custom subresources', () => {
  let server: Server;
  const seen: AdmissionAttributes[] = [];

  before(async () => {
    server = await startTestServer({
      resources: [POKABLE],
      setup(s) {
        const api = getApiHooks(s);
        api.mutatingAdmission.tapPromise('Test', async (attrs) => {
          seen.push(attrs);
          if (attrs.subresource === 'poke' && attrs.object) (attrs.object as Record<string, unknown>).mutated = true;
        });
        api.validatingAdmission.tapPromise('Test', async (attrs) => {
          if (attrs.subresource === 'poke' && (attrs.object as Record<string, unknown>)?.deny) throw statusError('Forbidden', 'denied by test');
        });
      },
    });
    const r = await server.inject({ method: 'POST', url: W, body: widget('w1') });
    assert.equal(r.status, 201);
  });

  after(() => server.stop(0));

  it('a subresource POST reaches mutating admission as the subresource kind', async () => {
    seen.length = 0;
    await server.inject({ method: 'POST', url: `${W}/w1/poke`, body: { apiVersion: `${TEST_GROUP}/v1`, kind: 'Poke' } });
    const attrs = seen.find((a) => a.subresource === 'poke');
    assert.deepEqual([attrs?.operation, attrs?.kind.kind, attrs?.name, attrs?.namespace], ['CREATE', 'Poke', 'w1', 'default']);
  });

  it('a mutation by admission reaches the subresource handler', async () => {
    const r = await server.inject({ method: 'POST', url: `${W}/w1/poke`, body: { kind: 'Poke' } });
    assert.equal(r.json<{ mutated?: boolean }>().mutated, true);
  });

  it('validating admission can deny a subresource write', async () => {
    const r = await server.inject({ method: 'POST', url: `${W}/w1/poke`, body: { kind: 'Poke', deny: true } });
    assert.deepEqual([r.status, r.json<{ reason: string }>().reason], [403, 'Forbidden']);
  });

  it('a DELETE reaches mutating admission with the old object', async () => {
    seen.length = 0;
    await server.inject({ method: 'POST', url: W, body: widget('w2') });
    const r = await server.inject({ method: 'DELETE', url: `${W}/w2` });
    assert.equal(r.status, 200);
    const attrs = seen.find((a) => a.operation === 'DELETE');
    assert.equal(attrs?.oldObject?.metadata.name, 'w2');
  });
});
