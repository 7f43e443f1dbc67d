import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import EndpointSlice, { LABEL_SERVICE_NAME, serviceNameOf } from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, fields, resourceOf, runCreate, runUpdate } from '../../shared/testing';

const slices = () => resourceOf(bareServer([EndpointSlice]), 'discovery.k8s.io', 'endpointslices');

function slice(extra: Obj = {}, name = 'web-abc12'): Obj {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { [LABEL_SERVICE_NAME]: 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.1.0.5'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    ...extra,
  };
}

describe('resources/EndpointSlice', () => {
  it('is namespaced and bumps generation on any non-metadata change', () => {
    const def = slices().definition;
    assert.equal(def.namespaced, true);
    assert.equal(def.generation, 'nonMetadata');
  });

  it('defaults port name "" and protocol TCP', () => {
    const { obj, errors } = runCreate(slices(), slice({ ports: [{ port: 8080 }] }));
    assert.deepEqual(errors, []);
    assert.deepEqual((obj as Obj).ports, [{ port: 8080, name: '', protocol: 'TCP' }]);
  });

  it('requires addressType', () => {
    assert.equal(errorOn(runCreate(slices(), slice({ addressType: undefined })).errors, 'addressType'), 'FieldValueRequired');
  });

  it('refuses the deprecated addressType IP on create', () => {
    assert.equal(errorOn(runCreate(slices(), slice({ addressType: 'IP' })).errors, 'addressType'), 'FieldValueNotSupported');
  });

  it('makes addressType immutable', () => {
    const r = slices();
    const old = runCreate(r, slice()).obj;
    const { errors } = runUpdate(r, { ...old, addressType: 'IPv6', endpoints: [{ addresses: ['fd00::5'] }] }, old);
    assert.equal(errorOn(errors, 'addressType'), 'FieldValueInvalid');
    assert.match(errors.find((e) => e.field === 'addressType')!.message, /field is immutable/);
  });

  it('validates addresses against the addressType', () => {
    const { errors } = runCreate(slices(), slice({ endpoints: [{ addresses: ['fd00::1', '10.0.0.300'] }] }));
    assert.deepEqual(fields(errors), ['endpoints[0].addresses[0]', 'endpoints[0].addresses[1]']);
  });

  it('accepts loopback addresses by default (process runtime, apiserver on 127.0.0.1)', () => {
    assert.deepEqual(runCreate(slices(), slice({ endpoints: [{ addresses: ['127.0.0.1'] }] })).errors, []);
  });

  it('refuses loopback, unspecified and link-local addresses with strictAddresses, as Kubernetes', () => {
    const strict = resourceOf(bareServer([EndpointSlice], { EndpointSlice: { strictAddresses: true } }), 'discovery.k8s.io', 'endpointslices');
    const { errors } = runCreate(strict, slice({ endpoints: [{ addresses: ['127.0.0.1', '0.0.0.0', '169.254.1.1', '10.0.0.1'] }] }));
    assert.deepEqual(fields(errors), ['endpoints[0].addresses[0]', 'endpoints[0].addresses[1]', 'endpoints[0].addresses[2]']);
    const v6 = runCreate(strict, slice({ addressType: 'IPv6', endpoints: [{ addresses: ['::1', 'fe80::1', 'fd00::1'] }] })).errors;
    assert.deepEqual(fields(v6), ['endpoints[0].addresses[0]', 'endpoints[0].addresses[1]']);
  });

  it('accepts FQDN addresses and refuses single-label ones', () => {
    assert.deepEqual(runCreate(slices(), slice({ addressType: 'FQDN', endpoints: [{ addresses: ['web.example.com'] }] })).errors, []);
    assert.equal(errorOn(runCreate(slices(), slice({ addressType: 'FQDN', endpoints: [{ addresses: ['web'] }] })).errors, 'endpoints[0].addresses[0]'), 'FieldValueInvalid');
  });

  it('requires at least one address per endpoint', () => {
    assert.equal(errorOn(runCreate(slices(), slice({ endpoints: [{ addresses: [] }] })).errors, 'endpoints[0].addresses'), 'FieldValueRequired');
  });

  it('refuses duplicate port names and unknown protocols', () => {
    const { errors } = runCreate(slices(), slice({ ports: [{ name: 'a', port: 1, protocol: 'TCP' }, { name: 'a', port: 2, protocol: 'ICMP' }] }));
    assert.equal(errorOn(errors, 'ports[1].name'), 'FieldValueDuplicate');
    assert.equal(errorOn(errors, 'ports[1].protocol'), 'FieldValueNotSupported');
  });

  it('tells the Service of a slice from the kubernetes.io/service-name label', () => {
    assert.equal(serviceNameOf(slice() as any), 'web');
    assert.equal(serviceNameOf({ metadata: {} }), '');
  });

  it('prints ADDRESSTYPE PORTS ENDPOINTS AGE with "+ N more..."', () => {
    const row = slices().definition.printer!.row(
      slice({
        metadata: { name: 's', creationTimestamp: '2026-11-26T11:00:00Z' },
        endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3', '10.0.0.4', '10.0.0.5'] }],
        ports: [{ port: 80 }, { name: 'dns' }, {}],
      }) as any,
      new Date('2026-11-26T12:00:00Z'),
    );
    assert.deepEqual(row, ['s', 'IPv4', '80,dns,*', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...', '60m']);
  });

  it('prints <unset> for a slice without ports or endpoints', () => {
    const row = slices().definition.printer!.row({ metadata: { name: 's' }, addressType: 'IPv4' }, new Date());
    assert.deepEqual(row.slice(1, 4), ['IPv4', '<unset>', '<unset>']);
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
    beforeEach(async () => {
      server = await startWithPlugins([EndpointSlice]);
    });
    afterEach(() => server.stop());

    it('creates a slice (201) with generation 1', async () => {
      const created = await api(server).create(URL, slice());
      assert.equal(created.metadata.generation, 1);
      assert.equal(created.ports[0].protocol, 'TCP');
    });

    it('bumps generation when endpoints change', async () => {
      const created = await api(server).create(URL, slice());
      const r = await api(server).call('PUT', `${URL}/web-abc12`, { ...created, endpoints: [{ addresses: ['10.1.0.6'] }] });
      assert.equal(r.status, 200);
      assert.equal(r.json<Obj>().metadata.generation, 2);
    });

    it('answers 422 for a missing addressType', async () => {
      const r = await api(server).call('POST', URL, slice({ addressType: undefined }));
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['addressType']);
    });

    it('answers 422 on an addressType change', async () => {
      const created = await api(server).create(URL, slice());
      const r = await api(server).call('PUT', `${URL}/web-abc12`, { ...created, addressType: 'FQDN', endpoints: [{ addresses: ['a.example.com'] }] });
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['addressType']);
    });

    it('lists the slices of a Service by label, as a Table', async () => {
      await api(server).create(URL, slice());
      await api(server).create(URL, slice({ metadata: { name: 'other-x', labels: { [LABEL_SERVICE_NAME]: 'other' } } }, 'other-x'));
      const t = await api(server).table(`${URL}?labelSelector=${encodeURIComponent(`${LABEL_SERVICE_NAME}=web`)}`);
      assert.equal(t.rows.length, 1);
      assert.deepEqual(t.rows[0].cells.slice(0, 4), ['web-abc12', 'IPv4', '80', '10.1.0.5']);
    });
  });
});
