/** Property tests: the engines against reference models on random documents. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyJsonPatch } from './json-patch';
import { applyMergePatch } from './merge-patch';
import { EMPTY_PATCH_SCHEMA } from './schema';
import { applyStrategicMergePatch } from './strategic-merge';

/**
 * RFC 7386 §2 pseudocode, transcribed on Map-based trees so it shares nothing with the engine
 * (no plain-object tricks, own-property checks or cloning helpers).
 */
type Tree = null | boolean | number | string | Tree[] | Map<string, Tree>;

function toTree(v: unknown): Tree {
  if (Array.isArray(v)) return v.map(toTree);
  if (v !== null && typeof v === 'object') {
    return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toTree(x)]));
  }
  return v as Tree;
}

function fromTree(t: Tree): unknown {
  if (Array.isArray(t)) return t.map(fromTree);
  if (t instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of t) Object.defineProperty(out, k, { value: fromTree(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return t;
}

function referenceMergePatch(target: Tree | undefined, patch: Tree): Tree {
  if (!(patch instanceof Map)) return patch;
  const result: Map<string, Tree> = target instanceof Map ? new Map(target) : new Map();
  for (const [name, value] of patch) {
    if (value === null) result.delete(name);
    else result.set(name, referenceMergePatch(result.get(name), value));
  }
  return result;
}

/** Small key alphabet so documents and patches overlap. */
const key = fc.constantFrom('a', 'b', 'c', 'd', '__proto__', 'constructor');
const scalar = fc.oneof(fc.boolean(), fc.integer(), fc.string({ maxLength: 3 }));

const { doc, patch } = fc.letrec((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('doc'), { maxLength: 3 }),
    fc.dictionary(key, tie('doc'), { maxKeys: 4, noNullPrototype: true }),
  ),
  patch: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constant(null),
    fc.array(tie('doc'), { maxLength: 3 }),
    fc.dictionary(key, tie('patch'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

/** Objects and scalars only: what SMP and merge patch must agree on. */
const { mapDoc, mapPatch } = fc.letrec((tie) => ({
  mapDoc: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.dictionary(key, tie('mapDoc'), { maxKeys: 4, noNullPrototype: true })),
  mapPatch: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constant(null),
    fc.dictionary(key, tie('mapPatch'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));
const mapObject = fc.dictionary(key, mapDoc, { maxKeys: 4, noNullPrototype: true });
const mapObjectPatch = fc.dictionary(key, mapPatch, { maxKeys: 4, noNullPrototype: true });

describe('patch/properties', () => {
  it('applyMergePatch matches the RFC 7386 reference model', () => {
    fc.assert(
      fc.property(doc, patch, (d, p) => {
        assert.deepEqual(applyMergePatch(d, p), fromTree(referenceMergePatch(toTree(d), toTree(p))));
      }),
      { numRuns: 500 },
    );
  });

  it('applyMergePatch never mutates its inputs', () => {
    fc.assert(
      fc.property(doc, patch, (d, p) => {
        const before = JSON.stringify([d, p]);
        applyMergePatch(d, p);
        assert.equal(JSON.stringify([d, p]), before);
      }),
    );
  });

  it('a merge patch applied twice equals applied once', () => {
    fc.assert(
      fc.property(doc, patch, (d, p) => {
        assert.deepEqual(applyMergePatch(applyMergePatch(d, p), p), applyMergePatch(d, p));
      }),
    );
  });

  it('strategic merge patch without list directives on map-only documents equals merge patch', () => {
    fc.assert(
      fc.property(mapObject, mapObjectPatch, (d, p) => {
        assert.deepEqual(applyStrategicMergePatch(d, p, EMPTY_PATCH_SCHEMA), applyMergePatch(d, p));
      }),
      { numRuns: 500 },
    );
  });

  it('strategic merge patch with an empty schema replaces lists like merge patch', () => {
    const withLists = fc.dictionary(key, doc, { maxKeys: 4, noNullPrototype: true });
    fc.assert(
      fc.property(withLists, fc.dictionary(key, fc.oneof(fc.constant(null), fc.array(scalar, { maxLength: 3 })), { maxKeys: 4, noNullPrototype: true }), (d, p) => {
        assert.deepEqual(applyStrategicMergePatch(d, p, EMPTY_PATCH_SCHEMA), applyMergePatch(d, p));
      }),
    );
  });

  it('a JSON patch add followed by a test of the same value always passes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'c'), doc, { maxKeys: 3, noNullPrototype: true }), fc.constantFrom('a', 'b', 'x'), doc, (d, k, v) => {
        const out = applyJsonPatch(d, [
          { op: 'add', path: `/${k}`, value: v },
          { op: 'test', path: `/${k}`, value: v },
        ]) as Record<string, unknown>;
        assert.deepEqual(out[k], v);
      }),
    );
  });
});
