import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch';
import { frozen } from './test-helpers';

describe('patch/merge-patch', () => {
  it('kubectl label body adds a label', () => {
    const doc = frozen({ metadata: { name: 'p', labels: { a: '1' } } });
    assert.deepEqual(applyMergePatch(doc, { metadata: { labels: { foo: 'bar' } } }), {
      metadata: { name: 'p', labels: { a: '1', foo: 'bar' } },
    });
  });

  it('null deletes a key', () => {
    const doc = frozen({ metadata: { labels: { a: '1', b: '2' } } });
    assert.deepEqual(applyMergePatch(doc, { metadata: { labels: { a: null } } }), { metadata: { labels: { b: '2' } } });
  });

  it('null for a missing key is a no-op', () => {
    assert.deepEqual(applyMergePatch(frozen({ a: 1 }), { b: null }), { a: 1 });
  });

  it('arrays are replaced, not merged', () => {
    assert.deepEqual(applyMergePatch(frozen({ a: [1, 2, 3] }), { a: [4] }), { a: [4] });
  });

  it('an object replaces a scalar, with its nulls dropped', () => {
    assert.deepEqual(applyMergePatch(frozen({ a: 'x' }), { a: { b: 1, c: null } }), { a: { b: 1 } });
  });

  it('a scalar replaces an object', () => {
    assert.deepEqual(applyMergePatch(frozen({ a: { b: 1 } }), { a: 2 }), { a: 2 });
  });

  it('a non-object patch replaces the whole document', () => {
    assert.deepEqual(applyMergePatch(frozen({ a: 1 }), ['x']), ['x']);
    assert.equal(applyMergePatch(frozen({ a: 1 }), 'x'), 'x');
  });

  it('an object patch on a non-object document starts from {}', () => {
    assert.deepEqual(applyMergePatch([1, 2], { a: 1 }), { a: 1 });
  });

  it('kubectl scale body on /scale sets spec.replicas', () => {
    const scale = frozen({ kind: 'Scale', spec: { replicas: 1 }, status: { replicas: 1 } });
    assert.deepEqual((applyMergePatch(scale, { spec: { replicas: 5 } }) as any).spec, { replicas: 5 });
  });

  it('never mutates inputs nor aliases patch values', () => {
    const doc = frozen({ a: { b: 1 } });
    const patch = frozen({ c: { d: [1] } });
    const out = applyMergePatch(doc, patch) as any;
    out.c.d.push(2);
    assert.deepEqual(patch.c.d, [1]);
  });

  it('a __proto__ key is plain data', () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true}}');
    const out = applyMergePatch({}, patch) as any;
    assert.equal(({} as any).polluted, undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });

  it('RFC 7386 appendix A examples', () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [['a', 'b'], ['c', 'd'], ['c', 'd']],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [doc, patch, expected] of cases) assert.deepEqual(applyMergePatch(doc, patch), expected);
  });
});
