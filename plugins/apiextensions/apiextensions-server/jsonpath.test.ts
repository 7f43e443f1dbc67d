import assert from 'node:assert/strict';
import { evalJsonPath, parseJsonPath } from './jsonpath';

const obj = {
  metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: { replicas: 3, ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] },
  status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] },
};

describe('apiextensions/APIExtensionServer: printer column JSONPath', () => {
  it('follows fields, with or without braces and the leading dot', () => {
    assert.deepEqual(evalJsonPath(obj, '.spec.replicas'), [3]);
    assert.deepEqual(evalJsonPath(obj, '{.metadata.name}'), ['x']);
    assert.deepEqual(evalJsonPath(obj, 'spec.replicas'), [3]);
  });

  it('indexes lists (negative from the end), expands [*] and quoted keys with dots', () => {
    assert.deepEqual(evalJsonPath(obj, '.spec.ports[0].port'), [80]);
    assert.deepEqual(evalJsonPath(obj, '.spec.ports[-1].name'), ['https']);
    assert.deepEqual(evalJsonPath(obj, '.spec.ports[*].port'), [80, 443]);
    assert.deepEqual(evalJsonPath(obj, ".metadata.labels['app.kubernetes.io/name']"), ['web']);
  });

  it('filters list items with == and !=', () => {
    assert.deepEqual(evalJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status'), ['True']);
    assert.deepEqual(evalJsonPath(obj, ".status.conditions[?(@.type!='Ready')].type"), ['Synced']);
  });

  it('selects nothing for a missing path and refuses recursive descent', () => {
    assert.deepEqual(evalJsonPath(obj, '.spec.missing.deeper'), []);
    assert.throws(() => parseJsonPath('..name'));
  });
});
