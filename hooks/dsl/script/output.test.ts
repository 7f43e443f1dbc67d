import { strict as assert } from 'node:assert';
import { validateAdmissionOutput } from './output';

function reasonOf(output: unknown): string {
  const r = validateAdmissionOutput(output);
  return r.ok ? 'ok' : r.reason;
}

describe('hooks/dsl/script: the admission output shape', () => {
  it('accepts an allow with a JSON Patch and warnings', () => {
    const out = { allowed: true, warnings: ['defaulted'], patch: [{ op: 'add', path: '/metadata/labels/team', value: 'a' }] };
    assert.deepEqual(validateAdmissionOutput(out), { ok: true, value: out });
  });

  it('accepts a denial with a message and a reason', () => {
    assert.equal(reasonOf({ allowed: false, message: 'no', reason: 'Invalid' }), 'ok');
  });

  it('a missing allowed is BadOutput', () => {
    assert.equal(reasonOf({ message: 'x' }), 'BadOutput');
  });

  it('a non-object is BadOutput', () => {
    assert.equal(reasonOf([{ allowed: true }]), 'BadOutput');
  });

  it('an unknown field is BadOutput (catches typos such as allow)', () => {
    assert.equal(reasonOf({ allowed: true, allow: true }), 'BadOutput');
  });

  it('an unknown patch op is BadOutput', () => {
    assert.equal(reasonOf({ allowed: true, patch: [{ op: 'merge', path: '/a', value: 1 }] }), 'BadOutput');
  });

  it('a patch path that is not a JSON pointer is BadOutput', () => {
    assert.equal(reasonOf({ allowed: true, patch: [{ op: 'add', path: 'metadata/labels', value: {} }] }), 'BadOutput');
  });

  it('a patch that is not a list is BadOutput', () => {
    assert.equal(reasonOf({ allowed: true, patch: { op: 'add', path: '/a', value: 1 } }), 'BadOutput');
  });

  it('a patch on a denial is BadOutput', () => {
    assert.equal(reasonOf({ allowed: false, patch: [{ op: 'add', path: '/a', value: 1 }] }), 'BadOutput');
  });

  it('warnings that are not strings are BadOutput', () => {
    assert.equal(reasonOf({ allowed: true, warnings: [1] }), 'BadOutput');
  });

  it('a reason that is not a CamelCase word is BadOutput', () => {
    assert.equal(reasonOf({ allowed: false, reason: 'not a reason!' }), 'BadOutput');
  });
});
