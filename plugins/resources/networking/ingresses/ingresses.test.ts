import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import Ingress from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, fakeCtx, fields, resourceOf, runCreate, runUpdate } from '../../shared/testing';

const ingresses = () => resourceOf(bareServer([Ingress]), 'networking.k8s.io', 'ingresses');
const backend = { service: { name: 'web', port: { number: 80 } } };

function ing(spec: Obj, metadata: Obj = {}): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i1', namespace: 'default', ...metadata }, spec };
}

const simple = (path: Obj = {}) => ({ ingressClassName: 'nginx', rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend, ...path }] } }] });

describe('resources/Ingress', () => {
  it('is namespaced with short name ing, status and spec generation', () => {
    const def = ingresses().definition;
    assert.deepEqual(def.names.shortNames, ['ing']);
    assert.equal(def.subresources?.status, true);
    assert.equal(def.generation, 'spec');
  });

  it('accepts a host rule with a Prefix path', () => {
    assert.deepEqual(runCreate(ingresses(), ing(simple())).errors, []);
  });

  it('requires a default backend or rules (Invalid on spec)', () => {
    assert.equal(errorOn(runCreate(ingresses(), ing({})).errors, 'spec'), 'FieldValueInvalid');
  });

  it('requires pathType', () => {
    const { errors } = runCreate(ingresses(), ing(simple({ pathType: undefined })));
    assert.equal(errorOn(errors, 'spec.rules[0].http.paths[0].pathType'), 'FieldValueRequired');
  });

  it('refuses a relative Exact path and a // sequence', () => {
    const { errors } = runCreate(ingresses(), ing(simple({ path: 'api//v1', pathType: 'Exact' })));
    assert.equal(errors.filter((e) => e.field === 'spec.rules[0].http.paths[0].path').length, 2);
  });

  it('refuses an IP address as host', () => {
    const { errors } = runCreate(ingresses(), ing({ rules: [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] }));
    assert.equal(errorOn(errors, 'spec.rules[0].host'), 'FieldValueInvalid');
  });

  it('accepts a wildcard host', () => {
    assert.deepEqual(runCreate(ingresses(), ing({ rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] })).errors, []);
  });

  it('refuses a backend with both a port name and number', () => {
    const { errors } = runCreate(ingresses(), ing({ defaultBackend: { service: { name: 'web', port: { name: 'http', number: 80 } } } }));
    assert.equal(errorOn(errors, 'spec.defaultBackend'), 'FieldValueInvalid');
  });

  it('requires a port on a service backend', () => {
    assert.equal(errorOn(runCreate(ingresses(), ing({ defaultBackend: { service: { name: 'web' } } })).errors, 'spec.defaultBackend'), 'FieldValueRequired');
  });

  it('refuses both resource and service backends', () => {
    const { errors } = runCreate(ingresses(), ing({ defaultBackend: { ...backend, resource: { kind: 'Bucket', name: 'b' } } }));
    assert.deepEqual(fields(errors), ['spec.defaultBackend']);
  });

  it('refuses an ingress.class annotation that differs from ingressClassName on create', () => {
    const { errors } = runCreate(ingresses(), ing(simple(), { annotations: { 'kubernetes.io/ingress.class': 'traefik' } }));
    assert.equal(errorOn(errors, 'annotations.kubernetes.io/ingress.class'), 'FieldValueInvalid');
  });

  it('keeps status on the main endpoint and validates load balancer hostnames on /status', () => {
    const r = ingresses();
    const old = runCreate(r, ing(simple())).obj;
    const next = { ...old, status: { loadBalancer: { ingress: [{ hostname: '10.0.0.9' }] } } };
    assert.deepEqual(runUpdate(r, next, old).obj.status, {});
    const { errors } = runUpdate(r, next, old, fakeCtx({ method: 'PUT', subresource: 'status' }));
    assert.equal(errorOn(errors, 'status.loadBalancer.ingress[0].hostname'), 'FieldValueInvalid');
  });

  it('prints CLASS HOSTS ADDRESS PORTS AGE', () => {
    const obj = {
      ...ing({ ...simple(), tls: [{ hosts: ['web.example.com'] }] }),
      metadata: { name: 'i1', creationTimestamp: '2026-11-26T11:00:00Z' },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.2' }, { ip: '192.0.2.1' }, { hostname: 'lb.example.com' }] } },
    };
    const row = ingresses().definition.printer!.row(obj as any, new Date('2026-11-26T12:00:00Z'));
    assert.deepEqual(row, ['i1', 'nginx', 'web.example.com', '192.0.2.1,192.0.2.2,lb.example.com', '80, 443', '60m']);
  });

  it('prints <none> class, * hosts and + N more...', () => {
    const rules = ['a', 'b', 'c', 'd', 'e'].map((h) => ({ host: `${h}.example.com` }));
    const row = ingresses().definition.printer!.row({ metadata: { name: 'i' }, spec: { rules } }, new Date());
    assert.deepEqual(row.slice(1, 5), ['<none>', 'a.example.com,b.example.com,c.example.com + 2 more...', '', '80']);
    assert.equal(ingresses().definition.printer!.row({ metadata: { name: 'i' }, spec: { defaultBackend: backend } }, new Date())[2], '*');
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/networking.k8s.io/v1/namespaces/default/ingresses';
    beforeEach(async () => {
      server = await startWithPlugins([Ingress]);
    });
    afterEach(() => server.stop());

    it('creates an ingress (201) with generation 1 and an empty status', async () => {
      const created = await api(server).create(URL, ing(simple()));
      assert.equal(created.metadata.generation, 1);
      assert.deepEqual(created.status, {});
    });

    it('answers 422 with every path error', async () => {
      const r = await api(server).call('POST', URL, ing({ rules: [{ host: 'UPPER.example.com', http: { paths: [] } }] }));
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['spec.rules[0].host', 'spec.rules[0].http.paths']);
    });

    it('prints the Table row', async () => {
      await api(server).create(URL, ing(simple()));
      const t = await api(server).table(URL);
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => c.name), ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
      assert.deepEqual(t.rows[0].cells.slice(0, 5), ['i1', 'nginx', 'web.example.com', '', '80']);
    });
  });
});
