import assert from 'node:assert/strict';
import type { AuthorizationAttributes } from '../../../core/auth/types';
import { breakdownRule, nonResourceURLMatches, ruleAllows, uncoveredRules, type PolicyRule } from './rules';

const req = (extra: Partial<AuthorizationAttributes>): AuthorizationAttributes => ({
  user: { username: 'u', groups: [] },
  verb: 'get',
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  namespace: 'ns',
  name: '',
  path: '',
  isResourceRequest: true,
  ...extra,
});

describe('authz/RBAC: policy rules', () => {
  it('`*` resources match subresources too', () => {
    assert.ok(ruleAllows(req({ subresource: 'log' }), { verbs: ['get'], apiGroups: [''], resources: ['*'] }));
  });

  it('a plain resource does not match its subresources', () => {
    assert.ok(!ruleAllows(req({ subresource: 'log' }), { verbs: ['get'], apiGroups: [''], resources: ['pods'] }));
  });

  it('`*/scale` matches the scale subresource of any resource, not the resource', () => {
    const rule: PolicyRule = { verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] };
    assert.ok(ruleAllows(req({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }), rule));
    assert.ok(!ruleAllows(req({ apiGroup: 'apps', resource: 'deployments' }), rule));
  });

  it('the apiGroup must match (core "" is a group of its own)', () => {
    assert.ok(!ruleAllows(req({ apiGroup: 'apps' }), { verbs: ['get'], apiGroups: [''], resources: ['pods'] }));
  });

  it('nonResourceURLs match exactly, by `*`, or by a prefix ending in `*`', () => {
    const rule: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    assert.deepEqual(['/healthz', '/healthz/etcd', '/apis/apps', '/api'].map((p) => nonResourceURLMatches(rule, p)), [true, false, true, false]);
  });

  it('breaks a rule into one verb, group, resource and name each', () => {
    assert.equal(breakdownRule({ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['a', 'b', 'c'] }).length, 12);
  });

  it('covers a request with the owner`s wildcards but not a wildcard with a list', () => {
    const owner: PolicyRule[] = [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }];
    assert.deepEqual(uncoveredRules(owner, [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }]), []);
    assert.equal(uncoveredRules([{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]).length, 1);
  });

  it('covers a named rule with an unnamed one, never the other way round', () => {
    const named: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] };
    const all: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['secrets'] };
    assert.deepEqual(uncoveredRules([all], [named]), []);
    assert.equal(uncoveredRules([named], [all]).length, 1);
  });

  it('covers x/scale with */scale held', () => {
    assert.deepEqual(uncoveredRules([{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }]), []);
  });
});
