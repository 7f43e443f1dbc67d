import assert from 'node:assert/strict';
import { SUPPORTED_PROTOBUF_KINDS } from './kinds';
import { MESSAGES, isScalar, isSpecial, parseType } from './schema';

describe('protobuf: schema tables', () => {
  it('every field is well formed and every referenced type exists', () => {
    for (const [name, def] of Object.entries(MESSAGES)) {
      const jsonNames = new Set<string>();
      for (const [num, [json, type, flags = '']] of Object.entries(def)) {
        const n = Number(num);
        assert.ok(Number.isInteger(n) && n > 0 && n < 2 ** 29, `${name}.${num}`);
        assert.ok(['', '*', '^'].includes(flags), `${name}.${num} flags`);
        const ref = parseType(type);
        const known = isScalar(ref.base) || isSpecial(ref.base) || ref.base in MESSAGES;
        assert.ok(known, `${name}.${json || num}: unknown type ${type}`);
        if (flags === '^') {
          assert.equal(json, '', `${name}.${num}: inline fields have no JSON name`);
          assert.ok(ref.shape === 'single' && ref.base in MESSAGES, `${name}.${num}: only messages can be inlined`);
        } else {
          assert.match(json, /^[a-z][A-Za-z0-9]*$/, `${name}.${num}: JSON name`);
          assert.ok(!jsonNames.has(json), `${name}: duplicate JSON name ${json}`);
          jsonNames.add(json);
        }
        if (flags === '*') assert.ok(ref.shape === 'single' && isScalar(ref.base), `${name}.${json}: '*' is for singular scalars`);
        if (ref.shape === 'map') assert.ok(ref.base !== 'RawExtension', `${name}.${json}`);
      }
    }
  });

  it('every supported kind maps to a top-level message, and every message is reachable from one', () => {
    const reachable = new Set<string>();
    const visit = (name: string) => {
      if (reachable.has(name)) return;
      reachable.add(name);
      for (const [, type] of Object.values(MESSAGES[name])) {
        const { base } = parseType(type);
        if (base in MESSAGES) visit(base);
      }
    };
    for (const k of SUPPORTED_PROTOBUF_KINDS) {
      assert.ok(k.message in MESSAGES, `${k.apiVersion} ${k.kind}`);
      visit(k.message);
    }
    const unreachable = Object.keys(MESSAGES).filter((m) => !reachable.has(m));
    assert.deepEqual(unreachable, []);
  });
});
