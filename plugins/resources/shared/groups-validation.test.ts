import assert from 'node:assert/strict';
import type { FieldError } from './field-errors';
import { hostProblems, isValidIPv4, isValidIPv6, nonSpecialIPProblems, validateDomainPrefixedPath, validateEnum, validateFQDN, validateImmutable } from './groups-validation';

function collect(fn: (errors: FieldError[]) => void): FieldError[] {
  const errors: FieldError[] = [];
  fn(errors);
  return errors;
}

describe('resources/shared groups-validation', () => {
  it('accepts DNS and wildcard hosts and refuses a bare wildcard', () => {
    assert.deepEqual(hostProblems('web.example.com'), []);
    assert.deepEqual(hostProblems('*.example.com'), []);
    assert.equal(hostProblems('*').length, 1);
    assert.equal(hostProblems('a.*.com').length, 1);
  });

  it('tells IPv4 from IPv6', () => {
    assert.deepEqual(isValidIPv4('10.0.0.1'), []);
    assert.deepEqual(isValidIPv4('fd00::1'), ['must be a valid IPv4 address']);
    assert.deepEqual(isValidIPv6('fd00::1'), []);
    assert.deepEqual(isValidIPv6('10.0.0.1'), ['must be a valid IPv6 address']);
  });

  it('finds unspecified, loopback, link-local and link-local multicast addresses', () => {
    assert.deepEqual(nonSpecialIPProblems('10.1.2.3'), []);
    assert.equal(nonSpecialIPProblems('0.0.0.0').length, 1);
    assert.match(nonSpecialIPProblems('127.0.0.5')[0], /loopback/);
    assert.match(nonSpecialIPProblems('169.254.10.1')[0], /link-local range/);
    assert.match(nonSpecialIPProblems('224.0.0.1')[0], /multicast/);
    assert.match(nonSpecialIPProblems('::')[0], /unspecified/);
    assert.match(nonSpecialIPProblems('::1')[0], /loopback/);
    assert.match(nonSpecialIPProblems('fe80::1')[0], /link-local range/);
    assert.match(nonSpecialIPProblems('ff02::1')[0], /multicast/);
    assert.match(nonSpecialIPProblems('::ffff:127.0.0.1')[0], /loopback/);
    assert.deepEqual(nonSpecialIPProblems('2001:db8::1'), []);
  });

  it('checks domain-prefixed paths', () => {
    assert.deepEqual(collect((e) => validateDomainPrefixedPath('example.com/ingress', 'p', e)), []);
    assert.equal(collect((e) => validateDomainPrefixedPath('', 'p', e))[0].type, 'FieldValueRequired');
    assert.equal(collect((e) => validateDomainPrefixedPath('nginx', 'p', e))[0].type, 'FieldValueInvalid');
    assert.equal(collect((e) => validateDomainPrefixedPath('Example.com/x', 'p', e))[0].type, 'FieldValueInvalid');
  });

  it('checks fully qualified domain names', () => {
    assert.deepEqual(collect((e) => validateFQDN('a.example.com.', 'p', e)), []);
    assert.match(collect((e) => validateFQDN('localhost', 'p', e))[0].message, /at least two segments/);
  });

  it('validates enums as Required or NotSupported', () => {
    assert.equal(collect((e) => validateEnum(undefined, 'p', ['A'], e))[0].type, 'FieldValueRequired');
    assert.equal(collect((e) => validateEnum('B', 'p', ['A'], e))[0].type, 'FieldValueNotSupported');
    assert.deepEqual(collect((e) => validateEnum(undefined, 'p', ['A'], e, { optional: true })), []);
  });

  it('reports an immutable field change, treating unset and empty alike', () => {
    assert.deepEqual(collect((e) => validateImmutable({ a: { b: [] } }, { a: {} }, 'a.b', e)), []);
    assert.match(collect((e) => validateImmutable({ a: 1 }, { a: 2 }, 'a', e))[0].message, /field is immutable/);
  });
});
