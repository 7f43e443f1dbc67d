import assert from 'node:assert/strict';
import { patchSchemaFromOpenAPI } from './openapi-schema';
import { fieldMeta, ssaListKind } from './schema';
import { applyServerSide } from './server-side-apply';

const crdSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic' },
      },
    },
    status: {
      type: 'object',
      properties: {
        conditions: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          items: { type: 'object' },
        },
      },
    },
  },
};

describe('patch/openapi-schema', () => {
  it('reads list-type map with its keys and key defaults', () => {
    const s = patchSchemaFromOpenAPI(crdSchema);
    assert.deepEqual(ssaListKind(fieldMeta(s, 'spec.ports')), { type: 'map', keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } });
  });

  it('reads list-type set and map-type atomic', () => {
    const s = patchSchemaFromOpenAPI(crdSchema);
    assert.equal(ssaListKind(fieldMeta(s, 'spec.tags')).type, 'set');
    assert.equal(fieldMeta(s, 'spec.selector')?.atomic, true);
  });

  it('keeps the generic ObjectMeta entries', () => {
    const s = patchSchemaFromOpenAPI(crdSchema);
    assert.equal(ssaListKind(fieldMeta(s, 'metadata.finalizers')).type, 'set');
  });

  it('lets server-side apply own custom resource list items by key', () => {
    const r = applyServerSide({
      live: undefined,
      applied: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { ports: [{ port: 80 }], tags: ['a'] } },
      manager: 'm',
      apiVersion: 'example.com/v1',
      schema: patchSchemaFromOpenAPI(crdSchema),
      now: '2026-01-01T00:00:00Z',
    });
    assert.deepEqual(r.managedFields[0].fieldsV1, {
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } }, 'f:tags': { 'v:"a"': {} } },
    });
  });
});
