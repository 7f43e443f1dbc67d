import assert from 'node:assert/strict';
import Service from '.';
import { bareServer, errorOn, fakeCtx, resourceOf, runCreate, runUpdate } from '../../shared/testing';
import { getServiceNetwork } from './network';
import type { KObject } from '../../../../core/registry/types';

function setup(options: Record<string, unknown> = {}) {
  const server = bareServer([Service], { Service: options });
  return { server, r: resourceOf(server, '', 'services'), net: getServiceNetwork(server)! };
}

function svc(spec: Record<string, unknown>, name = 's1'): Record<string, unknown> {
  return { metadata: { name, namespace: 'default', creationTimestamp: '2026-11-26T11:00:00Z' }, spec };
}

const NOW = new Date('2026-11-26T12:00:00Z');

describe('resources/Service', () => {
  describe('defaults', () => {
    it('defaults type ClusterIP, sessionAffinity None, protocol TCP and targetPort = port', () => {
      const { r } = setup();
      const { obj, errors } = runCreate(r, svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
      assert.deepEqual(errors, []);
      const spec = obj.spec as any;
      assert.equal(spec.type, 'ClusterIP');
      assert.equal(spec.sessionAffinity, 'None');
      assert.equal(spec.ports[0].protocol, 'TCP');
      assert.equal(spec.ports[0].targetPort, 80);
      assert.deepEqual(obj.status, { loadBalancer: {} });
    });
  });

  describe('cluster IP allocation', () => {
    it('allocates a cluster IP from the default 10.96.0.0/12 range', () => {
      const { r } = setup();
      const spec = runCreate(r, svc({ ports: [{ port: 80 }] })).obj.spec as any;
      assert.match(spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\./);
      assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
      assert.deepEqual(spec.ipFamilies, ['IPv4']);
    });

    it('never hands out the same IP twice from a small range', () => {
      const { r } = setup({ serviceClusterIPRange: '10.0.0.0/28' });
      const ips = new Set<string>();
      for (let i = 0; i < 13; i++) ips.add((runCreate(r, svc({ ports: [{ port: 80 }] }, `s${i}`)).obj.spec as any).clusterIP);
      assert.equal(ips.size, 13);
      assert.ok(!ips.has('10.0.0.0') && !ips.has('10.0.0.15'));
    });

    it('fails with 422 cause on spec.clusterIP when the range is full', () => {
      const { r } = setup({ serviceClusterIPRange: '10.0.0.0/30' });
      runCreate(r, svc({ ports: [{ port: 80 }] }, 'a'));
      runCreate(r, svc({ ports: [{ port: 80 }] }, 'b'));
      const { errors } = runCreate(r, svc({ ports: [{ port: 80 }] }, 'c'));
      assert.equal(errorOn(errors, 'spec.clusterIP'), 'FieldValueInvalid');
    });

    it('accepts a requested IP once and refuses it for another service', () => {
      const { r } = setup();
      assert.deepEqual(runCreate(r, svc({ clusterIP: '10.96.0.1', ports: [{ port: 443 }] }, 'kubernetes')).errors, []);
      const { errors } = runCreate(r, svc({ clusterIP: '10.96.0.1', ports: [{ port: 443 }] }, 'other'));
      assert.equal(errorOn(errors, 'spec.clusterIPs[0]'), 'FieldValueInvalid');
    });

    it('refuses a requested IP outside the range', () => {
      const { r } = setup();
      const { errors } = runCreate(r, svc({ clusterIP: '192.168.0.1', ports: [{ port: 80 }] }));
      assert.equal(errorOn(errors, 'spec.clusterIPs[0]'), 'FieldValueInvalid');
    });

    it('does not reserve on dry run', () => {
      const { r } = setup();
      runCreate(r, svc({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] }, 'a'), fakeCtx({ dryRun: true }));
      assert.deepEqual(runCreate(r, svc({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] }, 'b')).errors, []);
    });

    it('frees the IP of a deleted service seen by the storage watch', () => {
      const { r, net } = setup();
      const a = runCreate(r, svc({ clusterIP: '10.96.0.20', ports: [{ port: 80 }] }, 'a')).obj;
      net.observe(a);
      net.forget(a);
      assert.deepEqual(runCreate(r, svc({ clusterIP: '10.96.0.20', ports: [{ port: 80 }] }, 'b')).errors, []);
    });

    it('keeps headless services without an IP', () => {
      const { r } = setup();
      const spec = runCreate(r, svc({ clusterIP: 'None', selector: { app: 'x' } })).obj.spec as any;
      assert.deepEqual(spec.clusterIPs, ['None']);
    });

    it('keeps the allocated IP when an update omits it', () => {
      const { r } = setup();
      const old = runCreate(r, svc({ ports: [{ port: 80 }] })).obj;
      const next = structuredClone(old) as KObject;
      delete (next.spec as any).clusterIP;
      delete (next.spec as any).clusterIPs;
      const { obj, errors } = runUpdate(r, next, old);
      assert.deepEqual(errors, []);
      assert.equal((obj.spec as any).clusterIP, (old.spec as any).clusterIP);
    });

    it('refuses to change the cluster IP once set', () => {
      const { r } = setup();
      const old = runCreate(r, svc({ clusterIP: '10.96.0.30', ports: [{ port: 80 }] })).obj;
      const next = structuredClone(old) as KObject;
      (next.spec as any).clusterIP = '10.96.0.31';
      (next.spec as any).clusterIPs = ['10.96.0.31'];
      assert.equal(errorOn(runUpdate(r, next, old).errors, 'spec.clusterIPs[0]'), 'FieldValueInvalid');
    });
  });

  describe('node ports', () => {
    it('allocates node ports in 30000-32767 for NodePort services', () => {
      const { r } = setup();
      const { obj, errors } = runCreate(r, svc({ type: 'NodePort', ports: [{ port: 80 }] }));
      assert.deepEqual(errors, []);
      const port = (obj.spec as any).ports[0].nodePort;
      assert.ok(port >= 30000 && port <= 32767);
      assert.equal((obj.spec as any).externalTrafficPolicy, 'Cluster');
    });

    it('refuses a node port already held by another service', () => {
      const { r } = setup();
      runCreate(r, svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'a'));
      const { errors } = runCreate(r, svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'b'));
      assert.equal(errorOn(errors, 'spec.ports[0].nodePort'), 'FieldValueInvalid');
    });

    it('forbids nodePort on a ClusterIP service', () => {
      const { r } = setup();
      const { errors } = runCreate(r, svc({ ports: [{ port: 80, nodePort: 30081 }] }));
      assert.equal(errorOn(errors, 'spec.ports[0].nodePort'), 'FieldValueForbidden');
    });

    it('drops node ports when the type changes to ClusterIP', () => {
      const { r } = setup();
      const old = runCreate(r, svc({ type: 'NodePort', ports: [{ port: 80 }] })).obj;
      const next = structuredClone(old) as KObject;
      (next.spec as any).type = 'ClusterIP';
      delete (next.spec as any).externalTrafficPolicy;
      const { obj, errors } = runUpdate(r, next, old);
      assert.deepEqual(errors, []);
      assert.equal((obj.spec as any).ports[0].nodePort, undefined);
    });
  });

  describe('validation', () => {
    it('requires ports for a ClusterIP service', () => {
      const { r } = setup();
      assert.equal(errorOn(runCreate(r, svc({ selector: { a: 'b' } })).errors, 'spec.ports'), 'FieldValueRequired');
    });

    it('requires port names when there are several ports', () => {
      const { r } = setup();
      const { errors } = runCreate(r, svc({ ports: [{ port: 80 }, { port: 443 }] }));
      assert.equal(errorOn(errors, 'spec.ports[0].name'), 'FieldValueRequired');
    });

    it('rejects an unknown type', () => {
      const { r } = setup();
      assert.equal(errorOn(runCreate(r, svc({ type: 'Magic', ports: [{ port: 80 }] })).errors, 'spec.type'), 'FieldValueNotSupported');
    });

    it('rejects a name starting with a digit (DNS-1035)', () => {
      const { r } = setup();
      assert.equal(errorOn(runCreate(r, svc({ ports: [{ port: 80 }] }, '1svc')).errors, 'metadata.name'), 'FieldValueInvalid');
    });

    it('requires externalName for ExternalName services and allocates no IP', () => {
      const { r } = setup();
      const bad = runCreate(r, svc({ type: 'ExternalName' }));
      assert.equal(errorOn(bad.errors, 'spec.externalName'), 'FieldValueRequired');
      const good = runCreate(r, svc({ type: 'ExternalName', externalName: 'example.com' }));
      assert.deepEqual(good.errors, []);
      assert.equal((good.obj.spec as any).clusterIP, undefined);
    });
  });

  describe('printer', () => {
    it('prints type, cluster IP, ports and selector', () => {
      const { r } = setup();
      const row = r.definition.printer!.row(
        svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } }) as unknown as KObject,
        NOW,
      );
      assert.deepEqual(row, ['s1', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '60m', 'app=web']);
    });

    it('prints node ports as port:nodePort/protocol', () => {
      const { r } = setup();
      const row = r.definition.printer!.row(
        svc({ type: 'NodePort', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }) as unknown as KObject,
        NOW,
      );
      assert.equal(row[4], '80:30080/TCP');
    });

    it('prints <pending> for a LoadBalancer without ingress and <none> for a headless selectorless service', () => {
      const { r } = setup();
      const lb = r.definition.printer!.row(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ port: 80, protocol: 'TCP' }] }) as unknown as KObject, NOW);
      assert.equal(lb[3], '<pending>');
      const headless = r.definition.printer!.row(svc({ type: 'ClusterIP', clusterIPs: ['None'] }) as unknown as KObject, NOW);
      assert.deepEqual([headless[2], headless[4], headless[6]], ['None', '<none>', '<none>']);
    });
  });
});
