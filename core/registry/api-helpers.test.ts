import assert from 'node:assert/strict';
import { decodeBody, findDuplicateKeys } from '../api/decode';
import { invalidError, fieldInvalid, fieldRequired } from '../api/field-errors';
import { GENERATE_NAME_ALPHABET, generateName, rfc3339, normalizeTimestamp } from '../api/meta';
import { negotiateOutput } from '../api/negotiate';
import { parseDeleteOptions, parseListQuery } from '../api/options';
import { labelSelectorFromObject, parseFieldSelector, parseLabelSelector } from '../api/selectors';
import { StatusError } from '../api/status';
import { humanDuration } from '../api/table';
import { dns1123Subdomain, qualifiedName, validateObjectMeta } from '../api/validation';

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a StatusError');
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('api: HumanDuration', () => {
  const cases: Array<[number, string]> = [
    [119 * S, '119s'],
    [125 * S, '2m5s'],
    [179 * M, '179m'],
    [190 * M, '3h10m'],
    [47 * H, '47h'],
    [3 * D + 4 * H, '3d4h'],
    [(2 * 365 + 30) * D, '2y30d'],
    [-5 * S, '<invalid>'],
    [-1 * S, '0s'],
    [10 * M, '10m'],
    [8 * H, '8h'],
    [10 * D, '10d'],
  ];
  for (const [ms, want] of cases) {
    it(`${ms} ms is ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe('api: label selectors', () => {
  it('= and == require the value', () => {
    const s = parseLabelSelector('app=web,tier==front');
    assert.ok(s.matches({ app: 'web', tier: 'front' }));
    assert.ok(!s.matches({ app: 'web' }));
  });
  it('!= matches objects without the label', () => {
    const s = parseLabelSelector('app!=web');
    assert.ok(s.matches({}));
    assert.ok(!s.matches({ app: 'web' }));
  });
  it('in and notin', () => {
    assert.ok(parseLabelSelector('env in (prod, dev)').matches({ env: 'dev' }));
    assert.ok(!parseLabelSelector('env in (prod,dev)').matches({}));
    assert.ok(parseLabelSelector('env notin (prod)').matches({}));
    assert.ok(!parseLabelSelector('env notin (prod)').matches({ env: 'prod' }));
  });
  it('exists and !exists', () => {
    assert.ok(parseLabelSelector('app').matches({ app: '' }));
    assert.ok(parseLabelSelector('!app').matches({ other: 'x' }));
    assert.ok(!parseLabelSelector('!app').matches({ app: 'x' }));
  });
  it('the empty selector matches everything', () => assert.ok(parseLabelSelector('').matches(undefined)));
  for (const bad of ['app=(', 'env in prod', 'env in ()', '=x', 'a b', 'app=web,', 'x/y/z=1', 'app=-bad-']) {
    it(`"${bad}" is 400 BadRequest`, () => {
      const e = statusOf(() => parseLabelSelector(bad));
      assert.equal(e.code, 400);
      assert.equal(e.reason, 'BadRequest');
    });
  }
  it('a metav1.LabelSelector prints as a selector string', () => {
    const s = labelSelectorFromObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] });
    assert.equal(s?.toString(), 'app=web,tier in (a,b)');
  });
});

describe('api: field selectors', () => {
  const obj = { metadata: { name: 'p1', namespace: 'ns1' }, spec: { nodeName: 'n1' } };
  it('metadata.name and metadata.namespace are always supported', () => {
    assert.ok(parseFieldSelector('metadata.name=p1,metadata.namespace==ns1').matches(obj));
    assert.ok(!parseFieldSelector('metadata.name!=p1').matches(obj));
  });
  it('resource fields come from the definition', () => {
    const s = parseFieldSelector('spec.nodeName=n1', { 'spec.nodeName': (o) => (o.spec as { nodeName?: string }).nodeName });
    assert.ok(s.matches(obj));
  });
  it('an unknown field is 400 "field label not supported"', () => {
    const e = statusOf(() => parseFieldSelector('spec.bogus=x'));
    assert.equal(e.code, 400);
    assert.equal(e.status.message, 'field label not supported: spec.bogus');
  });
  it('a term without an operator is 400', () => assert.equal(statusOf(() => parseFieldSelector('metadata.name')).code, 400));
  it('escaped commas are part of the value', () => {
    assert.ok(parseFieldSelector('metadata.name=a\\,b').matches({ metadata: { name: 'a,b' } }));
  });
});

describe('api: content negotiation', () => {
  const table = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  it('kubectl get asks for a Table', () => assert.equal(negotiateOutput(table, true).kind, 'table'));
  it('writes answer JSON even when Table is asked for', () => assert.equal(negotiateOutput(table, false).kind, 'json'));
  it('protobuf first, JSON second is JSON', () => assert.equal(negotiateOutput('application/vnd.kubernetes.protobuf,application/json', true).kind, 'json'));
  it('*/* is JSON', () => assert.equal(negotiateOutput('application/vnd.kubernetes.protobuf, */*', true).kind, 'json'));
  it('no Accept is JSON', () => assert.equal(negotiateOutput(undefined, true).kind, 'json'));
  it('a Table of an unknown group falls back to JSON (never 406 for application/json)', () => {
    assert.equal(negotiateOutput('application/json;as=Table;g=x;v=v1', true).kind, 'json');
  });
  it('text/html alone is 406 NotAcceptable', () => assert.equal(statusOf(() => negotiateOutput('text/html', true)).reason, 'NotAcceptable'));
  it('YAML is served', () => assert.equal(negotiateOutput('application/yaml', true).kind, 'yaml'));
  it('metadata-only clients get PartialObjectMetadata', () => {
    assert.equal(negotiateOutput('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json', true).kind, 'metadata');
  });
});

describe('api: validation and meta', () => {
  it('generateName appends 5 characters of the Kubernetes alphabet', () => {
    const n = generateName('web-');
    assert.match(n, new RegExp(`^web-[${GENERATE_NAME_ALPHABET}]{5}$`));
  });
  it('generateName cuts long prefixes to keep 63 characters', () => assert.equal(generateName('x'.repeat(80)).length, 63));
  it('timestamps are RFC 3339 without fractions', () => assert.match(rfc3339(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/));
  it("client-node's millisecond timestamps are normalized", () => assert.equal(normalizeTimestamp('2026-01-02T03:04:05.000Z'), '2026-01-02T03:04:05Z'));
  it('an upper-case name is not a DNS-1123 subdomain', () => assert.ok(dns1123Subdomain('Web').length > 0));
  it('qualified names take a DNS prefix', () => {
    assert.deepEqual(qualifiedName('example.com/my-key'), []);
    assert.ok(qualifiedName('example.com/').length > 0);
  });
  it('all metadata errors are collected', () => {
    const errs = validateObjectMeta({ name: 'Bad_Name', labels: { 'bad key': 'x', ok: 'bad value!' } }, { namespaced: true });
    const fields = errs.map((e) => e.field).sort();
    assert.deepEqual(fields, ['metadata.labels', 'metadata.labels', 'metadata.name', 'metadata.namespace']);
  });
  it('annotations over 256 KiB are too long', () => {
    const errs = validateObjectMeta({ name: 'a', annotations: { big: 'x'.repeat(262_145) } }, { namespaced: false });
    assert.equal(errs[0].type, 'FieldValueTooLong');
  });
  it('422 Invalid carries the Kind, the name and every cause', () => {
    const e = invalidError('Widget', 'test.k8ts.dev', 'w1', [fieldInvalid('spec.replicas', -1, 'must be >= 0'), fieldRequired('spec.color')]);
    assert.equal(e.code, 422);
    assert.equal(e.status.details?.kind, 'Widget');
    assert.equal(e.status.details?.causes?.length, 2);
    assert.equal(e.status.message, 'Widget.test.k8ts.dev "w1" is invalid: [spec.replicas: Invalid value: -1: must be >= 0, spec.color: Required value]');
  });
});

describe('api: bodies and options', () => {
  it('malformed JSON is 400', () => assert.equal(statusOf(() => decodeBody(Buffer.from('{"a":'), 'application/json')).code, 400));
  it('an array body is 400', () => assert.equal(statusOf(() => decodeBody(Buffer.from('[]'), 'application/json')).code, 400));
  it('YAML bodies decode', () => assert.deepEqual(decodeBody(Buffer.from('a: 1\nb: [x]\n'), 'application/yaml').obj, { a: 1, b: ['x'] }));
  it('an unknown media type is 415', () => assert.equal(statusOf(() => decodeBody(Buffer.from('x'), 'text/plain')).code, 415));
  it('duplicate JSON keys are found with their path', () => {
    assert.deepEqual(findDuplicateKeys('{"spec":{"a":1,"b":[{"x":1,"x":2}],"a":3}}'), ['spec.b[0].x', 'spec.a']);
  });
  it('DeleteOptions come from the body when there is one', () => {
    const o = parseDeleteOptions(Buffer.from('{"propagationPolicy":"Orphan","dryRun":["All"]}'), 'application/json', new URLSearchParams('gracePeriodSeconds=5'));
    assert.deepEqual(o, { propagationPolicy: 'Orphan', dryRun: true });
  });
  it('DeleteOptions come from the query without a body', () => {
    const o = parseDeleteOptions(Buffer.alloc(0), undefined, new URLSearchParams('gracePeriodSeconds=5&propagationPolicy=Foreground'));
    assert.deepEqual(o, { gracePeriodSeconds: 5, propagationPolicy: 'Foreground', dryRun: false });
  });
  it('an unknown propagationPolicy is 422', () => {
    assert.equal(statusOf(() => parseDeleteOptions(Buffer.from('{"propagationPolicy":"Sideways"}'), 'application/json', new URLSearchParams())).code, 422);
  });
  it('resourceVersionMatch without resourceVersion is 422 on ListOptions', () => {
    const e = statusOf(() => parseListQuery(new URLSearchParams('resourceVersionMatch=Exact'), undefined, false));
    assert.equal(e.code, 422);
    assert.equal(e.status.details?.kind, 'ListOptions');
  });
  it('a non-numeric resourceVersion is 400', () => assert.equal(statusOf(() => parseListQuery(new URLSearchParams('resourceVersion=abc'), undefined, false)).code, 400));
  it('a non-numeric limit is 400', () => assert.equal(statusOf(() => parseListQuery(new URLSearchParams('limit=ten'), undefined, false)).code, 400));
});
