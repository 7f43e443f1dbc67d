/**
 * Acceptance of the schema library through the real kubectl 1.32 against `k8ts up`: bad CRDs are
 * refused at create with the reason (a CEL rule that does not compile, a non-structural schema);
 * a custom resource breaking several schema rules is refused with every cause; defaults,
 * pruning, int-or-string and a transition rule as a user sees them.
 */
import assert from 'node:assert/strict';
import { json, show, useCluster } from '../../../test/helpers/kubectl';

type Obj = Record<string, unknown>;

function crd(plural: string, spec: Obj): string {
  const kind = plural[0].toUpperCase() + plural.slice(1, -1);
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.schema.example.com` },
    spec: {
      group: 'schema.example.com',
      scope: 'Namespaced',
      names: { plural, kind },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
    },
  });
}

const GADGET_SPEC = {
  type: 'object',
  required: ['size'],
  properties: {
    size: { type: 'integer', minimum: 1, maximum: 10 },
    color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
    port: { 'x-kubernetes-int-or-string': true },
    owner: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'owner is immutable' }] },
  },
};

const gadget = (name: string, spec: Obj) => JSON.stringify({ apiVersion: 'schema.example.com/v1', kind: 'Gadget', metadata: { name, namespace: 'default' }, spec });

describe('apiextensions/schema: kubectl against k8ts up', function () {
  this.timeout(60_000);
  const c = useCluster();
  const ok = async (args: string[], stdin?: string) => {
    const r = await c.kubectl(args, { stdin });
    assert.equal(r.code, 0, show(r));
    return r;
  };

  before(async function () {
    this.timeout(60_000);
    await ok(['apply', '-f', '-'], crd('gadgets', GADGET_SPEC));
    await ok(['wait', '--for=condition=Established', 'crd/gadgets.schema.example.com', '--timeout=30s']);
  });

  it('refuses a CRD whose CEL rule does not compile, naming the rule', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { stdin: crd('brokens', { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.size >' }] }) });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /is invalid: spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value/);
  });

  it('refuses a non-structural CRD (a field without a type)', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { stdin: crd('untypeds', { type: 'object', properties: { loose: {} } }) });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /properties\[spec\]\.properties\[loose\]\.type: Required value/);
  });

  it('refuses a custom resource with every schema error listed', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { stdin: gadget('bad', { size: 11, color: 'green', port: true }) });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /spec\.size: Invalid value: 11/);
    assert.match(r.stderr, /spec\.color: Unsupported value: "green"/);
    assert.match(r.stderr, /spec\.port: Invalid value: "boolean"/);
  });

  it('defaults and prunes (kubectl apply --validate=false) and takes int-or-string', async () => {
    await ok(['apply', '--validate=false', '-f', '-'], gadget('good', { size: 2, port: 'http', extra: 'dropped' }));
    const obj = json(await ok(['get', 'gadget', 'good', '-o', 'json']));
    assert.deepEqual(obj.spec, { size: 2, port: 'http', color: 'red' });
  });

  it('enforces a transition rule on update only', async () => {
    await ok(['apply', '-f', '-'], gadget('owned', { size: 1, owner: 'alice' }));
    const r = await c.kubectl(['apply', '-f', '-'], { stdin: gadget('owned', { size: 1, owner: 'bob' }) });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /spec\.owner: Invalid value: "string": owner is immutable/);
  });
});
