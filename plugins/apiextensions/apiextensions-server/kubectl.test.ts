/**
 * Acceptance (issue 6, CRD half): the real kubectl 1.32 against `k8ts up` serving the CronTab CRD
 * of examples/crds: get crd, explain, apply/get/patch/scale/delete custom resources with printer
 * columns, short names, `get all`, watch, a CEL rule violation, and deleting the CRD.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { json, show, until, useCluster } from '../../../test/helpers/kubectl';
import { builtinCrdsDir, readCrdManifests } from './manifests';
import { examplesDir } from './testing';

describe('apiextensions/APIExtensionServer: kubectl against k8ts up', function () {
  this.timeout(60_000);
  const c = useCluster();
  const ok = async (args: string[], stdin?: string) => {
    const r = await c.kubectl(args, { stdin });
    assert.equal(r.code, 0, show(r));
    return r;
  };
  const sample = (name: string, spec: Record<string, unknown> = {}) =>
    JSON.stringify({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name, namespace: 'default' }, spec: { cronSpec: '*/5 * * * *', image: 'my-awesome-cron-image', replicas: 2, ...spec } });

  before(async function () {
    this.timeout(60_000);
    const r = await ok(['apply', '-f', path.join(examplesDir(), 'crontab.yaml')]);
    assert.match(r.stdout, /customresourcedefinition.apiextensions.k8s.io\/crontabs.stable.example.com created/);
    await ok(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=30s']);
  });

  it('kubectl get crd lists the CRD', async () => {
    const r = await ok(['get', 'crd']);
    assert.match(r.stdout, /^NAME\s+CREATED AT/m);
    assert.match(r.stdout, /^crontabs\.stable\.example\.com\s+\d{4}-/m);
  });

  it('serves the CRDs of the crds/ folder at start', async () => {
    const { crds } = readCrdManifests(builtinCrdsDir() as string);
    assert.ok(crds.length > 0, 'crds/ has manifests');
    for (const crd of crds) await ok(['wait', '--for=condition=Established', `crd/${crd.metadata.name}`, '--timeout=10s']);
  });

  it('kubectl explain crontab.spec shows the schema of the CRD', async () => {
    const r = await ok(['explain', 'crontab.spec']);
    assert.match(r.stdout, /KIND:\s+CronTab/);
    assert.match(r.stdout, /cronSpec\s+<string> -required-/);
    assert.match(r.stdout, /replicas\s+<integer>/);
  });

  it('kubectl apply creates a custom resource and get prints the printer columns', async () => {
    const r = await ok(['apply', '-f', path.join(examplesDir(), 'crontab-sample.yaml')]);
    assert.match(r.stdout, /crontab.stable.example.com\/my-cron created/);
    const get = await ok(['get', 'crontabs']);
    assert.match(get.stdout, /^NAME\s+SPEC\s+REPLICAS\s+AGE\s*$/m);
    assert.match(get.stdout, /^my-cron\s+\*\/5 \* \* \* \*\s+2\s+\d+s\s*$/m);
  });

  it('kubectl get <shortname> -o wide adds the priority-1 columns', async () => {
    await ok(['apply', '-f', '-'], sample('wide'));
    const r = await ok(['get', 'ct', 'wide', '-o', 'wide']);
    assert.match(r.stdout, /^NAME\s+SPEC\s+REPLICAS\s+IMAGE\s+AGE\s*$/m);
    assert.match(r.stdout, /^wide\s+.*my-awesome-cron-image/m);
  });

  it('kubectl get --field-selector works on a selectableField', async () => {
    await ok(['apply', '-f', '-'], sample('picked', { image: 'picked-image' }));
    const r = await ok(['get', 'crontabs', '--field-selector', 'spec.image=picked-image', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'crontab.stable.example.com/picked');
  });

  it('kubectl get all includes the custom resource (category all)', async () => {
    await ok(['apply', '-f', '-'], sample('in-all'));
    const r = await ok(['get', 'all']);
    assert.match(r.stdout, /crontab\.stable\.example\.com\/in-all/);
  });

  it('kubectl patch --type=merge and --type=json change a custom resource', async () => {
    await ok(['apply', '-f', '-'], sample('patched'));
    await ok(['patch', 'crontab', 'patched', '--type=merge', '-p', '{"spec":{"image":"merged"}}']);
    await ok(['patch', 'crontab', 'patched', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
    const obj = json(await ok(['get', 'crontab', 'patched', '-o', 'json']));
    assert.deepEqual([obj.spec.image, obj.spec.replicas], ['merged', 4]);
  });

  it('kubectl patch with a strategic merge patch is refused (415)', async () => {
    await ok(['apply', '-f', '-'], sample('smp'));
    const r = await c.kubectl(['patch', 'crontab', 'smp', '-p', '{"spec":{"image":"x"}}']);
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /strategic-merge-patch\+json is not supported/);
  });

  it('kubectl apply --server-side creates and updates a custom resource', async () => {
    await ok(['apply', '--server-side', '-f', '-'], sample('ssa'));
    await ok(['apply', '--server-side', '-f', '-'], sample('ssa', { image: 'ssa:2' }));
    const obj = json(await ok(['get', 'crontab', 'ssa', '-o', 'json']));
    assert.equal(obj.spec.image, 'ssa:2');
  });

  it('kubectl scale changes spec.replicas through /scale', async () => {
    await ok(['apply', '-f', '-'], sample('scaled'));
    const r = await ok(['scale', 'crontab', 'scaled', '--replicas=3']);
    assert.match(r.stdout, /crontab.stable.example.com\/scaled scaled/);
    const obj = json(await ok(['get', 'crontab', 'scaled', '-o', 'json']));
    assert.equal(obj.spec.replicas, 3);
  });

  it('kubectl get -w shows a change to a custom resource', async () => {
    await ok(['apply', '-f', '-'], sample('watched'));
    const w = c.background(['get', 'crontab', 'watched', '-w', '--output-watch-events']);
    try {
      await w.waitFor(/ADDED\s+watched/);
      await ok(['patch', 'crontab', 'watched', '--type=merge', '-p', '{"spec":{"replicas":5}}']);
      await w.waitFor(/MODIFIED\s+watched\s+\S+ \S+ \S+ \S+ \S+\s+5/);
    } finally {
      await w.stop();
    }
  });

  it('a CronTab violating its CEL rule is refused as Invalid with the rule message', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { stdin: sample('too-many', { replicas: 11 }) });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /is invalid: spec: Invalid value: "object": replicas must be at most 10/);
  });

  it('a CronTab with an unknown field is refused by kubectl apply (strict field validation)', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { stdin: sample('unknown', { bogus: true }) });
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /unknown field "spec.bogus"/);
  });

  it('kubectl delete crd deletes the custom resources and stops serving them', async () => {
    await ok(['delete', 'crd', 'crontabs.stable.example.com', '--timeout=30s']);
    const r = await until('crontabs gone', async () => {
      const g = await c.kubectl(['get', 'crontabs']);
      return g.code !== 0 ? g : undefined;
    });
    assert.match(r?.stderr ?? '', /the server doesn't have a resource type "crontabs"/);
    const raw = await c.request('GET', '/apis/stable.example.com/v1/namespaces/default/crontabs');
    assert.equal(raw.status, 404);
    assert.equal(raw.json().reason, 'NotFound');
  });
});
