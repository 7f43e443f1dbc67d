/**
 * Acceptance (issue 7): every example of examples/hooks applied with the real kubectl through the
 * API (the Hook CRD from crds/), then shown to act on requests of a user who is not in
 * system:masters (`--as=dev`, bound to cluster-admin: hooks exempt system:masters, not admins):
 * denial with the hook's message, default resources, a ConfigMap-parameterised replica limit, a
 * warning, a script mutation, a reconcile freeze. Also: a hook that does not compile is refused
 * (422), system:masters is never subject to hooks, and the `edit` role cannot write hooks.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { startCluster, eventually } from '../../plugins/controllers/shared/test-cluster';
import { hooksOf } from '.';
import { kubectlRunner, show, type KubectlResult } from '../../test/helpers/kubectl';

const EXAMPLES = path.resolve(__dirname, '../../../examples/hooks');
const ex = (p: string) => path.join(EXAMPLES, p);

describe('e2e: examples/hooks with the real kubectl (in-process k8ts over TLS, Hook CRD)', function () {
  this.timeout(120_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  const runner = kubectlRunner(() => ({ kubeconfig: cluster.kubeconfigPath, cwd: cluster.dir }));
  const kubectl = (args: string[]): Promise<KubectlResult> => runner.run(args, 45_000);
  const dev = (args: string[]) => kubectl(['--as=dev', '--as-group=developers', ...args]);
  const ok = async (args: string[]) => {
    const r = await kubectl(args);
    assert.equal(r.code, 0, show(r));
    return r;
  };

  /** apply a hook as the admin and wait until its status says it is active */
  async function applyHook(file: string, name: string): Promise<void> {
    await ok(['apply', '-f', ex(file)]);
    await eventually(`hook ${name} active`, async () => (await kubectl(['get', 'hooks.hooks.k8ts.dev', name, '-o', 'jsonpath={.status.active}'])).stdout === 'true', 20_000, 100);
  }

  before(async function () {
    this.timeout(60_000);
    cluster = await startCluster({ tls: true, controllers: true });
    await eventually('Hook CRD served', async () => (await kubectl(['get', 'hooks.hooks.k8ts.dev'])).code === 0, 20_000, 200);
    await ok(['create', 'clusterrolebinding', 'dev-admin', '--clusterrole=cluster-admin', '--user=dev']);
  });
  afterEach(async function () {
    this.timeout(30_000);
    await kubectl(['delete', 'hooks.hooks.k8ts.dev', '--all']);
    await eventually('no hooks loaded', () => hooksOf(cluster.server)?.set.all().length === 0, 20_000, 50);
  });
  after(async () => {
    await cluster?.close();
    runner.cleanup();
  });

  it('required-label: kubectl prints the denial with the messageExpression text; a labelled pod is admitted', async () => {
    await applyHook('required-label/hook.yaml', 'require-team-label');
    const denied = await dev(['apply', '-f', ex('required-label/pod-without-team.yaml')]);
    assert.notEqual(denied.code, 0, show(denied));
    assert.match(denied.stderr, /Error from server \(Forbidden\).*hook 'require-team-label' denied request: Pod no-team must have a non-empty team label/, show(denied));
    const admitted = await dev(['apply', '-f', ex('required-label/pod-with-team.yaml')]);
    assert.equal(admitted.code, 0, show(admitted));
  });

  it('system:masters is never subject to hooks (no lock-out)', async () => {
    await applyHook('required-label/hook.yaml', 'require-team-label');
    const r = await kubectl(['run', 'admin-pod', '--image=nginx:1.27']);
    assert.equal(r.code, 0, show(r));
  });

  it('default-resources: containers without requests get defaults, the pod is annotated (ApplyConfiguration + JSONPatch)', async () => {
    await applyHook('default-resources/hook.yaml', 'default-resources');
    await ok(['--as=dev', 'apply', '-f', ex('default-resources/pod.yaml')]);
    const pod = JSON.parse((await ok(['get', 'pod', 'no-requests', '-o', 'json'])).stdout);
    assert.deepEqual(pod.spec.containers[0].resources.requests, { cpu: '100m', memory: '64Mi' });
    assert.deepEqual(pod.spec.containers[1].resources.requests, { cpu: '10m' });
    assert.equal(pod.metadata.annotations['hooks.k8ts.dev/defaulted-resources'], 'true');
  });

  it('replica-limit: a Deployment over the ConfigMap param is refused (Invalid) with the limit in the message', async () => {
    await ok(['apply', '-f', ex('replica-limit/limits.yaml')]);
    await applyHook('replica-limit/hook.yaml', 'replica-limit');
    const denied = await dev(['apply', '-f', ex('replica-limit/deployment-too-big.yaml')]);
    assert.notEqual(denied.code, 0, show(denied));
    assert.match(denied.stderr, /The deployments "too-big" is invalid: : hook 'replica-limit' denied request: replicas 5 exceed the limit of 3 in namespace default/, show(denied));
    const small = await dev(['create', 'deployment', 'small', '--image=nginx:1.27', '--replicas=2']);
    assert.equal(small.code, 0, show(small));
  });

  it('warn-latest-tag: the request succeeds and kubectl prints the warning', async () => {
    await applyHook('warn-latest-tag/hook.yaml', 'warn-latest-tag');
    const r = await dev(['apply', '-f', ex('warn-latest-tag/pod.yaml')]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /Warning: Validation failed for hook 'warn-latest-tag': pin the image tag of app \(no tag or :latest\)/, show(r));
  });

  it('script-mutate: the script hook labels the pod and sets default requests', async () => {
    await applyHook('script-mutate.yaml', 'pod-defaults-script');
    const r = await dev(['run', 'scripted', '--image=nginx:1.27']);
    assert.equal(r.code, 0, show(r));
    const pod = JSON.parse((await ok(['get', 'pod', 'scripted', '-o', 'json'])).stdout);
    assert.equal(pod.metadata.labels.team, 'unassigned');
    assert.deepEqual(pod.spec.containers[0].resources.requests, { cpu: '100m', memory: '128Mi' });
  });

  it('reconcile-freeze: the Deployment controller skips namespace frozen until the hook is deleted', async () => {
    await applyHook('reconcile-freeze/hook.yaml', 'reconcile-freeze');
    await ok(['create', 'namespace', 'frozen']);
    await ok(['create', 'namespace', 'thawed']);
    await ok(['--as=dev', 'create', 'deployment', 'web', '-n', 'frozen', '--image=nginx:1.27']);
    await ok(['--as=dev', 'create', 'deployment', 'web', '-n', 'thawed', '--image=nginx:1.27']);
    await eventually('a ReplicaSet in thawed', async () => (await kubectl(['get', 'rs', '-n', 'thawed', '-o', 'name'])).stdout.trim(), 30_000, 200);
    const metrics = await eventually('a reconcile-freeze denial on /metrics', async () => {
      const m = await kubectl(['get', '--raw', '/metrics']);
      return /k8ts_hook_denials_total\{hook="reconcile-freeze",point="controllers.reconcile"\} [1-9]/.test(m.stdout) && m.stdout;
    }, 30_000, 200);
    assert.ok(metrics);
    const frozen = await ok(['get', 'rs', '-n', 'frozen', '-o', 'name']);
    assert.equal(frozen.stdout.trim(), '', show(frozen));
    await ok(['delete', 'hooks.hooks.k8ts.dev', 'reconcile-freeze']);
    await ok(['annotate', 'deployment', 'web', '-n', 'frozen', 'thaw=now']);
    await eventually('a ReplicaSet in frozen after the hook is gone', async () => (await kubectl(['get', 'rs', '-n', 'frozen', '-o', 'name'])).stdout.trim(), 30_000, 200);
  });

  it('a hook whose CEL does not compile is refused with 422 Invalid and the compile error', async () => {
    const bad = cluster.dir + '/bad-hook.yaml';
    require('node:fs').writeFileSync(bad, 'apiVersion: hooks.k8ts.dev/v1alpha1\nkind: Hook\nmetadata: {name: bad}\nspec:\n  validations:\n    - expression: "object.metadata.name =="\n');
    const r = await kubectl(['apply', '-f', bad]);
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /The Hook "bad" is invalid: spec\.validations\[0\]\.expression: Invalid value: .*compilation failed/, show(r));
  });

  it('hooks are admin-only: the edit role cannot create them', async () => {
    await ok(['create', 'rolebinding', 'eve-edit', '--clusterrole=edit', '--user=eve', '-n', 'default']);
    const r = await kubectl(['--as=eve', 'auth', 'can-i', 'create', 'hooks.hooks.k8ts.dev']);
    assert.equal(r.stdout.trim(), 'no', show(r));
    const c = await kubectl(['--as=eve', 'apply', '-f', ex('warn-latest-tag/hook.yaml')]);
    assert.match(c.stderr, /Error from server \(Forbidden\)/, show(c));
  });
});
