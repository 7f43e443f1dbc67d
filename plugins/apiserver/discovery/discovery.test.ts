import assert from 'node:assert/strict';
import { getResourceRegistry } from '../../../core/registry/registry';
import type { ResourceDefinition } from '../../../core/registry/types';
import { moreSegmentsThan } from '.';
import { AGGREGATED_V2, AGGREGATED_V2BETA1, CRONTABS, docsServer, KUBECTL_DISCOVERY_ACCEPT } from './testing';

interface Json {
  [k: string]: any;
}

const get = async (url: string, headers: Record<string, string> = {}) => docsServer().inject({ url, headers });

describe('Discovery plugin', () => {
  describe('legacy documents', () => {
    it('GET /api returns APIVersions with v1 and serverAddressByClientCIDRs', async () => {
      const server = docsServer();
      const res = await server.inject({ url: '/api?timeout=32s', headers: { host: '127.0.0.1:7443' } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json(), { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:7443' }] });
    });

    it('GET /apis lists the named groups with their versions and the first served version as preferred', async () => {
      const res = await get('/apis');
      const body = res.json<Json>();
      assert.equal(body.kind, 'APIGroupList');
      assert.equal(body.apiVersion, 'v1');
      assert.deepEqual(
        body.groups.map((g: Json) => g.name),
        ['apps', 'autoscaling', 'stable.example.com'],
      );
      const autoscaling = body.groups.find((g: Json) => g.name === 'autoscaling');
      assert.deepEqual(autoscaling.versions, [
        { groupVersion: 'autoscaling/v2', version: 'v2' },
        { groupVersion: 'autoscaling/v1', version: 'v1' },
      ]);
      assert.deepEqual(autoscaling.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
    });

    it('GET /apis/<group> returns the APIGroup', async () => {
      const res = await get('/apis/apps');
      assert.deepEqual(res.json(), {
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: 'apps',
        versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
      });
    });

    it('GET /api/v1 returns an APIResourceList with names, kinds, scope, verbs, shortNames and categories', async () => {
      const body = (await get('/api/v1')).json<Json>();
      assert.equal(body.kind, 'APIResourceList');
      assert.equal(body.groupVersion, 'v1');
      const pods = body.resources.find((r: Json) => r.name === 'pods');
      assert.equal(pods.singularName, 'pod');
      assert.equal(pods.namespaced, true);
      assert.equal(pods.kind, 'Pod');
      assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
      assert.deepEqual(pods.shortNames, ['po']);
      assert.deepEqual(pods.categories, ['all']);
      assert.equal(typeof pods.storageVersionHash, 'string');
      const ns = body.resources.find((r: Json) => r.name === 'namespaces');
      assert.equal(ns.namespaced, false);
      assert.ok(!ns.verbs.includes('deletecollection'));
      assert.equal(ns.categories, undefined);
    });

    it('lists resources sorted by name with their subresources after them', async () => {
      const body = (await get('/apis/apps/v1')).json<Json>();
      assert.deepEqual(
        body.resources.map((r: Json) => r.name),
        ['deployments', 'deployments/scale', 'deployments/status'],
      );
    });

    it('gives deployments/scale the autoscaling/v1 Scale kind and deployments/status the parent kind', async () => {
      const body = (await get('/apis/apps/v1')).json<Json>();
      const scale = body.resources.find((r: Json) => r.name === 'deployments/scale');
      assert.deepEqual(scale, { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
      const status = body.resources.find((r: Json) => r.name === 'deployments/status');
      assert.deepEqual(status, { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] });
    });

    it('gives custom subresources their own group/version when they differ (pods/eviction is policy/v1)', async () => {
      const body = (await get('/api/v1')).json<Json>();
      const eviction = body.resources.find((r: Json) => r.name === 'pods/eviction');
      assert.equal(eviction.group, 'policy');
      assert.equal(eviction.version, 'v1');
      assert.equal(eviction.kind, 'Eviction');
      assert.deepEqual(eviction.verbs, ['create']);
      const log = body.resources.find((r: Json) => r.name === 'pods/log');
      assert.equal(log.kind, 'Pod');
      assert.equal(log.group, undefined);
    });

    it('serves a non-preferred version too (autoscaling/v1)', async () => {
      const body = (await get('/apis/autoscaling/v1')).json<Json>();
      assert.equal(body.groupVersion, 'autoscaling/v1');
      assert.deepEqual(
        body.resources.map((r: Json) => r.name),
        ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'],
      );
    });

    it('answers 404 NotFound for an unknown group', async () => {
      const res = await get('/apis/nope.example.com');
      assert.equal(res.status, 404);
      assert.equal(res.json<Json>().kind, 'Status');
      assert.equal(res.json<Json>().reason, 'NotFound');
    });

    it('answers 404 NotFound for an unknown version of a known group', async () => {
      const res = await get('/apis/apps/v1beta9');
      assert.equal(res.status, 404);
      assert.equal(res.json<Json>().reason, 'NotFound');
    });

    it('answers 404 NotFound for an unknown core version', async () => {
      const res = await get('/api/v2');
      assert.equal(res.status, 404);
      assert.equal(res.json<Json>().reason, 'NotFound');
    });

    it('replies application/json to kubectl\'s resource-list Accept (application/json, */*)', async () => {
      const res = await get('/apis/apps/v1', { accept: 'application/json, */*' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json');
    });

    it('never answers 406 when */* is accepted, even after protobuf', async () => {
      const res = await get('/apis', { accept: 'application/vnd.kubernetes.protobuf, */*' });
      assert.equal(res.status, 200);
      assert.equal(res.json<Json>().kind, 'APIGroupList');
    });

    it('answers 406 NotAcceptable when neither JSON nor */* is accepted', async () => {
      const res = await get('/apis', { accept: 'text/html' });
      assert.equal(res.status, 406);
      assert.equal(res.json<Json>().reason, 'NotAcceptable');
    });
  });

  describe('aggregated discovery', () => {
    it('answers kubectl\'s Accept for /apis with apidiscovery.k8s.io/v2 and its Content-Type', async () => {
      const res = await get('/apis', { accept: KUBECTL_DISCOVERY_ACCEPT });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      const body = res.json<Json>();
      assert.equal(body.kind, 'APIGroupDiscoveryList');
      assert.equal(body.apiVersion, 'apidiscovery.k8s.io/v2');
      assert.deepEqual(body.metadata, {});
      assert.deepEqual(
        body.items.map((i: Json) => i.metadata.name),
        ['apps', 'autoscaling', 'stable.example.com'],
      );
    });

    it('describes each resource with responseKind, scope, singularResource, verbs, shortNames and categories', async () => {
      const body = (await get('/apis', { accept: AGGREGATED_V2 })).json<Json>();
      const apps = body.items.find((i: Json) => i.metadata.name === 'apps');
      assert.equal(apps.versions[0].version, 'v1');
      assert.equal(apps.versions[0].freshness, 'Current');
      const dep = apps.versions[0].resources[0];
      assert.equal(dep.resource, 'deployments');
      assert.deepEqual(dep.responseKind, { group: 'apps', version: 'v1', kind: 'Deployment' });
      assert.equal(dep.scope, 'Namespaced');
      assert.equal(dep.singularResource, 'deployment');
      assert.deepEqual(dep.shortNames, ['deploy']);
      assert.deepEqual(dep.categories, ['all']);
      assert.ok(dep.verbs.includes('patch'));
    });

    it('gives subresources their responseKind (scale is autoscaling/v1 Scale)', async () => {
      const body = (await get('/apis', { accept: AGGREGATED_V2 })).json<Json>();
      const dep = body.items.find((i: Json) => i.metadata.name === 'apps').versions[0].resources[0];
      assert.deepEqual(dep.subresources, [
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      ]);
    });

    it('lists versions in preference order (autoscaling v2 first)', async () => {
      const body = (await get('/apis', { accept: AGGREGATED_V2 })).json<Json>();
      const autoscaling = body.items.find((i: Json) => i.metadata.name === 'autoscaling');
      assert.deepEqual(
        autoscaling.versions.map((v: Json) => v.version),
        ['v2', 'v1'],
      );
    });

    it('answers /api with one item with an empty name holding core v1', async () => {
      const res = await get('/api', { accept: KUBECTL_DISCOVERY_ACCEPT });
      const body = res.json<Json>();
      assert.equal(body.items.length, 1);
      assert.equal(body.items[0].metadata.name, '');
      assert.equal(body.items[0].versions[0].version, 'v1');
      const pods = body.items[0].versions[0].resources.find((r: Json) => r.resource === 'pods');
      assert.deepEqual(pods.responseKind, { group: '', version: 'v1', kind: 'Pod' });
      const eviction = pods.subresources.find((s: Json) => s.subresource === 'eviction');
      assert.deepEqual(eviction.responseKind, { group: 'policy', version: 'v1', kind: 'Eviction' });
      const ns = body.items[0].versions[0].resources.find((r: Json) => r.resource === 'namespaces');
      assert.equal(ns.scope, 'Cluster');
    });

    it('serves v2beta1 with its Content-Type when only v2beta1 is asked for', async () => {
      const res = await get('/apis', { accept: `${AGGREGATED_V2BETA1},application/json` });
      assert.equal(res.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
      assert.equal(res.json<Json>().apiVersion, 'apidiscovery.k8s.io/v2beta1');
    });

    it('falls back to the legacy document for a protobuf-only aggregated Accept plus JSON', async () => {
      const res = await get('/apis', { accept: 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.json<Json>().kind, 'APIGroupList');
    });

    it('sends an ETag and answers 304 to If-None-Match', async () => {
      const server = docsServer();
      const first = await server.inject({ url: '/apis', headers: { accept: AGGREGATED_V2 } });
      const etag = first.headers.etag as string;
      assert.match(etag, /^".+"$/);
      const second = await server.inject({ url: '/apis', headers: { accept: AGGREGATED_V2, 'if-none-match': etag } });
      assert.equal(second.status, 304);
      assert.equal(second.body.length, 0);
    });
  });

  describe('registry changes', () => {
    it('shows a resource registered after the first request (resourcesChanged)', async () => {
      const server = docsServer([CRONTABS]);
      const before = (await server.inject({ url: '/apis' })).json<Json>();
      assert.deepEqual(
        before.groups.map((g: Json) => g.name),
        ['stable.example.com'],
      );
      const widgets: ResourceDefinition = { ...CRONTABS, group: 'widgets.example.com', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' } };
      getResourceRegistry(server).register(widgets);
      const after = (await server.inject({ url: '/apis' })).json<Json>();
      assert.deepEqual(
        after.groups.map((g: Json) => g.name),
        ['stable.example.com', 'widgets.example.com'],
      );
      assert.equal((await server.inject({ url: '/apis/widgets.example.com/v1' })).status, 200);
    });

    it('drops a group whose last resource was unregistered', async () => {
      const server = docsServer();
      assert.equal((await server.inject({ url: '/apis/stable.example.com/v1' })).status, 200);
      getResourceRegistry(server).unregister('stable.example.com', 'crontabs');
      assert.equal((await server.inject({ url: '/apis/stable.example.com/v1' })).status, 404);
      const groups = (await server.inject({ url: '/apis' })).json<Json>().groups.map((g: Json) => g.name);
      assert.ok(!groups.includes('stable.example.com'));
    });
  });

  it('moreSegmentsThan counts the non-empty segments of a path as split and filter would', () => {
    const paths = ['/', '', '/api', '//apis//g/', '/apis/g/v1', '/apis/g/v1/', '/apis/g/v1/widgets', '/api/v1/namespaces/x/pods/y', 'a/b//c/d'];
    for (const p of paths) {
      const n = p.split('/').filter((s) => s !== '').length;
      for (const max of [0, 1, 2, 3]) assert.equal(moreSegmentsThan(p, max), n > max, `${p} > ${max}`);
    }
  });

  it('a GET of a resource URL (more than three segments) falls through to the next tap', async () => {
    const res = await get('/apis/apps/v1/deployments');
    assert.notEqual(res.json<Json>().kind, 'APIResourceList');
  });
});
