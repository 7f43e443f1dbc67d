import assert from 'node:assert/strict';
import { checkAgainstSchema } from '../../../core/api/openapi/validate';
import type { RequestContext } from '../../../core/pipeline/types';
import { getApiHooks, getResourceRegistry, type DecodeInfo } from '../../../core/registry/registry';
import type { KObject, ResourceDefinition } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { httpRequest, useTestServers } from '../../../test/helpers/kernel';
import { useTmpDirs } from '../../../test/helpers/tmp';
import { CRONTABS, DEPLOYMENTS, docsServer, NAMESPACES, PODS, testResources } from '../discovery/testing';

function ctx(subresource = ''): RequestContext {
  return { requestInfo: { subresource } } as unknown as RequestContext;
}

/** Run the decode hook as the store does and return what the taps reported. */
function decode(server: Server, def: ResourceDefinition, obj: unknown, fieldValidation: DecodeInfo['fieldValidation'] = 'Strict', subresource = ''): DecodeInfo {
  const resource = getResourceRegistry(server).get(def.group, def.names.plural);
  assert.ok(resource);
  const info: DecodeInfo = { resource, version: 'v1', fieldValidation, errors: [], unknownFields: [], ctx: ctx(subresource) };
  getApiHooks(server).decode.call(obj as KObject, info);
  return info;
}

/** What kubectl sends for `kubectl apply -f deployment.yaml` (creationTimestamp null, status {}). */
function deployment(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: null, labels: { app: 'web' }, ...metadata },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1, memory: '128Mi' }, requests: {} } }] },
      },
      ...spec,
    },
    status: {},
  };
}

describe('SchemaValidation plugin', () => {
  describe('decode hook', () => {
    it('accepts what kubectl sends (creationTimestamp: null, status: {}, numbers as quantities)', () => {
      const info = decode(docsServer(), DEPLOYMENTS, deployment());
      assert.deepEqual(info.unknownFields, []);
      assert.deepEqual(info.errors, []);
    });

    it('reports an unknown field by its path (spec.bogus)', () => {
      const info = decode(docsServer(), DEPLOYMENTS, deployment({ bogus: true }));
      assert.deepEqual(info.unknownFields, ['spec.bogus']);
    });

    it('reports an unknown field inside a list item with its index', () => {
      const dep = deployment();
      (dep.spec as any).template.spec.containers.push({ name: 'side', image: 'busybox', imagePullPolicyy: 'Always' });
      const info = decode(docsServer(), DEPLOYMENTS, dep);
      assert.deepEqual(info.unknownFields, ['spec.template.spec.containers[1].imagePullPolicyy']);
    });

    it('reports unknown ObjectMeta fields', () => {
      const info = decode(docsServer(), DEPLOYMENTS, deployment({}, { labelz: { a: 'b' } }));
      assert.deepEqual(info.unknownFields, ['metadata.labelz']);
    });

    it('reports every unknown field at once', () => {
      const info = decode(docsServer(), DEPLOYMENTS, { ...deployment({ a: 1, b: 2 }), extra: true });
      assert.deepEqual(info.unknownFields.sort(), ['extra', 'spec.a', 'spec.b']);
    });

    it('reports a wrong JSON type as FieldValueTypeInvalid', () => {
      const info = decode(docsServer(), DEPLOYMENTS, deployment({ replicas: 'three' }));
      assert.equal(info.errors.length, 1);
      assert.equal(info.errors[0].type, 'FieldValueTypeInvalid');
      assert.equal(info.errors[0].field, 'spec.replicas');
      assert.match(info.errors[0].message, /must be of type integer/);
    });

    it('rejects a fractional number for an integer field', () => {
      const info = decode(docsServer(), DEPLOYMENTS, deployment({ replicas: 1.5 }));
      assert.equal(info.errors[0]?.field, 'spec.replicas');
    });

    it('accepts int-or-string values both ways and rejects other types', () => {
      const ok = decode(docsServer(), DEPLOYMENTS, deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '10%' } } }));
      assert.deepEqual(ok.errors, []);
      const bad = decode(docsServer(), DEPLOYMENTS, deployment({ strategy: { rollingUpdate: { maxSurge: true } } }));
      assert.equal(bad.errors[0]?.field, 'spec.strategy.rollingUpdate.maxSurge');
    });

    it('accepts null anywhere, as Go decodes it as unset', () => {
      const info = decode(docsServer(), DEPLOYMENTS, deployment({ replicas: null, strategy: null }, { annotations: null }));
      assert.deepEqual(info.errors, []);
    });

    it('reports a malformed timestamp as FieldValueInvalid', () => {
      const info = decode(docsServer(), DEPLOYMENTS, deployment({}, { creationTimestamp: 'yesterday' }));
      assert.equal(info.errors[0]?.type, 'FieldValueInvalid');
      assert.equal(info.errors[0]?.field, 'metadata.creationTimestamp');
    });

    it('reports a missing required string as FieldValueRequired', () => {
      const dep = deployment();
      delete (dep.spec as any).template.spec.containers[0].name;
      const info = decode(docsServer(), DEPLOYMENTS, dep);
      assert.deepEqual(info.errors, [{ type: 'FieldValueRequired', field: 'spec.template.spec.containers[0].name', message: 'Required value' }]);
    });

    it('does not report required fields under status (controllers write partial status)', () => {
      const dep = deployment();
      dep.status = { conditions: [{ type: 'Available' }] };
      assert.deepEqual(decode(docsServer(), DEPLOYMENTS, dep).errors, []);
    });

    it('does not report missing required fields when the option is off', () => {
      const server = docsServer(undefined, { SchemaValidation: { required: false } });
      const dep = deployment();
      delete (dep.spec as any).template.spec.containers[0].name;
      assert.deepEqual(decode(server, DEPLOYMENTS, dep).errors, []);
    });

    it('with fieldValidation=Ignore reports no unknown fields but still type errors', () => {
      const info = decode(docsServer(), DEPLOYMENTS, deployment({ bogus: 1, replicas: 'x' }), 'Ignore');
      assert.deepEqual(info.unknownFields, []);
      assert.equal(info.errors[0]?.field, 'spec.replicas');
    });

    it('removes unknown fields from the object (they are never stored)', () => {
      const dep = deployment({ bogus: 1 }, { labelz: {} });
      decode(docsServer(), DEPLOYMENTS, dep, 'Warn');
      assert.equal('bogus' in (dep.spec as object), false);
      assert.equal('labelz' in dep.metadata, false);
      assert.equal((dep.spec as any).replicas, 2);
    });

    it('checks a /scale body against autoscaling/v1 Scale', () => {
      const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 3, bogus: 1 } };
      const info = decode(docsServer(), DEPLOYMENTS, scale, 'Strict', 'scale');
      assert.deepEqual(info.unknownFields, ['spec.bogus']);
    });

    it('checks /status bodies against the kind', () => {
      const info = decode(docsServer(), DEPLOYMENTS, { ...deployment(), status: { replicas: 'x' } }, 'Strict', 'status');
      assert.equal(info.errors[0]?.field, 'status.replicas');
    });

    it('leaves custom subresource bodies alone (eviction)', () => {
      const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' }, deleteOptions: {} };
      const info = decode(docsServer(), PODS, eviction, 'Strict', 'eviction');
      assert.deepEqual(info.unknownFields, []);
      assert.deepEqual(info.errors, []);
    });

    it('checks nothing for a resource without a schemaRef', () => {
      const info = decode(docsServer(), CRONTABS, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c' }, spec: { anything: 1 } });
      assert.deepEqual(info.unknownFields, []);
    });
  });

  describe('checkAgainstSchema', () => {
    it('checks base64 ([]byte) fields', () => {
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { ok: 'aGVsbG8=', bad: 'not base64!' } };
      const result = checkAgainstSchema('io.k8s.api.core.v1.Secret', secret);
      assert.deepEqual(
        result.errors.map((e) => e.field),
        ['data.bad'],
      );
    });

    it('lets free-form objects through (RawExtension, JSON)', () => {
      const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { anything: { goes: [1] } } };
      assert.deepEqual(checkAgainstSchema('io.k8s.api.apps.v1.ControllerRevision', rev).unknownFields, []);
    });

    it('checks CRD schemas strictly (a typo in openAPIV3Schema is an unknown field)', () => {
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'crontabs.stable.example.com' },
        spec: {
          group: 'stable.example.com',
          scope: 'Namespaced',
          names: { plural: 'crontabs', kind: 'CronTab' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fieldz': true } } }],
        },
      };
      const result = checkAgainstSchema('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', crd);
      assert.deepEqual(result.unknownFields, ['spec.versions[0].schema.openAPIV3Schema.x-kubernetes-preserve-unknown-fieldz']);
    });
  });

  describe('through the REST store', () => {
    const servers = useTestServers();
    const tmp = useTmpDirs();

    async function start() {
      const started = await servers.start({ dir: tmp.make(), extraPlugins: [testResources([NAMESPACES, DEPLOYMENTS], { ifAbsent: true })] });
      const url = started.listener.url;
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } };
      const res = await httpRequest(url, '/api/v1/namespaces', { method: 'POST', body: JSON.stringify(ns), headers: { 'content-type': 'application/json' } });
      assert.ok(res.status === 201 || res.status === 409, res.body);
      return url;
    }

    const post = (url: string, body: unknown, query = '') =>
      httpRequest(url, `/apis/apps/v1/namespaces/default/deployments${query}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

    it('fieldValidation=Strict turns an unknown field into 400 strict decoding error', async () => {
      const url = await start();
      const res = await post(url, deployment({ bogus: true }), '?fieldValidation=Strict');
      assert.equal(res.status, 400);
      const status = JSON.parse(res.body);
      assert.equal(status.reason, 'BadRequest');
      assert.match(status.message, /strict decoding error: unknown field "spec.bogus"/);
    });

    it('fieldValidation=Warn stores the object without the field and warns', async () => {
      const url = await start();
      const res = await post(url, deployment({ bogus: true }), '?fieldValidation=Warn');
      assert.equal(res.status, 201);
      assert.match(String(res.headers.warning), /unknown field \\"spec.bogus\\"/);
      assert.equal('bogus' in JSON.parse(res.body).spec, false);
    });

    it('a type error is 422 Invalid', async () => {
      const url = await start();
      const res = await post(url, deployment({ replicas: 'three' }), '?fieldValidation=Strict');
      assert.equal(res.status, 422);
      const status = JSON.parse(res.body);
      assert.equal(status.reason, 'Invalid');
      assert.equal(status.details.causes[0].field, 'spec.replicas');
    });
  });
});
