import assert from 'node:assert/strict';
import { ruleMatches, validatePolicy, type PolicyRule, type RequestAttributes } from './policy';

const req = (over: Partial<RequestAttributes> = {}): RequestAttributes => ({
  username: 'alice',
  groups: ['system:authenticated'],
  verb: 'get',
  isResourceRequest: true,
  path: '/api/v1/namespaces/default/pods/web',
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  namespace: 'default',
  name: 'web',
  ...over,
});
const rule = (over: Partial<PolicyRule>): PolicyRule => ({ level: 'Metadata', ...over });

describe('audit policy rules', () => {
  it('match users and userGroups', () => {
    assert.equal(ruleMatches(rule({ users: ['alice'] }), req()), true);
    assert.equal(ruleMatches(rule({ users: ['bob'] }), req()), false);
    assert.equal(ruleMatches(rule({ userGroups: ['system:authenticated'] }), req()), true);
    assert.equal(ruleMatches(rule({ userGroups: ['admins'] }), req()), false);
  });

  it('match verbs', () => {
    assert.equal(ruleMatches(rule({ verbs: ['get', 'list'] }), req()), true);
    assert.equal(ruleMatches(rule({ verbs: ['create'] }), req()), false);
  });

  it('match resources by group, resource and resourceNames', () => {
    assert.equal(ruleMatches(rule({ resources: [{ group: '', resources: ['pods'] }] }), req()), true);
    assert.equal(ruleMatches(rule({ resources: [{ group: 'apps', resources: ['pods'] }] }), req()), false);
    assert.equal(ruleMatches(rule({ resources: [{ resources: ['pods'], resourceNames: ['db'] }] }), req()), false);
    assert.equal(ruleMatches(rule({ resources: [{ resources: ['pods'], resourceNames: ['web'] }] }), req()), true);
  });

  it('match subresources as resource/sub, resource/*, */sub and *', () => {
    const log = req({ subresource: 'log' });
    assert.equal(ruleMatches(rule({ resources: [{ resources: ['pods'] }] }), log), false);
    for (const r of ['pods/log', 'pods/*', '*/log', '*']) assert.equal(ruleMatches(rule({ resources: [{ resources: [r] }] }), log), true, r);
    assert.equal(ruleMatches(rule({ resources: [{ resources: ['pods/*'] }] }), req()), false);
  });

  it('match namespaces, with "" for cluster-scoped requests', () => {
    assert.equal(ruleMatches(rule({ namespaces: ['default'] }), req()), true);
    assert.equal(ruleMatches(rule({ namespaces: ['kube-system'] }), req()), false);
    assert.equal(ruleMatches(rule({ namespaces: [''] }), req({ namespace: '', resource: 'nodes' })), true);
  });

  it('match nonResourceURLs only for non-resource requests, a trailing * as a prefix', () => {
    const healthz = req({ isResourceRequest: false, path: '/healthz/ping', resource: '', namespace: '', name: '' });
    assert.equal(ruleMatches(rule({ nonResourceURLs: ['/healthz*'] }), healthz), true);
    assert.equal(ruleMatches(rule({ nonResourceURLs: ['/healthz'] }), healthz), false);
    assert.equal(ruleMatches(rule({ nonResourceURLs: ['/healthz*'] }), req()), false);
    assert.equal(ruleMatches(rule({ resources: [{ resources: ['*'] }] }), healthz), false);
    assert.equal(ruleMatches(rule({}), healthz), true);
  });

  it('refuse unknown levels and stages, naming the field', () => {
    assert.throws(() => validatePolicy({ rules: [{ level: 'All' }] }, 'p'), /rules\[0\]\.level/);
    assert.throws(() => validatePolicy({ rules: [{ level: 'None', omitStages: ['Done'] }] }, 'p'), /rules\[0\]\.omitStages\[0\]/);
    assert.throws(() => validatePolicy({ apiVersion: 'audit.k8s.io/v1beta1', rules: [] }, 'p'), /apiVersion/);
  });
});
