import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import NetworkPolicy from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, fields, resourceOf, runCreate } from '../../shared/testing';

const policies = () => resourceOf(bareServer([NetworkPolicy]), 'networking.k8s.io', 'networkpolicies');
const np = (spec: Obj) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'default' }, spec });
const ruleWith = (peer: Obj) => ({ podSelector: {}, ingress: [{ from: [peer] }] });

describe('resources/NetworkPolicy', () => {
  it('has the short name netpol', () => {
    assert.deepEqual(policies().definition.names.shortNames, ['netpol']);
  });

  it('defaults policyTypes to Ingress, plus Egress with egress rules', () => {
    assert.deepEqual((runCreate(policies(), np({ podSelector: {} })).obj.spec as Obj).policyTypes, ['Ingress']);
    assert.deepEqual((runCreate(policies(), np({ podSelector: {}, egress: [{}] })).obj.spec as Obj).policyTypes, ['Ingress', 'Egress']);
  });

  it('defaults podSelector {} and port protocol TCP', () => {
    const spec = runCreate(policies(), np({ ingress: [{ ports: [{ port: 80 }] }] })).obj.spec as Obj;
    assert.deepEqual(spec.podSelector, {});
    assert.equal(spec.ingress[0].ports[0].protocol, 'TCP');
  });

  it('requires a peer', () => {
    assert.equal(errorOn(runCreate(policies(), np(ruleWith({}))).errors, 'spec.ingress[0].from[0]'), 'FieldValueRequired');
  });

  it('forbids ipBlock with another peer', () => {
    const { errors } = runCreate(policies(), np(ruleWith({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} })));
    assert.equal(errorOn(errors, 'spec.ingress[0].from[0]'), 'FieldValueForbidden');
  });

  it('requires except CIDRs to be strict subsets of the block', () => {
    const ok = runCreate(policies(), np(ruleWith({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }))).errors;
    assert.deepEqual(ok, []);
    const bad = runCreate(policies(), np(ruleWith({ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16', '10.0.0.0/8'] } }))).errors;
    assert.deepEqual(fields(bad), ['spec.ingress[0].from[0].ipBlock.except[0]', 'spec.ingress[0].from[0].ipBlock.except[1]']);
  });

  it('refuses endPort below port and endPort with a named port', () => {
    const { errors } = runCreate(policies(), np({ podSelector: {}, egress: [{ ports: [{ port: 100, endPort: 90 }, { port: 'http', endPort: 90 }] }] }));
    assert.deepEqual(fields(errors), ['spec.egress[0].ports[0].endPort', 'spec.egress[0].ports[1].endPort']);
  });

  it('refuses an unknown policy type', () => {
    assert.equal(errorOn(runCreate(policies(), np({ podSelector: {}, policyTypes: ['Sideways'] })).errors, 'spec.policyTypes[0]'), 'FieldValueNotSupported');
  });

  it('prints POD-SELECTOR (<none> for all pods)', () => {
    const p = policies().definition.printer!;
    assert.equal(p.row(np({ podSelector: { matchLabels: { app: 'web' } } }) as any, new Date())[1], 'app=web');
    assert.equal(p.row(np({ podSelector: {} }) as any, new Date())[1], '<none>');
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies';
    beforeEach(async () => {
      server = await startWithPlugins([NetworkPolicy]);
    });
    afterEach(() => server.stop());

    it('creates a policy (201) with defaults', async () => {
      const created = await api(server).create(URL, np({ podSelector: { matchLabels: { app: 'db' } } }));
      assert.deepEqual(created.spec.policyTypes, ['Ingress']);
      assert.equal(created.metadata.generation, 1);
    });

    it('answers 422 for a bad CIDR', async () => {
      const r = await api(server).call('POST', URL, np(ruleWith({ ipBlock: { cidr: '10.0.0.0/33' } })));
      assert.equal(r.status, 422);
      assert.deepEqual(causeFields(r.json<Obj>()), ['spec.ingress[0].from[0].ipBlock.cidr']);
    });

    it('prints the Table row', async () => {
      await api(server).create(URL, np({ podSelector: { matchLabels: { app: 'db' } } }));
      const t = await api(server).table(URL);
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => c.name), ['Name', 'Pod-Selector', 'Age']);
      assert.deepEqual(t.rows[0].cells.slice(0, 2), ['deny', 'app=db']);
    });
  });
});
