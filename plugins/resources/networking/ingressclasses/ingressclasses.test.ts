import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import IngressClass, { isDefaultIngressClass } from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, resourceOf, runCreate, runUpdate } from '../../shared/testing';

const classes = () => resourceOf(bareServer([IngressClass]), 'networking.k8s.io', 'ingressclasses');
const ic = (spec: Obj, name = 'nginx') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name }, spec });

describe('resources/IngressClass', () => {
  it('is cluster-scoped', () => {
    assert.equal(classes().definition.namespaced, false);
  });

  it('accepts a domain-prefixed controller', () => {
    assert.deepEqual(runCreate(classes(), ic({ controller: 'k8s.io/ingress-nginx' })).errors, []);
  });

  it('requires the controller', () => {
    assert.equal(errorOn(runCreate(classes(), ic({})).errors, 'spec.controller'), 'FieldValueRequired');
  });

  it('refuses a controller without a domain prefix', () => {
    assert.equal(errorOn(runCreate(classes(), ic({ controller: 'nginx' })).errors, 'spec.controller'), 'FieldValueInvalid');
  });

  it('defaults parameters.scope to Cluster', () => {
    const { obj, errors } = runCreate(classes(), ic({ controller: 'example.com/c', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } }));
    assert.deepEqual(errors, []);
    assert.equal((obj.spec as Obj).parameters.scope, 'Cluster');
  });

  it('requires a namespace for Namespace-scoped parameters and forbids one for Cluster', () => {
    const ns = runCreate(classes(), ic({ controller: 'example.com/c', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } })).errors;
    assert.equal(errorOn(ns, 'spec.parameters.namespace'), 'FieldValueRequired');
    const cl = runCreate(classes(), ic({ controller: 'example.com/c', parameters: { kind: 'P', name: 'p', scope: 'Cluster', namespace: 'x' } })).errors;
    assert.equal(errorOn(cl, 'spec.parameters.namespace'), 'FieldValueForbidden');
  });

  it('makes the controller immutable', () => {
    const r = classes();
    const old = runCreate(r, ic({ controller: 'example.com/a' })).obj;
    assert.equal(errorOn(runUpdate(r, ic({ controller: 'example.com/b' }), old).errors, 'spec.controller'), 'FieldValueInvalid');
  });

  it('knows the default-class annotation', () => {
    assert.equal(isDefaultIngressClass({ metadata: { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } }), true);
    assert.equal(isDefaultIngressClass({ metadata: {} }), false);
  });

  it('prints CONTROLLER PARAMETERS AGE', () => {
    const p = classes().definition.printer!;
    const spec = { controller: 'example.com/c', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } };
    assert.deepEqual(p.row(ic(spec) as any, new Date()).slice(0, 3), ['nginx', 'example.com/c', 'IngressParameters.k8s.example.com/p']);
    assert.equal(p.row(ic({ controller: 'example.com/c' }) as any, new Date())[2], '<none>');
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/networking.k8s.io/v1/ingressclasses';
    beforeEach(async () => {
      server = await startWithPlugins([IngressClass]);
    });
    afterEach(() => server.stop());

    it('creates a class (201) without a namespace', async () => {
      const created = await api(server).create(URL, ic({ controller: 'k8s.io/ingress-nginx' }));
      assert.equal(created.metadata.namespace, undefined);
      assert.equal(created.metadata.generation, 1);
    });

    it('answers 422 when the controller changes', async () => {
      const created = await api(server).create(URL, ic({ controller: 'example.com/a' }));
      const r = await api(server).call('PUT', `${URL}/nginx`, { ...created, spec: { controller: 'example.com/b' } });
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['spec.controller']);
    });

    it('prints the Table row', async () => {
      await api(server).create(URL, ic({ controller: 'k8s.io/ingress-nginx' }));
      const t = await api(server).table(URL);
      assert.deepEqual(t.rows[0].cells.slice(0, 3), ['nginx', 'k8s.io/ingress-nginx', '<none>']);
    });
  });
});
