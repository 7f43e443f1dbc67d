/**
 * e2e: the real kubectl (1.32, /usr/bin/kubectl) against an in-process k8ts with the Discovery,
 * OpenAPI and SchemaValidation plugins and the test resources (the real resource plugins win where
 * they exist). Each kubectl run gets a fresh HOME, so no discovery or OpenAPI cache is reused.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import { TEST_DEFINITIONS, testResources } from './testing';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
        env: [{name: MODE, value: one}]
      - name: side
        image: busybox
`;

describe('kubectl against Discovery and OpenAPI (e2e)', function () {
  this.timeout(60_000);
  const servers = useTestServers();
  const tmp = useTmpDirs();

  async function setup(): Promise<{ kubectl: (...args: string[]) => Promise<Run>; dir: string }> {
    const dir = tmp.make();
    const started = await servers.start({ dir, extraPlugins: [testResources(TEST_DEFINITIONS, { ifAbsent: true })] });
    const kubectl = (...args: string[]) =>
      new Promise<Run>((resolve) => {
        const home = tmp.make('k8ts-kubectl-home-');
        execFile('kubectl', ['--kubeconfig', started.kubeconfigPath, ...args], { cwd: dir, env: { ...process.env, HOME: home, KUBECONFIG: '' }, timeout: 30_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
      });
    return { kubectl, dir };
  }

  /** `kubectl apply` the manifest text; creates the default namespace first (from a file: JSON body). */
  async function apply(env: { kubectl: (...args: string[]) => Promise<Run>; dir: string }, name: string, text: string, ...flags: string[]): Promise<Run> {
    const ns = path.join(env.dir, 'ns.yaml');
    if (!fs.existsSync(ns)) {
      fs.writeFileSync(ns, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n');
      const r = await env.kubectl('apply', '-f', ns);
      assert.equal(r.code, 0, r.stderr);
    }
    const file = path.join(env.dir, name);
    fs.writeFileSync(file, text);
    return env.kubectl('apply', '-f', file, ...flags);
  }

  it('kubectl api-resources lists the resources with short names, group-versions and scope', async () => {
    const { kubectl } = await setup();
    const r = await kubectl('api-resources');
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    assert.ok(rows.some((c) => c.join(' ') === 'deployments deploy apps/v1 true Deployment'), r.stdout);
    assert.ok(rows.some((c) => c.join(' ') === 'pods po v1 true Pod'), r.stdout);
    assert.ok(rows.some((c) => c.join(' ') === 'namespaces ns v1 false Namespace'), r.stdout);
    assert.ok(rows.some((c) => c.join(' ') === 'horizontalpodautoscalers hpa autoscaling/v2 true HorizontalPodAutoscaler'), r.stdout);
    assert.equal(r.stderr, '');
  });

  it('kubectl api-versions lists every served group-version', async () => {
    const { kubectl } = await setup();
    const r = await kubectl('api-versions');
    assert.equal(r.code, 0, r.stderr);
    const versions = r.stdout.trim().split('\n');
    for (const gv of ['apps/v1', 'autoscaling/v1', 'autoscaling/v2', 'v1']) assert.ok(versions.includes(gv), r.stdout);
  });

  it('kubectl explain deployment.spec.strategy prints the field documentation', async () => {
    const { kubectl } = await setup();
    const r = await kubectl('explain', 'deployment.spec.strategy');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /KIND:\s+Deployment/);
    assert.match(r.stdout, /VERSION:\s+v1/);
    assert.match(r.stdout, /FIELD: strategy <DeploymentStrategy>/);
    assert.match(r.stdout, /The deployment strategy to use to replace existing pods with new ones\./);
    assert.match(r.stdout, /rollingUpdate\s+<RollingUpdateDeployment>/);
    assert.match(r.stdout, /type\s+<string>/);
  });

  it('kubectl explain shows maps, int-or-string and list types', async () => {
    const { kubectl } = await setup();
    const r = await kubectl('explain', 'pods.spec.containers');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /FIELD: containers <\[\]Container>/);
    assert.match(r.stdout, /name\s+<string> -required-/);
    const surge = await kubectl('explain', 'deploy.spec.strategy.rollingUpdate.maxSurge');
    assert.match(surge.stdout, /FIELD: maxSurge <IntOrString>/);
  });

  it('kubectl apply (default --validate=strict) is refused by the server for an unknown field', async () => {
    const env = await setup();
    const r = await apply(env, 'bad.yaml', DEPLOYMENT.replace('  replicas: 2\n', '  replicas: 2\n  bogus: true\n'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec\.bogus"/);
  });

  it('kubectl apply --validate=warn creates the object and prints the server\'s warning', async () => {
    const env = await setup();
    const r = await apply(env, 'warn.yaml', DEPLOYMENT.replace('  replicas: 2\n', '  replicas: 2\n  bogus: true\n'), '--validate=warn');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: unknown field "spec\.bogus"/);
  });

  it('a second kubectl apply patches with a strategic merge patch built from the served schemas', async () => {
    const env = await setup();
    const first = await apply(env, 'dep.yaml', DEPLOYMENT);
    assert.equal(first.code, 0, first.stderr);
    const second = await apply(env, 'dep.yaml', DEPLOYMENT.replace('nginx:1.27', 'nginx:1.28').replace('value: one', 'value: two'), '-v=8');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /Content-Type: application\/strategic-merge-patch\+json/);
    assert.match(second.stderr, /\$setElementOrder\/containers/);
    const got = await env.kubectl('get', 'deployment', 'web', '-o', 'json');
    const containers = JSON.parse(got.stdout).spec.template.spec.containers;
    assert.deepEqual(
      containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`),
      ['nginx=nginx:1.28', 'side=busybox'],
    );
    assert.deepEqual(containers[0].env, [{ name: 'MODE', value: 'two' }]);
  });
});
