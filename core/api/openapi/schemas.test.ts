import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { generateDefinitionFiles } from './generator/generate';
import { builtinSchemaSource, definitionsDir, getBuiltinSchema, getSchema, SchemaRegistry } from './schemas';
import type { Schema } from './schema-types';

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

function prop(def: string, name: string): Schema {
  const s = getBuiltinSchema(def)?.properties?.[name];
  assert.ok(s, `${def}.${name}`);
  return s;
}

describe('OpenAPI schemas (generated from kubernetes-types)', () => {
  it('the committed definitions are what the generator makes from the installed kubernetes-types', function () {
    this.timeout(60_000);
    let generated;
    try {
      generated = generateDefinitionFiles();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') this.skip();
      throw err;
    }
    const dir = definitionsDir();
    for (const [name, text] of generated.files) assert.equal(fs.readFileSync(path.join(dir, name), 'utf8'), text, `${name} is stale: regenerate`);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort(), [...generated.files.keys()].sort());
  });

  it('names its source (kubernetes-types 1.30)', () => {
    assert.match(builtinSchemaSource(), /^kubernetes-types@1\.30\./);
  });

  it('gives top-level kinds x-kubernetes-group-version-kind, descriptions and required fields', () => {
    const dep = getBuiltinSchema('io.k8s.api.apps.v1.Deployment') as Schema;
    assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.match(dep.description ?? '', /Deployment enables declarative updates/);
    assert.deepEqual(getBuiltinSchema('io.k8s.api.apps.v1.DeploymentSpec')?.required, ['selector', 'template']);
    assert.deepEqual(getBuiltinSchema(`${CORE}.Pod`)?.['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
    assert.deepEqual(getBuiltinSchema(`${META}.Status`)?.['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Status', version: 'v1' }]);
  });

  it('refers to other definitions through allOf with the property description beside it', () => {
    const strategy = prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy');
    assert.deepEqual(strategy.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
    assert.match(strategy.description ?? '', /deployment strategy/);
  });

  it('types IntOrString, Quantity and Time as Kubernetes publishes them', () => {
    assert.deepEqual(getBuiltinSchema('io.k8s.apimachinery.pkg.util.intstr.IntOrString')?.oneOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.equal(getBuiltinSchema('io.k8s.apimachinery.pkg.util.intstr.IntOrString')?.format, 'int-or-string');
    assert.equal(getBuiltinSchema('io.k8s.apimachinery.pkg.util.intstr.IntOrString')?.['x-kubernetes-int-or-string'], true);
    assert.deepEqual(getBuiltinSchema('io.k8s.apimachinery.pkg.api.resource.Quantity')?.oneOf, [{ type: 'string' }, { type: 'number' }]);
    assert.equal(getBuiltinSchema(`${META}.Time`)?.format, 'date-time');
    assert.deepEqual(prop('io.k8s.api.apps.v1.RollingUpdateDeployment', 'maxSurge').allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
  });

  it('types maps with additionalProperties (labels, resource limits)', () => {
    assert.deepEqual(prop(`${META}.ObjectMeta`, 'labels').additionalProperties, { type: 'string' });
    assert.deepEqual(prop(`${CORE}.ResourceRequirements`, 'limits').additionalProperties, { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' });
  });

  it('carries the patch merge keys of the merge-keyed lists', () => {
    const cases: Array<[string, string, string, string]> = [
      [`${CORE}.PodSpec`, 'containers', 'name', 'merge'],
      [`${CORE}.PodSpec`, 'initContainers', 'name', 'merge'],
      [`${CORE}.PodSpec`, 'volumes', 'name', 'merge,retainKeys'],
      [`${CORE}.PodSpec`, 'imagePullSecrets', 'name', 'merge'],
      [`${CORE}.PodSpec`, 'hostAliases', 'ip', 'merge'],
      [`${CORE}.PodSpec`, 'topologySpreadConstraints', 'topologyKey', 'merge'],
      [`${CORE}.Container`, 'env', 'name', 'merge'],
      [`${CORE}.Container`, 'ports', 'containerPort', 'merge'],
      [`${CORE}.Container`, 'volumeMounts', 'mountPath', 'merge'],
      [`${CORE}.Container`, 'volumeDevices', 'devicePath', 'merge'],
      [`${CORE}.ServiceSpec`, 'ports', 'port', 'merge'],
      [`${CORE}.PodStatus`, 'conditions', 'type', 'merge'],
      [`${CORE}.NodeStatus`, 'addresses', 'type', 'merge'],
      ['io.k8s.api.apps.v1.DeploymentStatus', 'conditions', 'type', 'merge'],
      [`${META}.ObjectMeta`, 'ownerReferences', 'uid', 'merge'],
    ];
    for (const [def, name, key, strategy] of cases) {
      const s = prop(def, name);
      assert.equal(s['x-kubernetes-patch-merge-key'], key, `${def}.${name}`);
      assert.equal(s['x-kubernetes-patch-strategy'], strategy, `${def}.${name}`);
    }
  });

  it('carries server-side-apply list types (map keys, sets, atomic)', () => {
    assert.deepEqual(prop(`${CORE}.Container`, 'ports')['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
    assert.deepEqual(prop(`${CORE}.ServiceSpec`, 'ports')['x-kubernetes-list-map-keys'], ['port', 'protocol']);
    assert.equal(prop(`${META}.ObjectMeta`, 'finalizers')['x-kubernetes-list-type'], 'set');
    assert.equal(prop(`${META}.ObjectMeta`, 'finalizers')['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(prop(`${CORE}.PodSpec`, 'tolerations')['x-kubernetes-list-type'], 'atomic');
    assert.equal(prop(`${CORE}.NodeSpec`, 'podCIDRs')['x-kubernetes-list-type'], 'set');
  });

  it('marks Deployment.spec.strategy retainKeys', () => {
    assert.equal(prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')['x-kubernetes-patch-strategy'], 'retainKeys');
  });

  it('gives every condition list a type merge key', () => {
    assert.equal(prop('io.k8s.api.policy.v1.PodDisruptionBudgetStatus', 'conditions')['x-kubernetes-patch-merge-key'], 'type');
    assert.equal(prop('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus', 'conditions')['x-kubernetes-patch-merge-key'], 'type');
  });

  it('puts back integer and byte formats (int64, int32, base64)', () => {
    assert.equal(prop(`${META}.ObjectMeta`, 'generation').format, 'int64');
    assert.equal(prop(`${CORE}.PodSpec`, 'terminationGracePeriodSeconds').format, 'int64');
    assert.equal(prop('io.k8s.api.apps.v1.DeploymentSpec', 'replicas').format, 'int32');
    assert.equal(prop('io.k8s.api.certificates.v1.CertificateSigningRequestSpec', 'expirationSeconds').format, 'int32');
    assert.deepEqual(prop(`${CORE}.Secret`, 'data').additionalProperties, { type: 'string', format: 'byte' });
    assert.equal(prop('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps', 'maximum').type, 'number');
  });

  it('adds the Kubernetes 1.31/1.32 fields kubernetes-types 1.30 lacks', () => {
    assert.ok(prop(`${CORE}.PodSpec`, 'resources'));
    assert.ok(prop(`${CORE}.Volume`, 'image'));
    assert.ok(getBuiltinSchema(`${CORE}.ImageVolumeSource`));
  });

  it('has kube-aggregator\'s APIService, which kubernetes-types lacks', () => {
    const api = getBuiltinSchema('io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService');
    assert.deepEqual(api?.['x-kubernetes-group-version-kind'], [{ group: 'apiregistration.k8s.io', kind: 'APIService', version: 'v1' }]);
    assert.equal(prop('io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec', 'caBundle').format, 'byte');
  });

  it('getSchema accepts a definition name or a #/components/schemas reference', () => {
    assert.equal(getSchema('io.k8s.api.apps.v1.Deployment'), getBuiltinSchema('io.k8s.api.apps.v1.Deployment'));
    assert.equal(getSchema('#/components/schemas/io.k8s.api.apps.v1.Deployment'), getBuiltinSchema('io.k8s.api.apps.v1.Deployment'));
  });

  describe('SchemaRegistry', () => {
    it('computes the transitive closure of references', () => {
      const names = new SchemaRegistry().closure(['io.k8s.api.apps.v1.Deployment']);
      for (const n of [`${META}.ObjectMeta`, `${CORE}.PodSpec`, `${CORE}.Container`, 'io.k8s.apimachinery.pkg.util.intstr.IntOrString']) assert.ok(names.includes(n), n);
      assert.ok(!names.includes(`${CORE}.Service`));
    });

    it('adds runtime schemas, bumps its generation and removes them again', () => {
      const r = new SchemaRegistry();
      r.add('com.example.v1.Widget', { type: 'object' });
      assert.equal(r.generation, 1);
      assert.equal(r.get('com.example.v1.Widget')?.type, 'object');
      assert.equal(r.isBuiltin('com.example.v1.Widget'), false);
      r.remove('com.example.v1.Widget');
      assert.equal(r.get('com.example.v1.Widget'), undefined);
      assert.equal(r.generation, 2);
    });

    it('refuses to replace a built-in schema', () => {
      assert.throws(() => new SchemaRegistry().add('io.k8s.api.apps.v1.Deployment', { type: 'object' }), /built in/);
    });

    it('finds the definition of a group-version-kind', () => {
      assert.equal(new SchemaRegistry().findByKind('policy', 'v1', 'Eviction'), 'io.k8s.api.policy.v1.Eviction');
    });
  });
});
