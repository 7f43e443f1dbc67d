/**
 * The evaluator without a server: match rules and selectors, params, matchConditions, variables,
 * validations (messageExpression, reason, Deny/Warn/Audit), mutations, failurePolicy and the
 * budget; validation of Hook objects; mutations threaded across hooks of one point.
 */
import assert from 'node:assert/strict';
import { newBudget } from '../../core/api/cel';
import { evaluateHook, evaluateHookSync, type EvalEnv, type HookInput } from './evaluate';
import { runHooks } from './dispatch';
import { offlineParams } from './params';
import './shapes-builtin';
import './shapes-scheduler';
import type { HookSpec, Json, LoadedHook } from './types';
import { validateHook } from './validate';

const hook = (name: string, spec: HookSpec, point = 'api.validatingAdmission'): LoadedHook => ({ name, point, spec, source: { type: 'file', path: '/x' } });
const pod = (labels: Record<string, string> = {}, extra: Json = {}): Json => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] }, ...extra });
function input(object: Json | null, opts: Partial<HookInput> = {}): HookInput {
  return {
    vars: { object, oldObject: null, request: { operation: 'CREATE', userInfo: { username: 'dev', groups: [] } } },
    object,
    oldObject: null,
    mutable: false,
    resource: { group: '', version: 'v1', resource: 'pods', subresource: '', operation: 'CREATE', namespace: 'default', name: 'p', namespaced: true },
    ...opts,
  };
}
const env = (extra: Partial<EvalEnv> = {}): EvalEnv => ({ budget: newBudget(1000), ...extra });
const needTeam: HookSpec = { validations: [{ expression: "'team' in object.metadata.labels", messageExpression: "'no team on ' + object.metadata.name", reason: 'Invalid' }] };

describe('hooks/dsl evaluator', () => {
  it('a failed validation denies with the messageExpression text and the reason', async () => {
    const v = await evaluateHook(hook('h', needTeam), input(pod()), env());
    assert.equal(v.deny?.reason, 'Invalid');
    assert.equal(v.deny?.message, "hook 'h' denied request: no team on p");
  });

  it('a passing validation allows', async () => {
    const v = await evaluateHook(hook('h', needTeam), input(pod({ team: 'a' })), env());
    assert.equal(v.matched, true);
    assert.equal(v.deny, undefined);
  });

  it('a messageExpression that fails falls back to message', async () => {
    const v = await evaluateHook(hook('h', { validations: [{ expression: 'false', message: 'static', messageExpression: 'object.nope.nope' }] }), input(pod()), env());
    assert.equal(v.deny?.message, "hook 'h' denied request: static");
  });

  it('validationActions Warn warns and does not deny', async () => {
    const v = await evaluateHook(hook('h', { ...needTeam, validationActions: ['Warn'] }), input(pod()), env());
    assert.equal(v.deny, undefined);
    assert.deepEqual(v.warnings, ["Validation failed for hook 'h': no team on p"]);
  });

  it('validationActions Audit records an audit annotation', async () => {
    const v = await evaluateHook(hook('h', { ...needTeam, validationActions: ['Audit'] }), input(pod()), env());
    assert.equal(v.deny, undefined);
    assert.match(v.audit.validation_failure, /no team on p/);
  });

  it('auditAnnotations evaluate valueExpression', async () => {
    const v = await evaluateHook(hook('h', { auditAnnotations: [{ key: 'who', valueExpression: 'request.userInfo.username' }] }), input(pod()), env());
    assert.equal(v.audit.who, 'dev');
  });

  it('matchConditions that are false skip the hook', async () => {
    const v = await evaluateHook(hook('h', { ...needTeam, matchConditions: [{ name: 'only-x', expression: "object.metadata.name == 'x'" }] }), input(pod()), env());
    assert.equal(v.matched, false);
  });

  it('variables are visible to validations', async () => {
    const v = await evaluateHook(hook('h', { variables: [{ name: 'n', expression: 'size(object.spec.containers)' }], validations: [{ expression: 'variables.n > 1', message: 'one container' }] }), input(pod()), env());
    assert.equal(v.deny?.message, "hook 'h' denied request: one container");
  });

  it('resourceRules that do not name the resource skip the hook', async () => {
    const v = await evaluateHook(hook('h', { ...needTeam, match: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['*'], resources: ['deployments'], operations: ['*'] }] } }), input(pod()), env());
    assert.equal(v.matched, false);
  });

  it('excludeResourceRules win over resourceRules', async () => {
    const v = await evaluateHook(hook('h', { ...needTeam, match: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['*'] }], excludeResourceRules: [{ apiGroups: [''], apiVersions: ['*'], resources: ['pods'], operations: ['CREATE'] }] } }), input(pod()), env());
    assert.equal(v.matched, false);
  });

  it('objectSelector looks at the object labels', async () => {
    const spec = { ...needTeam, match: { objectSelector: { matchLabels: { checked: 'yes' } } } };
    assert.equal((await evaluateHook(hook('h', spec), input(pod()), env())).matched, false);
    assert.ok((await evaluateHook(hook('h', spec), input(pod({ checked: 'yes' })), env())).deny);
  });

  it('namespaceSelector looks the namespace labels up', async () => {
    const spec = { ...needTeam, match: { namespaceSelector: { matchLabels: { env: 'prod' } } } };
    const prod = await evaluateHook(hook('h', spec), input(pod(), { namespaceLabels: async () => ({ env: 'prod' }) }), env());
    const dev = await evaluateHook(hook('h', spec), input(pod(), { namespaceLabels: async () => ({ env: 'dev' }) }), env());
    assert.ok(prod.deny);
    assert.equal(dev.matched, false);
  });

  const limited: HookSpec = { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, paramRef: { name: 'limits' }, validations: [{ expression: 'size(object.spec.containers) <= int(params.data.max)', message: 'too many' }] };
  const cm = (name: string, max: string, labels: Json = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { max } });

  it('params come from paramRef (name in the request namespace)', async () => {
    const two = pod({}, { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'x:1' }] } });
    const v = await evaluateHook(hook('h', limited), input(two), env({ params: offlineParams([cm('limits', '1')]) }));
    assert.equal(v.deny?.message, "hook 'h' denied request: too many");
  });

  it('missing params deny by default (parameterNotFoundAction Deny)', async () => {
    const v = await evaluateHook(hook('h', limited), input(pod()), env({ params: offlineParams([]) }));
    assert.match(v.deny?.message ?? '', /no params found/);
  });

  it('missing params skip the hook with parameterNotFoundAction Allow', async () => {
    const v = await evaluateHook(hook('h', { ...limited, paramRef: { name: 'limits', parameterNotFoundAction: 'Allow' } }), input(pod()), env({ params: offlineParams([]) }));
    assert.equal(v.matched, false);
  });

  it('a paramRef selector evaluates the hook once per param (any failing one denies)', async () => {
    const spec = { ...limited, paramRef: { selector: { matchLabels: { kind: 'limit' } } } };
    const v = await evaluateHook(hook('h', spec), input(pod()), env({ params: offlineParams([cm('a', '5', { kind: 'limit' }), cm('b', '0', { kind: 'limit' })]) }));
    assert.ok(v.deny);
  });

  it('a runtime error denies under failurePolicy Fail (InternalError)', async () => {
    const v = await evaluateHook(hook('h', { validations: [{ expression: 'object.spec.nope == 1' }] }), input(pod()), env());
    assert.equal(v.deny?.reason, 'InternalError');
    assert.match(v.error ?? '', /resulted in error/);
  });

  it('a runtime error is only reported under failurePolicy Ignore', async () => {
    const v = await evaluateHook(hook('h', { failurePolicy: 'Ignore', validations: [{ expression: 'object.spec.nope == 1' }] }), input(pod()), env());
    assert.equal(v.deny, undefined);
    assert.ok(v.error);
  });

  it('a spent request budget is an error', async () => {
    const v = await evaluateHook(hook('h', needTeam), input(pod()), { budget: { deadline: Date.now() - 1 } });
    assert.match(v.error ?? '', /budget exceeded/);
  });

  it('a JSONPatch mutation returns the patched object', async () => {
    const spec: HookSpec = { mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: "[{'op': 'add', 'path': '/metadata/labels/x', 'value': 'y'}]" } }] };
    const v = await evaluateHook(hook('h', spec, 'api.mutatingAdmission'), input(pod(), { mutable: true }), env());
    assert.equal(v.object?.metadata.labels.x, 'y');
  });

  it('an ApplyConfiguration mutation merges maps and lists of named items', async () => {
    const spec: HookSpec = { mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: "{'spec': {'containers': [{'name': 'c', 'imagePullPolicy': 'Always'}]}}" } }] };
    const v = await evaluateHook(hook('h', spec, 'api.mutatingAdmission'), input(pod(), { mutable: true }), env());
    assert.deepEqual(v.object?.spec.containers, [{ name: 'c', image: 'nginx:1', imagePullPolicy: 'Always' }]);
  });

  it('a mutation may not change the kind', async () => {
    const spec: HookSpec = { mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: "[{'op': 'replace', 'path': '/kind', 'value': 'Secret'}]" } }] };
    const v = await evaluateHook(hook('h', spec, 'api.mutatingAdmission'), input(pod(), { mutable: true }), env());
    assert.match(v.error ?? '', /may not change apiVersion or kind/);
  });

  it('a later hook sees the object an earlier hook mutated', async () => {
    const add = hook('a-add', { mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: "[{'op': 'add', 'path': '/metadata/labels/team', 'value': 'z'}]" } }] }, 'api.mutatingAdmission');
    const check = hook('b-check', needTeam, 'api.mutatingAdmission');
    const { outcome } = await runHooks([add, check], input(pod(), { mutable: true }), env());
    assert.equal(outcome.deny, undefined);
    assert.equal(outcome.object?.metadata.labels.team, 'z');
  });

  it('a script denial comes back as a denial', async () => {
    const v = await evaluateHook(hook('h', { script: { source: 'function hook(i) { return { allowed: false }; }' } }), input(pod()), env({ runScript: async () => ({ allowed: false, message: 'nope' }) }));
    assert.equal(v.deny?.message, "hook 'h' denied request: nope");
  });

  it('a script-only hook gets object, oldObject, request, params and empty variables, and its patch is applied', async () => {
    let payload: Json | undefined;
    const runScript = async (_h: LoadedHook, p: Json) => ((payload = p), { allowed: true, patch: [{ op: 'add', path: '/metadata/labels/team', value: 's' }] });
    const h = hook('h', { script: { source: 'function hook(i) { return { allowed: true }; }' } }, 'api.mutatingAdmission');
    const object = pod();
    const v = await evaluateHook(h, input(object, { mutable: true }), env({ runScript }));
    assert.deepEqual(payload, { object, oldObject: null, request: { operation: 'CREATE', userInfo: { username: 'dev', groups: [] } }, params: null, variables: {} });
    assert.equal(v.matched, true);
    assert.equal(v.object?.metadata.labels.team, 's');
    assert.equal(object.metadata.labels.team, undefined, 'the input object is not changed');
  });

  it('a script hook whose matchCondition is false does not run its script', async () => {
    let ran = false;
    const h = hook('h', { matchConditions: [{ name: 'never', expression: 'false' }], script: { source: 'function hook(i) { return { allowed: false }; }' } });
    const v = await evaluateHook(h, input(pod()), env({ runScript: async () => ((ran = true), { allowed: false }) }));
    assert.equal(ran, false);
    assert.equal(v.matched, false);
  });

  it('the synchronous evaluator (scheduler.filter) sees pod and node', () => {
    const h = hook('s', { validations: [{ expression: "node.metadata.name == 'good'" }] }, 'scheduler.filter');
    const vars = (n: string) => ({ vars: { pod: pod(), node: { metadata: { name: n } } }, mutable: false });
    assert.equal(evaluateHookSync(h, vars('good'), newBudget(1000)).deny, undefined);
    assert.ok(evaluateHookSync(h, vars('bad'), newBudget(1000)).deny);
  });
});

describe('hooks/dsl validateHook', () => {
  const base = { apiVersion: 'hooks.k8ts.dev/v1alpha1', kind: 'Hook', metadata: { name: 'h' } };
  const fields = (spec: Json, points?: Set<string>) => validateHook({ ...base, spec }, points).map((e) => `${e.type} ${e.field}`);

  it('accepts a valid hook', () => {
    assert.deepEqual(fields(needTeam as Json), []);
  });

  it('names the expression that does not compile', () => {
    assert.deepEqual(fields({ validations: [{ expression: 'object.metadata.name ==' }] }), ['FieldValueInvalid spec.validations[0].expression']);
  });

  it('refuses a hook point that has no shape on the server', () => {
    assert.deepEqual(fields({ ...needTeam, hookPoint: 'nothing.here' }, new Set(['api.validatingAdmission'])), ['FieldValueNotSupported spec.hookPoint']);
  });

  it('refuses Deny and Warn together', () => {
    assert.deepEqual(fields({ ...needTeam, validationActions: ['Deny', 'Warn'] }), ['FieldValueInvalid spec.validationActions']);
  });

  it('refuses params at a synchronous hook point', () => {
    assert.deepEqual(fields({ ...needTeam, hookPoint: 'scheduler.filter', paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, paramRef: { name: 'x' } }), ['FieldValueForbidden spec.paramRef']);
  });

  it('refuses mutations at a point that does not accept them', () => {
    assert.deepEqual(fields({ hookPoint: 'controllers.reconcile', mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[]' } }] }), ['FieldValueForbidden spec.mutations']);
  });

  it('refuses a hook that does nothing', () => {
    assert.deepEqual(fields({}), ['FieldValueRequired spec.validations']);
  });
});
