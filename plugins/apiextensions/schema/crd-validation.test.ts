import assert from 'node:assert/strict';
import type { FieldError } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import CustomResourceDefinition from '../../resources/apiextensions/customresourcedefinitions';
import { api, startWithPlugins } from '../../resources/shared/groups-testing';
import { validateCustomResourceDefinition, type CustomResourceDefinition as CRD } from '.';

type Obj = Record<string, any>;
const ROOT = 'spec.versions[0].schema.openAPIV3Schema';

function crd(openAPIV3Schema: Obj, version: Obj = {}, spec: Obj = {}): CRD {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema }, ...version }],
      conversion: { strategy: 'None' },
      ...spec,
    },
  } as CRD;
}

const withSpec = (properties: Obj, extra: Obj = {}) => ({ type: 'object', properties: { spec: { type: 'object', properties, ...extra } } });
const check = (c: CRD) => validateCustomResourceDefinition(c);
const typeAt = (errors: FieldError[], field: string) => errors.find((e) => e.field === field)?.type;
const SPEC = `${ROOT}.properties[spec]`;

describe('apiextensions/schema: validating CRDs', () => {
  it('accepts a structural schema using every extension', () => {
    const schema = withSpec({
      replicas: { type: 'integer', default: 1, minimum: 0 },
      port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
      template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      labels: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' },
      tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
      },
      mode: { type: 'string', enum: ['A', 'B'], default: 'A', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable' }] },
    });
    (schema.properties as Obj).metadata = { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } };
    const errors = check(crd(schema, { selectableFields: [{ jsonPath: '.spec.mode' }], additionalPrinterColumns: [{ name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' }] }));
    assert.deepEqual(errors, []);
  });

  it('refuses an array without items type (not structural)', () => {
    const errors = check(crd(withSpec({ l: { type: 'array', items: {} } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[l].items.type`), 'FieldValueRequired');
  });

  it('refuses properties together with additionalProperties', () => {
    const errors = check(crd(withSpec({ m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[m].additionalProperties`), 'FieldValueForbidden');
  });

  it('refuses type, default and x-kubernetes-* inside anyOf/allOf/oneOf/not', () => {
    const errors = check(crd(withSpec({ a: { type: 'string', anyOf: [{ type: 'string', default: 'x' }], not: { 'x-kubernetes-int-or-string': true } } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[a].anyOf[0].type`), 'FieldValueForbidden');
    assert.equal(typeAt(errors, `${SPEC}.properties[a].anyOf[0].default`), 'FieldValueForbidden');
    assert.equal(typeAt(errors, `${SPEC}.properties[a].not.x-kubernetes-int-or-string`), 'FieldValueForbidden');
  });

  it('refuses properties in a value validation the structural part does not specify', () => {
    const errors = check(crd(withSpec({ a: { type: 'string' } }, { oneOf: [{ required: ['a'] }, { properties: { b: { minLength: 1 } } }] })));
    assert.equal(typeAt(errors, `${SPEC}.oneOf[1].properties[b]`), 'FieldValueForbidden');
  });

  it('refuses metadata at the root that restricts more than name and generateName', () => {
    const errors = check(crd({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }));
    assert.equal(typeAt(errors, `${ROOT}.properties[metadata]`), 'FieldValueForbidden');
  });

  it('refuses $ref, uniqueItems and a pattern that does not compile', () => {
    const errors = check(crd(withSpec({ a: { type: 'string', $ref: '#/x', pattern: '([a-z' }, l: { type: 'array', uniqueItems: true, items: { type: 'string' } } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[a].$ref`), 'FieldValueForbidden');
    assert.equal(typeAt(errors, `${SPEC}.properties[a].pattern`), 'FieldValueInvalid');
    assert.equal(typeAt(errors, `${SPEC}.properties[l].uniqueItems`), 'FieldValueForbidden');
  });

  it('refuses patterns RE2 does not support (lookahead, backreference)', () => {
    const errors = check(crd(withSpec({ a: { type: 'string', pattern: '^(?!x)' }, b: { type: 'string', pattern: '(a)\\1' } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[a].pattern`), 'FieldValueInvalid');
    assert.equal(typeAt(errors, `${SPEC}.properties[b].pattern`), 'FieldValueInvalid');
  });

  it('refuses a type on an x-kubernetes-int-or-string node and an embedded resource that is not an object', () => {
    const errors = check(crd(withSpec({ p: { type: 'string', 'x-kubernetes-int-or-string': true }, e: { type: 'string', 'x-kubernetes-embedded-resource': true } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[p].type`), 'FieldValueInvalid');
    assert.equal(typeAt(errors, `${SPEC}.properties[e].type`), 'FieldValueInvalid');
  });

  it('refuses a list-type map without keys, keys that are not required or defaulted, and list-type on a non-array', () => {
    const item = { type: 'object', properties: { name: { type: 'string' } } };
    const errors = check(
      crd(
        withSpec({
          a: { type: 'array', 'x-kubernetes-list-type': 'map', items: item },
          b: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: item },
          c: { type: 'string', 'x-kubernetes-list-type': 'set' },
          d: { type: 'array', 'x-kubernetes-list-type': 'bag', items: { type: 'string' } },
        }),
      ),
    );
    assert.equal(typeAt(errors, `${SPEC}.properties[a].x-kubernetes-list-map-keys`), 'FieldValueRequired');
    assert.equal(typeAt(errors, `${SPEC}.properties[b].items.required`), 'FieldValueRequired');
    assert.equal(typeAt(errors, `${SPEC}.properties[c].type`), 'FieldValueInvalid');
    assert.equal(typeAt(errors, `${SPEC}.properties[d].x-kubernetes-list-type`), 'FieldValueNotSupported');
  });

  it('refuses a default of the wrong type and a default with unknown fields', () => {
    const errors = check(crd(withSpec({ n: { type: 'integer', default: 'one' }, o: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 1 } } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[n].default`), 'FieldValueTypeInvalid');
    assert.equal(typeAt(errors, `${SPEC}.properties[o].default`), 'FieldValueInvalid');
  });

  it('refuses a default that breaks a validation of its node', () => {
    const errors = check(crd(withSpec({ n: { type: 'integer', maximum: 5, default: 9 } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[n].default`), 'FieldValueInvalid');
  });

  it('refuses a CEL rule that does not compile, with the compile error', () => {
    const errors = check(crd(withSpec({}, { 'x-kubernetes-validations': [{ rule: 'self.a ==' }] })));
    assert.equal(typeAt(errors, `${SPEC}.x-kubernetes-validations[0].rule`), 'FieldValueInvalid');
    assert.match(errors[0].message, /compilation failed/);
  });

  it('refuses a CEL rule calling a function that does not exist', () => {
    const errors = check(crd(withSpec({ a: { type: 'string' } }, { 'x-kubernetes-validations': [{ rule: 'self.a.noSuchFunction()' }] })));
    assert.equal(typeAt(errors, `${SPEC}.x-kubernetes-validations[0].rule`), 'FieldValueInvalid');
  });

  it('refuses a rule that is not a bool and a messageExpression that is not a string', () => {
    const errors = check(crd(withSpec({ n: { type: 'integer' } }, { 'x-kubernetes-validations': [{ rule: 'self.n + 1', messageExpression: 'size(self)' }] })));
    const at = `${SPEC}.x-kubernetes-validations[0]`;
    assert.equal(typeAt(errors, `${at}.rule`), 'FieldValueInvalid');
    assert.equal(typeAt(errors, `${at}.messageExpression`), 'FieldValueInvalid');
  });

  it('refuses a rule nesting iterations over unbounded lists (estimated cost), and allows it with maxItems', () => {
    const rule = { rule: 'self.a.all(x, self.b.exists(y, y == x))' };
    const unbounded = check(crd(withSpec({ a: { type: 'array', items: { type: 'string' } }, b: { type: 'array', items: { type: 'string' } } }, { 'x-kubernetes-validations': [rule] })));
    assert.equal(typeAt(unbounded, `${SPEC}.x-kubernetes-validations[0].rule`), 'FieldValueForbidden');
    const bounded = check(crd(withSpec({ a: { type: 'array', maxItems: 100, items: { type: 'string' } }, b: { type: 'array', maxItems: 100, items: { type: 'string' } } }, { 'x-kubernetes-validations': [rule] })));
    assert.deepEqual(bounded, []);
  });

  it('allows a single iteration over an unbounded list', () => {
    assert.deepEqual(check(crd(withSpec({ a: { type: 'array', items: { type: 'string' } } }, { 'x-kubernetes-validations': [{ rule: "self.a.all(x, x != '')" }] }))), []);
  });

  it('refuses a messageExpression that does not compile, an unknown reason and a fieldPath to nowhere', () => {
    const errors = check(crd(withSpec({ a: { type: 'string' } }, { 'x-kubernetes-validations': [{ rule: 'true', messageExpression: "'x' +", reason: 'Oops', fieldPath: '.b' }] })));
    const at = `${SPEC}.x-kubernetes-validations[0]`;
    assert.equal(typeAt(errors, `${at}.messageExpression`), 'FieldValueInvalid');
    assert.equal(typeAt(errors, `${at}.reason`), 'FieldValueNotSupported');
    assert.equal(typeAt(errors, `${at}.fieldPath`), 'FieldValueInvalid');
  });

  it('refuses oldSelf where the node cannot be correlated (items of a set or atomic list)', () => {
    const errors = check(crd(withSpec({ l: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] } } })));
    assert.equal(typeAt(errors, `${SPEC}.properties[l].items.x-kubernetes-validations[0].rule`), 'FieldValueInvalid');
  });

  it('refuses selectableFields that are not scalar fields, and duplicates', () => {
    const errors = check(crd(withSpec({ o: { type: 'object' }, s: { type: 'string' } }), { selectableFields: [{ jsonPath: '.spec.o' }, { jsonPath: '.spec.s' }, { jsonPath: '.spec.s' }, { jsonPath: '.spec.none' }] }));
    assert.equal(typeAt(errors, 'spec.versions[0].selectableFields[0].jsonPath'), 'FieldValueInvalid');
    assert.equal(typeAt(errors, 'spec.versions[0].selectableFields[2].jsonPath'), 'FieldValueDuplicate');
    assert.equal(typeAt(errors, 'spec.versions[0].selectableFields[3].jsonPath'), 'FieldValueInvalid');
    assert.equal(typeAt(errors, 'spec.versions[0].selectableFields[1].jsonPath'), undefined);
  });

  it('refuses a printer column JSONPath that does not parse', () => {
    const errors = check(crd(withSpec({}), { additionalPrinterColumns: [{ name: 'X', type: 'string', jsonPath: '.spec.items[0' }] }));
    assert.equal(typeAt(errors, 'spec.versions[0].additionalPrinterColumns[0].JSONPath'), 'FieldValueInvalid');
  });

  describe('through the API (CustomResourceDefinition plugin)', () => {
    let server: Server;
    const URL = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    beforeEach(async () => {
      server = await startWithPlugins([CustomResourceDefinition]);
    });
    afterEach(() => server.stop());

    it('answers 422 Invalid for a CEL rule that does not compile, the rule as the cause', async () => {
      const r = await api(server).call('POST', URL, crd(withSpec({}, { 'x-kubernetes-validations': [{ rule: 'self.a ==' }] })));
      const s = r.json<Obj>();
      assert.equal(r.status, 422);
      assert.equal(s.reason, 'Invalid');
      assert.deepEqual(s.details.causes.map((c: Obj) => [c.field, c.reason]), [[`${SPEC}.x-kubernetes-validations[0].rule`, 'FieldValueInvalid']]);
    });

    it('answers 422 Invalid for a non-structural schema', async () => {
      const r = await api(server).call('POST', URL, crd(withSpec({ x: {} })));
      assert.equal(r.status, 422);
      assert.deepEqual(r.json<Obj>().details.causes.map((c: Obj) => c.field), [`${SPEC}.properties[x].type`]);
    });

    it('refuses an update that adds a rule that does not compile', async () => {
      const created = await api(server).create(URL, crd(withSpec({ a: { type: 'string' } })));
      created.spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'] = [{ rule: 'self.a.' }];
      const r = await api(server).call('PUT', `${URL}/widgets.example.com`, created);
      assert.equal(r.status, 422);
    });
  });
});
