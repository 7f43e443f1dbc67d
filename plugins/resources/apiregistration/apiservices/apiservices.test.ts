import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import APIService, { availableCell } from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, fakeCtx, fields, resourceOf, runCreate, runUpdate } from '../../shared/testing';

const services = () => resourceOf(bareServer([APIService]), 'apiregistration.k8s.io', 'apiservices');
const remote = { service: { namespace: 'kube-system', name: 'metrics-server' }, group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true };
const apisvc = (spec: Obj, name = 'v1beta1.metrics.k8s.io') => ({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name }, spec });

describe('resources/APIService', () => {
  it('is cluster-scoped in category api-extensions with a status subresource', () => {
    const def = services().definition;
    assert.equal(def.namespaced, false);
    assert.deepEqual(def.names.categories, ['api-extensions']);
    assert.equal(def.subresources?.status, true);
  });

  it('accepts a service-backed APIService and defaults the port to 443', () => {
    const { obj, errors } = runCreate(services(), apisvc(remote));
    assert.deepEqual(errors, []);
    assert.equal((obj.spec as Obj).service.port, 443);
  });

  it('accepts a Local APIService for a built-in group', () => {
    assert.deepEqual(runCreate(services(), apisvc({ group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 }, 'v1.apps')).errors, []);
  });

  it('requires the name <version>.<group>', () => {
    const { errors } = runCreate(services(), apisvc(remote, 'metrics'));
    assert.equal(errorOn(errors, 'metadata.name'), 'FieldValueInvalid');
    assert.match(errors[0].message, /v1beta1\.metrics\.k8s\.io/);
  });

  it('requires the priorities in range', () => {
    const { errors } = runCreate(services(), apisvc({ ...remote, groupPriorityMinimum: 0, versionPriority: 1001 }));
    assert.deepEqual(fields(errors), ['spec.groupPriorityMinimum', 'spec.versionPriority']);
  });

  it('requires a group unless the version is v1', () => {
    assert.equal(errorOn(runCreate(services(), apisvc({ version: 'v2', groupPriorityMinimum: 1, versionPriority: 1 }, 'v2.')).errors, 'spec.group'), 'FieldValueRequired');
  });

  it('requires the service name and namespace', () => {
    const { errors } = runCreate(services(), apisvc({ ...remote, service: {} }));
    assert.deepEqual(fields(errors), ['spec.service.namespace', 'spec.service.name']);
  });

  it('refuses a caBundle with insecureSkipTLSVerify', () => {
    assert.equal(errorOn(runCreate(services(), apisvc({ ...remote, caBundle: 'Y2E=' })).errors, 'spec.insecureSkipTLSVerify'), 'FieldValueInvalid');
  });

  it('refuses a condition status other than True/False/Unknown on /status', () => {
    const r = services();
    const old = runCreate(r, apisvc(remote)).obj;
    const { errors } = runUpdate(r, { ...old, status: { conditions: [{ type: 'Available', status: 'Maybe' }] } }, old, fakeCtx({ method: 'PUT', subresource: 'status' }));
    assert.equal(errorOn(errors, 'status.conditions[0].status'), 'FieldValueNotSupported');
  });

  it('prints SERVICE (Local or namespace/name) and AVAILABLE', () => {
    const p = services().definition.printer!;
    assert.deepEqual(p.row(apisvc(remote) as any, new Date()).slice(0, 3), ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'Unknown']);
    assert.equal(p.row(apisvc({ group: 'apps', version: 'v1' }, 'v1.apps') as any, new Date())[1], 'Local');
    assert.equal(availableCell({ conditions: [{ type: 'Available', status: 'True' }] }), 'True');
    assert.equal(availableCell({ conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] }), 'False (MissingEndpoints)');
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/apiregistration.k8s.io/v1/apiservices';
    beforeEach(async () => {
      server = await startWithPlugins([APIService]);
    });
    afterEach(() => server.stop());

    it('creates an APIService (201)', async () => {
      const created = await api(server).create(URL, apisvc(remote));
      assert.equal(created.metadata.name, 'v1beta1.metrics.k8s.io');
      assert.deepEqual(created.status, {});
    });

    it('answers 422 for a wrong name', async () => {
      const r = await api(server).call('POST', URL, apisvc(remote, 'metrics'));
      const s = r.json<Obj>();
      assert.equal(r.status, 422);
      assert.equal(s.details.kind, 'APIService');
      assert.deepEqual(causeFields(s), ['metadata.name']);
    });

    it('shows the Available condition set through /status in the Table', async () => {
      const created = await api(server).create(URL, apisvc(remote));
      const status = { conditions: [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck', lastTransitionTime: '2026-11-26T11:00:00Z' }] };
      assert.equal((await api(server).call('PUT', `${URL}/v1beta1.metrics.k8s.io/status`, { ...created, status })).status, 200);
      const t = await api(server).table(URL);
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => c.name), ['Name', 'Service', 'Available', 'Age']);
      assert.deepEqual(t.rows[0].cells.slice(0, 3), ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'False (FailedDiscoveryCheck)']);
    });
  });
});
