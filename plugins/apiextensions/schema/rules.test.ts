import assert from 'node:assert/strict';
import type { FieldError, KObject } from '../../../core/registry/types';
import { schemaFor, type CustomResourceDefinition } from '.';

type Obj = Record<string, any>;
let uidSeq = 0;

function schemaOf(spec: Obj) {
  const crd: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', uid: `rules-${++uidSeq}`, resourceVersion: '1' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
    },
  };
  return schemaFor(crd, 'v1');
}

const widget = (spec: unknown, name = 'w'): KObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'default' }, spec });
const pairs = (errors: FieldError[]) => errors.map((e) => [e.field, e.type]);

describe('apiextensions/schema: x-kubernetes-validations (CEL)', () => {
  const minMax = schemaOf({
    type: 'object',
    properties: { min: { type: 'integer' }, max: { type: 'integer' } },
    'x-kubernetes-validations': [{ rule: 'self.min <= self.max', message: 'min must not exceed max' }],
  });

  it('passes when the rule holds', () => {
    assert.deepEqual(minMax.validate(widget({ min: 1, max: 2 })), []);
  });

  it('fails with FieldValueInvalid at the node and the rule message', () => {
    const errors = minMax.validate(widget({ min: 3, max: 2 }));
    assert.deepEqual(pairs(errors), [['spec', 'FieldValueInvalid']]);
    assert.match(errors[0].message, /min must not exceed max/);
  });

  it('says "failed rule: <rule>" when the rule has no message', () => {
    const s = schemaOf({ type: 'object', properties: { n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0' }] } } });
    const errors = s.validate(widget({ n: 0 }));
    assert.deepEqual(pairs(errors), [['spec.n', 'FieldValueInvalid']]);
    assert.match(errors[0].message, /failed rule: self > 0/);
  });

  it('uses messageExpression, evaluated with self', () => {
    const s = schemaOf({
      type: 'object',
      properties: { n: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'self.n < 5', message: 'static', messageExpression: "'n is ' + string(self.n) + ', at most 4'" }],
    });
    const errors = s.validate(widget({ n: 7 }));
    assert.match(errors[0].message, /n is 7, at most 4/);
  });

  it('falls back to message when messageExpression fails', () => {
    const s = schemaOf({
      type: 'object',
      properties: { n: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'self.n < 5', message: 'static message', messageExpression: 'self.missing.deeper' }],
    });
    assert.match(s.validate(widget({ n: 7 }))[0].message, /static message/);
  });

  it('reports with the rule reason at the node path plus fieldPath', () => {
    const s = schemaOf({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      'x-kubernetes-validations': [
        { rule: "!has(self.b) || self.a == ''", reason: 'FieldValueForbidden', fieldPath: '.b', message: 'b needs an empty a' },
        { rule: 'has(self.a)', reason: 'FieldValueRequired', fieldPath: '.a', message: 'a is required' },
      ],
    });
    assert.deepEqual(pairs(s.validate(widget({ a: 'x', b: 'y' }))), [['spec.b', 'FieldValueForbidden']]);
    assert.deepEqual(pairs(s.validate(widget({}))), [['spec.a', 'FieldValueRequired']]);
  });

  it('evaluates rules on every item of an array and every value of a map', () => {
    const positive = { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0' }] };
    const s = schemaOf({ type: 'object', properties: { l: { type: 'array', items: positive }, m: { type: 'object', additionalProperties: positive } } });
    assert.deepEqual(pairs(s.validate(widget({ l: [1, -1], m: { a: 0, b: 2 } }))), [
      ['spec.l[1]', 'FieldValueInvalid'],
      ['spec.m.a', 'FieldValueInvalid'],
    ]);
  });

  it('types self by the schema: number fields are doubles, date-time strings timestamps', () => {
    const s = schemaOf({
      type: 'object',
      properties: { ratio: { type: 'number' }, at: { type: 'string', format: 'date-time' } },
      'x-kubernetes-validations': [{ rule: 'self.ratio > 0.5' }, { rule: "self.at < timestamp('2030-01-01T00:00:00Z')" }],
    });
    assert.deepEqual(s.validate(widget({ ratio: 1, at: '2024-05-01T10:00:00Z' })), []);
    assert.equal(s.validate(widget({ ratio: 0.25, at: '2031-05-01T10:00:00Z' })).length, 2);
  });

  it('sees metadata.name at the root', () => {
    const crd: CustomResourceDefinition = {
      metadata: { name: 'widgets.example.com', uid: `rules-${++uidSeq}`, resourceVersion: '1' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('w-')" }] } } }],
      },
    };
    const s = schemaFor(crd, 'v1');
    assert.deepEqual(s.validate(widget({}, 'w-1')), []);
    assert.deepEqual(pairs(s.validate(widget({}, 'x-1'))), [['', 'FieldValueInvalid']]);
  });

  it('offers the Kubernetes list and string library (isSorted, sum, indexOf, charAt, replace)', () => {
    const s = schemaOf({
      type: 'object',
      properties: { l: { type: 'array', items: { type: 'integer' } }, s: { type: 'string' } },
      'x-kubernetes-validations': [{ rule: 'self.l.isSorted() && self.l.sum() < 10 && self.l.indexOf(2) == 1' }, { rule: "self.s.charAt(0) == 'a' && self.s.replace('-', '') == 'abc'" }],
    });
    assert.deepEqual(s.validate(widget({ l: [1, 2, 3], s: 'a-bc' })), []);
    assert.equal(s.validate(widget({ l: [3, 2, 1], s: 'b-bc' })).length, 2);
  });

  it('escapes property names that are not CEL identifiers as Kubernetes does (foo-bar -> foo__dash__bar)', () => {
    const s = schemaOf({
      type: 'object',
      properties: { 'max-size': { type: 'integer' }, 'x.y': { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'self.max__dash__size > self.x__dot__y' }],
    });
    assert.deepEqual(s.validate(widget({ 'max-size': 2, 'x.y': 1 })), []);
    assert.equal(s.validate(widget({ 'max-size': 1, 'x.y': 2 })).length, 1);
  });

  it('stops with one error when the request budget is spent', () => {
    const errors = minMax.validate(widget({ min: 1, max: 2 }), undefined, { deadline: Date.now() - 1 });
    assert.deepEqual(pairs(errors), [['spec', 'FieldValueInvalid']]);
    assert.match(errors[0].message, /running out of cost budget/);
  });

  it('skips rules when the object has type errors, saying so', () => {
    const errors = minMax.validate(widget({ min: 'one', max: 2 }));
    assert.deepEqual(pairs(errors), [
      ['spec.min', 'FieldValueTypeInvalid'],
      ['', 'FieldValueInvalid'],
    ]);
  });

  it('reports a rule that fails to evaluate as FieldValueInvalid', () => {
    const s = schemaOf({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.absent == 1' }] });
    assert.deepEqual(pairs(s.validate(widget({}))), [['spec', 'FieldValueInvalid']]);
  });

  describe('transition rules (oldSelf)', () => {
    const immutable = schemaOf({
      type: 'object',
      properties: { name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'name is immutable' }] } },
    });

    it('are not evaluated on create', () => {
      assert.deepEqual(immutable.validate(widget({ name: 'a' })), []);
    });

    it('are evaluated on update against the old value', () => {
      assert.deepEqual(immutable.validate(widget({ name: 'a' }), widget({ name: 'a' })), []);
      assert.deepEqual(pairs(immutable.validate(widget({ name: 'b' }), widget({ name: 'a' }))), [['spec.name', 'FieldValueInvalid']]);
    });

    it('are not evaluated when the old object had no value there', () => {
      assert.deepEqual(immutable.validate(widget({ name: 'b' }), widget({})), []);
    });

    it('correlate items of a list-type map by key', () => {
      const s = schemaOf({
        type: 'object',
        properties: {
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              required: ['name'],
              properties: { name: { type: 'string' }, port: { type: 'integer' } },
              'x-kubernetes-validations': [{ rule: 'self.port >= oldSelf.port', message: 'ports only grow' }],
            },
          },
        },
      });
      const old = widget({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 90 }] });
      assert.deepEqual(s.validate(widget({ ports: [{ name: 'b', port: 91 }, { name: 'a', port: 80 }, { name: 'c', port: 1 }] }), old), []);
      assert.deepEqual(pairs(s.validate(widget({ ports: [{ name: 'b', port: 10 }] }), old)), [['spec.ports[0]', 'FieldValueInvalid']]);
    });
  });
});
