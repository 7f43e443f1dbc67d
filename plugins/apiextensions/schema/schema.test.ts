import assert from 'node:assert/strict';
import type { FieldError, KObject } from '../../../core/registry/types';
import { compiledCount, schemaFor, type CustomResourceDefinition } from '.';

type Obj = Record<string, any>;
let uidSeq = 0;

function crdWith(openAPIV3Schema: Obj, extra: Obj = {}): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', uid: `uid-${++uidSeq}`, resourceVersion: '1' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }],
      ...extra,
    },
  };
}

const specSchema = (properties: Obj, extra: Obj = {}) => ({ type: 'object', properties: { spec: { type: 'object', properties, ...extra } } });
const widget = (spec: unknown, extra: Obj = {}): KObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec, ...extra });
const on = (errors: FieldError[], field: string) => errors.filter((e) => e.field === field).map((e) => e.type);

describe('apiextensions/schema: pruning', () => {
  it('drops fields the schema does not specify and returns their paths', () => {
    const s = schemaFor(crdWith(specSchema({ a: { type: 'string' }, o: { type: 'object', properties: { x: { type: 'integer' } } } })), 'v1');
    const obj = widget({ a: 'x', b: 1, o: { x: 1, y: 2 } });
    assert.deepEqual(s.prune(obj).sort(), ['spec.b', 'spec.o.y']);
    assert.deepEqual(obj.spec, { a: 'x', o: { x: 1 } });
  });

  it('keeps apiVersion, kind and metadata at the root', () => {
    const s = schemaFor(crdWith(specSchema({})), 'v1');
    const obj = widget({}, { status: { x: 1 } });
    assert.deepEqual(s.prune(obj), ['status']);
    assert.deepEqual(Object.keys(obj).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.equal(obj.metadata.name, 'w');
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields, still pruning specified children', () => {
    const s = schemaFor(crdWith(specSchema({ known: { type: 'object', properties: { a: { type: 'string' } } } }, { 'x-kubernetes-preserve-unknown-fields': true })), 'v1');
    const obj = widget({ anything: { deep: true }, known: { a: 'x', b: 2 } });
    assert.deepEqual(s.prune(obj), ['spec.known.b']);
    assert.deepEqual(obj.spec, { anything: { deep: true }, known: { a: 'x' } });
  });

  it('prunes inside array items and additionalProperties values', () => {
    const item = { type: 'object', properties: { name: { type: 'string' } } };
    const s = schemaFor(crdWith(specSchema({ list: { type: 'array', items: item }, map: { type: 'object', additionalProperties: item } })), 'v1');
    const obj = widget({ list: [{ name: 'a', bad: 1 }], map: { k: { name: 'b', bad: 2 } } });
    assert.deepEqual(s.prune(obj).sort(), ['spec.list[0].bad', 'spec.map.k.bad']);
  });

  it('keeps apiVersion/kind/metadata of an x-kubernetes-embedded-resource and prunes its metadata to ObjectMeta', () => {
    const embedded = { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } };
    const s = schemaFor(crdWith(specSchema({ template: embedded })), 'v1');
    const obj = widget({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' }, junk: 1 }, spec: { n: 1, m: 2 } } });
    assert.deepEqual(s.prune(obj).sort(), ['spec.template.metadata.junk', 'spec.template.spec.m']);
    assert.deepEqual((obj.spec as Obj).template, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { n: 1 } });
  });
});

describe('apiextensions/schema: defaulting', () => {
  it('fills absent fields, nested defaults inside a defaulted object, and array items', () => {
    const s = schemaFor(
      crdWith(
        specSchema({
          replicas: { type: 'integer', default: 1 },
          tls: { type: 'object', default: {}, properties: { enabled: { type: 'boolean', default: false } } },
          ports: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, protocol: { type: 'string', default: 'TCP' } } } },
        }),
      ),
      'v1',
    );
    const obj = widget({ ports: [{ name: 'a' }, { name: 'b', protocol: 'UDP' }] });
    s.applyDefaults(obj);
    assert.deepEqual(obj.spec, { replicas: 1, tls: { enabled: false }, ports: [{ name: 'a', protocol: 'TCP' }, { name: 'b', protocol: 'UDP' }] });
  });

  it('replaces a null in a non-nullable field by its default and drops it without one; nullable nulls stay', () => {
    const s = schemaFor(crdWith(specSchema({ a: { type: 'string', default: 'd' }, b: { type: 'string' }, c: { type: 'string', nullable: true, default: 'x' } })), 'v1');
    const obj = widget({ a: null, b: null, c: null });
    s.applyDefaults(obj);
    assert.deepEqual(obj.spec, { a: 'd', c: null });
  });

  it('does not copy a default object by reference (two objects do not share it)', () => {
    const s = schemaFor(crdWith(specSchema({ o: { type: 'object', default: { k: 'v' }, properties: { k: { type: 'string' } } } })), 'v1');
    const a = widget({});
    const b = widget({});
    s.applyDefaults(a);
    s.applyDefaults(b);
    ((a.spec as Obj).o as Obj).k = 'changed';
    assert.equal(((b.spec as Obj).o as Obj).k, 'v');
  });
});

describe('apiextensions/schema: validation', () => {
  const s = () =>
    schemaFor(
      crdWith(
        specSchema(
          {
            replicas: { type: 'integer', minimum: 0, maximum: 10 },
            mode: { type: 'string', enum: ['A', 'B'] },
            name: { type: 'string', maxLength: 5, pattern: '^[a-z]+$' },
            when: { type: 'string', format: 'date-time' },
            port: { 'x-kubernetes-int-or-string': true },
            tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
          },
          { required: ['replicas'] },
        ),
      ),
      'v1',
    );

  it('accepts a valid object', () => {
    assert.deepEqual(s().validate(widget({ replicas: 3, mode: 'A', name: 'abc', when: '2024-01-01T00:00:00Z', port: 'http', tags: ['x'] })), []);
  });

  it('reports every error at once with Kubernetes reasons', () => {
    const errors = s().validate(widget({ replicas: 11, mode: 'C', name: 'ABCDEFG', when: 'yesterday', tags: ['a', 'b', 'c'] }));
    assert.deepEqual(on(errors, 'spec.replicas'), ['FieldValueInvalid']);
    assert.deepEqual(on(errors, 'spec.mode'), ['FieldValueNotSupported']);
    assert.deepEqual(on(errors, 'spec.name').sort(), ['FieldValueInvalid', 'FieldValueTooLong']);
    assert.deepEqual(on(errors, 'spec.when'), ['FieldValueInvalid']);
    assert.deepEqual(on(errors, 'spec.tags'), ['FieldValueTooMany']);
  });

  it('reports a wrong type as FieldValueTypeInvalid and a missing required field as FieldValueRequired', () => {
    const errors = s().validate(widget({ mode: 1 }));
    assert.deepEqual(on(errors, 'spec.mode'), ['FieldValueTypeInvalid']);
    assert.deepEqual(on(errors, 'spec.replicas'), ['FieldValueRequired']);
  });

  it('takes an integer or a string for x-kubernetes-int-or-string, nothing else', () => {
    assert.deepEqual(s().validate(widget({ replicas: 1, port: 8080 })), []);
    assert.deepEqual(on(s().validate(widget({ replicas: 1, port: true })), 'spec.port'), ['FieldValueTypeInvalid']);
    assert.deepEqual(on(s().validate(widget({ replicas: 1, port: 1.5 })), 'spec.port'), ['FieldValueTypeInvalid']);
  });

  it('reports duplicates in a list-type set and in a list-type map by its keys', () => {
    const v = schemaFor(
      crdWith(
        specSchema({
          set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name', 'protocol'],
            items: { type: 'object', required: ['name', 'protocol'], properties: { name: { type: 'string' }, protocol: { type: 'string' }, port: { type: 'integer' } } },
          },
        }),
      ),
      'v1',
    );
    const errors = v.validate(
      widget({
        set: ['a', 'b', 'a'],
        ports: [
          { name: 'http', protocol: 'TCP', port: 80 },
          { name: 'http', protocol: 'UDP', port: 80 },
          { name: 'http', protocol: 'TCP', port: 81 },
        ],
      }),
    );
    assert.deepEqual(
      errors.map((e) => [e.field, e.type]),
      [
        ['spec.set[2]', 'FieldValueDuplicate'],
        ['spec.ports[2]', 'FieldValueDuplicate'],
      ],
    );
  });

  it('reads RE2 patterns: (?i) flags, POSIX classes, \\A and \\z anchors', () => {
    const v = schemaFor(crdWith(specSchema({ a: { type: 'string', pattern: '(?i)^abc$' }, b: { type: 'string', pattern: '\\A[[:digit:]]+\\z' } })), 'v1');
    assert.deepEqual(v.validate(widget({ a: 'ABC', b: '123' })), []);
    assert.deepEqual(on(v.validate(widget({ a: 'abd', b: '12x' })), 'spec.a'), ['FieldValueInvalid']);
    assert.deepEqual(on(v.validate(widget({ b: '12x' })), 'spec.b'), ['FieldValueInvalid']);
  });

  it('checks the formats Kubernetes knows', () => {
    const formats = ['uuid', 'ipv4', 'ipv6', 'cidr', 'mac', 'date', 'byte', 'hostname', 'duration', 'int32'];
    const v = schemaFor(crdWith(specSchema(Object.fromEntries(formats.map((f) => [f, { type: f === 'int32' ? 'integer' : 'string', format: f }])))), 'v1');
    const good = { uuid: '123e4567-e89b-12d3-a456-426614174000', ipv4: '10.0.0.1', ipv6: 'fd00::1', cidr: '10.0.0.0/8', mac: '00:1a:2b:3c:4d:5e', date: '2024-02-29', byte: 'aGVsbG8=', hostname: 'a.example.com', duration: '1h30m', int32: 7 };
    const bad = { uuid: 'x', ipv4: '10.0.0.256', ipv6: 'fd00:::1', cidr: '10.0.0.0/33', mac: '00:1a', date: '2024-13-01', byte: 'a', hostname: '-a', duration: '5 minutes', int32: 2 ** 31 };
    assert.deepEqual(v.validate(widget(good)), []);
    assert.deepEqual(v.validate(widget(bad)).map((e) => e.field).sort(), formats.map((f) => `spec.${f}`).sort());
  });

  it('validates nullable fields: null allowed only when nullable', () => {
    const v = schemaFor(crdWith(specSchema({ a: { type: 'string', nullable: true, enum: ['x'] }, b: { type: 'string' } })), 'v1');
    assert.deepEqual(v.validate(widget({ a: null })), []);
    assert.deepEqual(on(v.validate(widget({ b: null })), 'spec.b'), ['FieldValueTypeInvalid']);
  });

  it('requires apiVersion and kind in an embedded resource', () => {
    const v = schemaFor(crdWith(specSchema({ t: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } })), 'v1');
    assert.deepEqual(v.validate(widget({ t: { apiVersion: 'v1', kind: 'Pod' } })), []);
    assert.deepEqual(on(v.validate(widget({ t: {} })), 'spec.t.kind'), ['FieldValueRequired']);
  });

  it('validates the labels and namespace of an embedded resource\'s metadata', () => {
    const v = schemaFor(crdWith(specSchema({ t: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } })), 'v1');
    assert.deepEqual(v.validate(widget({ t: { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ok', labels: { app: 'x' } } } })), []);
    const errors = v.validate(widget({ t: { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'Not_OK', labels: { 'bad key!': 'x' } } } }));
    assert.deepEqual(errors.map((e) => [e.field, e.type]), [
      ['spec.t.metadata.namespace', 'FieldValueInvalid'],
      ['spec.t.metadata.labels', 'FieldValueInvalid'],
    ]);
  });

  it('answers an InternalError field error, not a crash, for a stored schema that does not compile', () => {
    const v = schemaFor(crdWith(specSchema({ a: { type: 'string', pattern: '([a-z' } })), 'v1');
    assert.deepEqual(v.validate(widget({ a: 'x' })).map((e) => e.type), ['InternalError']);
  });

  it('compiles once per CRD resourceVersion and version, and again after a change', () => {
    const crd = crdWith(specSchema({ a: { type: 'string' } }));
    const before = compiledCount();
    const first = schemaFor(crd, 'v1');
    assert.equal(schemaFor(crd, 'v1'), first);
    assert.equal(compiledCount(), before + 1);
    const changed = { ...crd, metadata: { ...crd.metadata, resourceVersion: '2' } };
    assert.notEqual(schemaFor(changed, 'v1'), first);
    assert.equal(compiledCount(), before + 2);
  });

  it('publishes the schema with apiVersion, kind, an ObjectMeta reference and the group-version-kind', () => {
    const published = schemaFor(crdWith(specSchema({ a: { type: 'string', description: 'the a' } })), 'v1').openAPISchema() as Obj;
    assert.deepEqual(Object.keys(published.properties).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.equal(published.properties.metadata.allOf[0].$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.equal(published.properties.spec.properties.a.description, 'the a');
    assert.deepEqual(published['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
  });
});

describe('apiextensions/schema: validation ratcheting on update', () => {
  const item = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', maximum: 100 } } };
  const s = () =>
    schemaFor(
      crdWith(
        specSchema(
          {
            size: { type: 'integer', maximum: 10 },
            note: { type: 'string' },
            ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: item },
            atomic: { type: 'array', items: { type: 'integer', maximum: 100 } },
            owner: { type: 'string' },
          },
          { required: ['owner'] },
        ),
      ),
      'v1',
    );

  it('lets an unchanged invalid field through while another field changes', () => {
    assert.deepEqual(s().validate(widget({ size: 50, note: 'new', owner: 'a' }), widget({ size: 50, note: 'old', owner: 'a' })), []);
  });

  it('still refuses a changed invalid field', () => {
    assert.deepEqual(on(s().validate(widget({ size: 51, owner: 'a' }), widget({ size: 50, owner: 'a' })), 'spec.size'), ['FieldValueInvalid']);
  });

  it('correlates list-type map items by key, but not items of other lists', () => {
    const old = widget({ owner: 'a', ports: [{ name: 'a', port: 500 }], atomic: [500, 1] });
    const next = widget({ owner: 'a', ports: [{ name: 'b', port: 1 }, { name: 'a', port: 500 }], atomic: [500, 2] });
    assert.deepEqual(s().validate(next, old).map((e) => e.field), ['spec.atomic[0]']);
  });

  it('does not ratchet a missing required field', () => {
    assert.deepEqual(on(s().validate(widget({}), widget({})), 'spec.owner'), ['FieldValueRequired']);
  });

  it('skips a CEL rule without oldSelf where the value did not change', () => {
    const crd = crdWith(specSchema({ n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self < 5' }] }, m: { type: 'string' } }));
    const v = schemaFor(crd, 'v1');
    assert.deepEqual(v.validate(widget({ n: 9, m: 'changed' }), widget({ n: 9, m: 'x' })), []);
    assert.deepEqual(on(v.validate(widget({ n: 8 }), widget({ n: 9 })), 'spec.n'), ['FieldValueInvalid']);
  });
});
