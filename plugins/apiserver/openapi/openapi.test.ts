import assert from 'node:assert/strict';
import { getSchemaRegistry } from '../../../core/api/openapi/schemas';
import { getResourceRegistry } from '../../../core/registry/registry';
import type { ResourceDefinition } from '../../../core/registry/types';
import { CRONTABS, DEPLOYMENTS, docsServer } from '../discovery/testing';

interface Json {
  [k: string]: any;
}

const DEP_ITEM = '/apis/apps/v1/namespaces/{namespace}/deployments/{name}';

async function gvDoc(key: string, server = docsServer()): Promise<Json> {
  const res = await server.inject({ url: `/openapi/v3/${key}`, headers: { accept: 'application/json' } });
  assert.equal(res.status, 200);
  return res.json<Json>();
}

describe('OpenAPI plugin', () => {
  describe('/openapi/v3 index', () => {
    it('lists every served group-version with a serverRelativeURL carrying its hash', async () => {
      const res = await docsServer().inject({ url: '/openapi/v3?timeout=32s', headers: { accept: 'application/json, */*' } });
      assert.equal(res.status, 200);
      const paths = res.json<Json>().paths;
      assert.deepEqual(Object.keys(paths), ['api/v1', 'apis/apps/v1', 'apis/autoscaling/v1', 'apis/autoscaling/v2', 'apis/stable.example.com/v1']);
      assert.match(paths['apis/apps/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    });

    it('changes the listed hash when the group-version changes (resourcesChanged)', async () => {
      const server = docsServer();
      const before = (await server.inject({ url: '/openapi/v3' })).json<Json>().paths['apis/stable.example.com/v1'].serverRelativeURL;
      const more: ResourceDefinition = { ...CRONTABS, names: { plural: 'jobtabs', singular: 'jobtab', kind: 'JobTab' } };
      getResourceRegistry(server).register(more);
      const after = (await server.inject({ url: '/openapi/v3' })).json<Json>().paths['apis/stable.example.com/v1'].serverRelativeURL;
      assert.notEqual(after, before);
    });

    it('lists a group-version registered at runtime', async () => {
      const server = docsServer([CRONTABS]);
      getResourceRegistry(server).register({ ...CRONTABS, group: 'widgets.example.com', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' } });
      const paths = (await server.inject({ url: '/openapi/v3' })).json<Json>().paths;
      assert.ok(paths['apis/widgets.example.com/v1']);
    });
  });

  describe('group-version documents', () => {
    it('is an OpenAPI 3.0 document', async () => {
      const doc = await gvDoc('apis/apps/v1');
      assert.equal(doc.openapi, '3.0.0');
      assert.equal(doc.info.title, 'Kubernetes');
    });

    it('declares fieldValidation on the PATCH operation of the item path, with GVK and action', async () => {
      const patch = (await gvDoc('apis/apps/v1')).paths[DEP_ITEM].patch;
      assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
      assert.equal(patch['x-kubernetes-action'], 'patch');
      const fv = patch.parameters.find((p: Json) => p.name === 'fieldValidation');
      assert.equal(fv.in, 'query');
    });

    it('declares fieldValidation on every PATCH operation (status, scale) since kubectl checks the first it finds', async () => {
      const paths = (await gvDoc('apis/apps/v1')).paths;
      for (const [p, item] of Object.entries<Json>(paths)) {
        if (!item.patch) continue;
        assert.ok(
          item.patch.parameters.some((x: Json) => x.name === 'fieldValidation' && x.in === 'query'),
          p,
        );
      }
      assert.ok(paths[`${DEP_ITEM}/status`].patch);
      assert.deepEqual(paths[`${DEP_ITEM}/scale`].patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    });

    it('offers strategic merge patch for a built-in schema', async () => {
      const patch = (await gvDoc('apis/apps/v1')).paths[DEP_ITEM].patch;
      assert.deepEqual(Object.keys(patch.requestBody.content).sort(), [
        'application/apply-patch+yaml',
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
      ]);
    });

    it('leaves strategic merge patch out when the definition has no patchSchema (the store would answer 415)', async () => {
      const { patchSchema: _drop, ...plain } = DEPLOYMENTS;
      const patch = (await gvDoc('apis/apps/v1', docsServer([plain]))).paths[DEP_ITEM].patch;
      assert.ok(!('application/strategic-merge-patch+json' in patch.requestBody.content));
      assert.ok(patch.parameters.some((x: Json) => x.name === 'fieldValidation'));
    });

    it('leaves strategic merge patch out for a resource without a built-in schema', async () => {
      const patch = (await gvDoc('apis/stable.example.com/v1')).paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch;
      assert.ok(!('application/strategic-merge-patch+json' in patch.requestBody.content));
      assert.ok(patch.parameters.some((x: Json) => x.name === 'fieldValidation'));
      assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'stable.example.com', version: 'v1', kind: 'CronTab' });
    });

    it('has collection, item, all-namespaces and subresource paths with one operation per verb', async () => {
      const paths = (await gvDoc('apis/apps/v1')).paths;
      const coll = paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
      assert.equal(coll.get['x-kubernetes-action'], 'list');
      assert.equal(coll.post['x-kubernetes-action'], 'post');
      assert.equal(coll.delete['x-kubernetes-action'], 'deletecollection');
      assert.deepEqual(Object.keys(paths[DEP_ITEM]).filter((k) => k !== 'parameters').sort(), ['delete', 'get', 'patch', 'put']);
      assert.equal(paths['/apis/apps/v1/deployments'].get.operationId, 'listAppsV1DeploymentForAllNamespaces');
      assert.equal(paths[DEP_ITEM].patch.operationId, 'patchAppsV1NamespacedDeployment');
      assert.equal(paths[`${DEP_ITEM}/scale`].get.operationId, 'readAppsV1NamespacedDeploymentScale');
    });

    it('leaves out operations for verbs a resource does not have (namespaces: no deletecollection)', async () => {
      const paths = (await gvDoc('api/v1')).paths;
      assert.ok(paths['/api/v1/namespaces'].get);
      assert.equal(paths['/api/v1/namespaces'].delete, undefined);
      assert.ok(paths['/api/v1/namespaces/{name}'].delete);
    });

    it('gives custom subresources their own GVK (pods/eviction is policy/v1 Eviction)', async () => {
      const paths = (await gvDoc('api/v1')).paths;
      const post = paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post;
      assert.deepEqual(post['x-kubernetes-group-version-kind'], { group: 'policy', version: 'v1', kind: 'Eviction' });
      assert.equal(post.requestBody.content['*/*'].schema.$ref, '#/components/schemas/io.k8s.api.policy.v1.Eviction');
    });

    it('carries the kind schema with x-kubernetes-group-version-kind and its description', async () => {
      const schemas = (await gvDoc('apis/apps/v1')).components.schemas;
      const dep = schemas['io.k8s.api.apps.v1.Deployment'];
      assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
      assert.match(dep.description, /Deployment enables declarative updates/);
      assert.match(schemas['io.k8s.api.apps.v1.DeploymentStrategy'].properties.type.description, /Recreate/);
    });

    it('includes every referenced schema transitively (no dangling $ref)', async () => {
      for (const key of ['api/v1', 'apis/apps/v1', 'apis/autoscaling/v2']) {
        const doc = await gvDoc(key);
        const refs = new Set<string>();
        const walk = (v: unknown) => {
          if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) {
              if (k === '$ref') refs.add(String(x));
              else walk(x);
            }
          }
        };
        walk(doc);
        for (const r of refs) assert.ok(doc.components.schemas[r.replace('#/components/schemas/', '')], `${key}: ${r}`);
        assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
      }
    });

    it('carries the patch merge keys kubectl builds strategic merge patches from', async () => {
      const schemas = (await gvDoc('apis/apps/v1')).components.schemas;
      const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
      assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
      assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
      assert.equal(schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
    });

    it('answers 404 NotFound for an unknown group-version', async () => {
      const res = await docsServer().inject({ url: '/openapi/v3/apis/nope.example.com/v1' });
      assert.equal(res.status, 404);
      assert.equal(res.json<Json>().reason, 'NotFound');
    });

    it('includes a schema added to the server\'s schema registry (explain for custom resources)', async () => {
      const server = docsServer([{ ...CRONTABS, versions: [{ name: 'v1', served: true, storage: true, schemaRef: 'com.example.stable.v1.CronTab' }] }]);
      getSchemaRegistry(server).add('com.example.stable.v1.CronTab', {
        type: 'object',
        description: 'A crontab.',
        properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string', description: 'when' } } } },
        'x-kubernetes-group-version-kind': [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }],
      });
      const doc = await gvDoc('apis/stable.example.com/v1', server);
      assert.equal(doc.components.schemas['com.example.stable.v1.CronTab'].description, 'A crontab.');
      assert.ok(!('application/strategic-merge-patch+json' in doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch.requestBody.content));
    });
  });

  describe('caching headers', () => {
    it('sends the hash as ETag', async () => {
      const server = docsServer();
      const index = (await server.inject({ url: '/openapi/v3' })).json<Json>();
      const hash = index.paths['apis/apps/v1'].serverRelativeURL.split('hash=')[1];
      const res = await server.inject({ url: '/openapi/v3/apis/apps/v1' });
      assert.equal(res.headers.etag, `"${hash}"`);
      assert.equal(res.headers['cache-control'], undefined);
    });

    it('marks the document public, immutable when ?hash matches', async () => {
      const server = docsServer();
      const url = (await server.inject({ url: '/openapi/v3' })).json<Json>().paths['apis/apps/v1'].serverRelativeURL;
      const res = await server.inject({ url: `${url}&timeout=32s`, headers: { accept: 'application/json' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers['cache-control'], 'public, immutable');
      assert.ok(res.headers.expires);
    });

    it('redirects (301) a stale ?hash to the current one', async () => {
      const server = docsServer();
      const url = (await server.inject({ url: '/openapi/v3' })).json<Json>().paths['apis/apps/v1'].serverRelativeURL;
      const res = await server.inject({ url: '/openapi/v3/apis/apps/v1?hash=ABC123' });
      assert.equal(res.status, 301);
      assert.equal(res.headers.location, url);
    });

    it('answers 304 to If-None-Match with the current ETag', async () => {
      const server = docsServer();
      const first = await server.inject({ url: '/openapi/v3/api/v1' });
      const res = await server.inject({ url: '/openapi/v3/api/v1', headers: { 'if-none-match': first.headers.etag as string } });
      assert.equal(res.status, 304);
    });
  });

  it('answers /openapi/v2 with a 404 Status (kubectl 1.32 only needs v3)', async () => {
    const res = await docsServer().inject({ url: '/openapi/v2?timeout=32s', headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    assert.equal(res.status, 404);
    assert.equal(res.json<Json>().kind, 'Status');
    assert.equal(res.json<Json>().reason, 'NotFound');
  });
});
