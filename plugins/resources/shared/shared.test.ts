import assert from 'node:assert/strict';
import { humanDuration, since } from './age';
import { isDNS1035Label, isDNS1123Label, isQualifiedName, isValidPortName } from './names';
import { parseQuantity } from './quantity';
import { formatLabels, formatLabelSelector, selectorMatches } from './selectors';
import { imageTag } from './pod-defaults';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('resources/shared', () => {
  describe('humanDuration', () => {
    const cases: Array<[number, string]> = [
      [-1500, '0s'],
      [-3 * S, '<invalid>'],
      [119 * S, '119s'],
      [125 * S, '2m5s'],
      [5 * M, '5m'],
      [179 * M, '179m'],
      [3 * H + 10 * M, '3h10m'],
      [47 * H, '47h'],
      [3 * D + 4 * H, '3d4h'],
      [10 * D, '10d'],
      [2 * 365 * D + 30 * D, '2y30d'],
      [9 * 365 * D, '9y'],
    ];
    for (const [ms, want] of cases) {
      it(`prints ${ms}ms as ${want}`, () => assert.equal(humanDuration(ms), want));
    }

    it('prints <unknown> for a missing timestamp', () => {
      assert.equal(since(undefined, new Date()), '<unknown>');
    });
  });

  describe('selectors', () => {
    it('prints a selector sorted by key with set operators', () => {
      const sel = { matchLabels: { tier: 'web', app: 'x' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['b', 'a'] }, { key: 'z', operator: 'DoesNotExist' }] };
      assert.equal(formatLabelSelector(sel), 'app=x,env in (a,b),tier=web,!z');
    });

    it('prints <none> for an empty selector and empty labels', () => {
      assert.equal(formatLabelSelector({}), '<none>');
      assert.equal(formatLabels({}), '<none>');
    });

    it('matches labels with matchExpressions', () => {
      const sel = { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] };
      assert.equal(selectorMatches(sel, { app: 'x', env: 'dev' }), true);
      assert.equal(selectorMatches(sel, { app: 'x', env: 'prod' }), false);
    });
  });

  describe('names', () => {
    it('checks DNS-1123 and DNS-1035 labels', () => {
      assert.deepEqual(isDNS1123Label('web-1'), []);
      assert.equal(isDNS1123Label('Web').length, 1);
      assert.equal(isDNS1035Label('1abc').length, 1);
    });

    it('checks qualified names with a prefix', () => {
      assert.deepEqual(isQualifiedName('example.com/name'), []);
      assert.notDeepEqual(isQualifiedName('a/b/c'), []);
    });

    it('checks IANA port names', () => {
      assert.deepEqual(isValidPortName('http'), []);
      assert.notDeepEqual(isValidPortName('8080'), []);
    });
  });

  describe('quantities and images', () => {
    it('parses quantities with binary and decimal suffixes', () => {
      assert.equal(parseQuantity('100m'), 0.1);
      assert.equal(parseQuantity('1Gi'), 2 ** 30);
      assert.equal(parseQuantity('2e3'), 2000);
      assert.equal(parseQuantity('abc'), undefined);
    });

    it('finds the image tag (latest when none)', () => {
      assert.equal(imageTag('nginx'), 'latest');
      assert.equal(imageTag('registry:5000/nginx:1.2'), '1.2');
      assert.equal(imageTag('registry:5000/nginx'), 'latest');
      assert.equal(imageTag('nginx@sha256:abc'), '');
    });
  });
});
