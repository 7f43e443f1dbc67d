import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import { bareServer, errorOn, resourceOf, runCreate, runUpdate } from '../shared/testing';
import ConfigMap from './configmaps';
import Endpoints from './endpoints';
import Event from './events';
import LimitRange from './limitranges';
import Node from './nodes';
import PersistentVolumeClaim from './persistentvolumeclaims';
import PersistentVolume from './persistentvolumes';
import PodTemplate from './podtemplates';
import ReplicationController from './replicationcontrollers';
import ResourceQuota from './resourcequotas';
import Secret from './secrets';
import ServiceAccount from './serviceaccounts';

const NOW = new Date('2026-11-26T12:00:00Z');
const server = bareServer([ConfigMap, Endpoints, Event, LimitRange, Node, PersistentVolume, PersistentVolumeClaim, PodTemplate, ReplicationController, ResourceQuota, Secret, ServiceAccount]);
const r = (plural: string) => resourceOf(server, '', plural);
const meta = (name = 'x', namespace: string | undefined = 'default') => ({ name, ...(namespace ? { namespace } : {}), creationTimestamp: '2026-11-26T11:00:00Z' });
const row = (plural: string, obj: unknown) => r(plural).definition.printer!.row(obj as KObject, NOW);

describe('resources/core', () => {
  describe('Endpoints', () => {
    it('defaults port protocol to TCP and prints ip:port', () => {
      const { obj, errors } = runCreate(r('endpoints'), { metadata: meta(), subsets: [{ addresses: [{ ip: '10.1.0.5' }], ports: [{ port: 80 }] }] });
      assert.deepEqual(errors, []);
      assert.equal((obj.subsets as any)[0].ports[0].protocol, 'TCP');
      assert.equal(row('endpoints', obj)[1], '10.1.0.5:80');
    });

    it('prints at most three endpoints then + N more...', () => {
      const ep = { metadata: meta(), subsets: [{ addresses: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'].map((ip) => ({ ip })), ports: [{ port: 80 }] }] };
      assert.equal(row('endpoints', ep)[1], '1.1.1.1:80,1.1.1.2:80,1.1.1.3:80 + 1 more...');
    });

    it('rejects an invalid address IP', () => {
      const { errors } = runCreate(r('endpoints'), { metadata: meta(), subsets: [{ addresses: [{ ip: 'nope' }], ports: [{ port: 80 }] }] });
      assert.equal(errorOn(errors, 'subsets[0].addresses[0].ip'), 'FieldValueInvalid');
    });
  });

  describe('Node', () => {
    const node = (status: unknown, extra: Record<string, unknown> = {}) => ({ metadata: { ...meta('n1', undefined), ...extra }, status });

    it('prints Ready and the kubelet version', () => {
      const cells = row('nodes', node({ conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.4' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] }));
      assert.deepEqual(cells.slice(0, 6), ['n1', 'Ready', '<none>', '60m', 'v1.32.4', '10.0.0.1']);
    });

    it('prints NotReady,SchedulingDisabled for an unready cordoned node', () => {
      const n = { ...node({ conditions: [{ type: 'Ready', status: 'False' }] }), spec: { unschedulable: true } };
      assert.equal(row('nodes', n)[1], 'NotReady,SchedulingDisabled');
    });

    it('prints Unknown without a Ready condition and roles from labels', () => {
      const n = node({}, { labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '' } });
      const cells = row('nodes', n);
      assert.deepEqual([cells[1], cells[2]], ['Unknown', 'control-plane,worker']);
    });

    it('keeps the status given on create and defaults allocatable from capacity', () => {
      const { obj } = runCreate(r('nodes'), node({ capacity: { cpu: '4' } }));
      assert.deepEqual((obj.status as any).allocatable, { cpu: '4' });
    });

    it('selects by spec.unschedulable', () => {
      assert.equal(r('nodes').definition.fieldSelectors!['spec.unschedulable']({ metadata: {}, spec: { unschedulable: true } }), 'true');
      assert.equal(r('nodes').definition.fieldSelectors!['spec.unschedulable']({ metadata: {} }), 'false');
    });

    it('rejects a taint with an unknown effect', () => {
      const { errors } = runCreate(r('nodes'), { metadata: meta('n1', undefined), spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } });
      assert.equal(errorOn(errors, 'spec.taints[0].effect'), 'FieldValueNotSupported');
    });

    it('forbids changing podCIDRs once set', () => {
      const old = runCreate(r('nodes'), { metadata: meta('n1', undefined), spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } }).obj;
      const { errors } = runUpdate(r('nodes'), { ...old, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } }, old);
      assert.equal(errorOn(errors, 'spec.podCIDRs'), 'FieldValueForbidden');
    });
  });

  describe('ConfigMap', () => {
    it('prints the number of data and binaryData keys', () => {
      assert.equal(row('configmaps', { metadata: meta(), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })[1], 3);
    });

    it('rejects an invalid key', () => {
      const { errors } = runCreate(r('configmaps'), { metadata: meta(), data: { 'bad key': 'v' } });
      assert.equal(errorOn(errors, 'data'), 'FieldValueInvalid');
    });

    it('forbids data changes of an immutable configmap', () => {
      const old = runCreate(r('configmaps'), { metadata: meta(), data: { a: '1' }, immutable: true }).obj;
      const { errors } = runUpdate(r('configmaps'), { ...old, data: { a: '2' } }, old);
      assert.equal(errorOn(errors, 'data'), 'FieldValueForbidden');
    });
  });

  describe('Secret', () => {
    it('defaults type Opaque and folds stringData into base64 data', () => {
      const { obj, errors } = runCreate(r('secrets'), { metadata: meta(), stringData: { password: 's3cr3t' } });
      assert.deepEqual(errors, []);
      assert.equal(obj.type, 'Opaque');
      assert.deepEqual(obj.data, { password: Buffer.from('s3cr3t').toString('base64') });
      assert.equal(obj.stringData, undefined);
    });

    it('requires tls.crt and tls.key for kubernetes.io/tls', () => {
      const { errors } = runCreate(r('secrets'), { metadata: meta(), type: 'kubernetes.io/tls', data: {} });
      assert.equal(errorOn(errors, 'data[tls.crt]'), 'FieldValueRequired');
      assert.equal(errorOn(errors, 'data[tls.key]'), 'FieldValueRequired');
    });

    it('makes type immutable', () => {
      const old = runCreate(r('secrets'), { metadata: meta(), data: {} }).obj;
      assert.equal(errorOn(runUpdate(r('secrets'), { ...old, type: 'Other' }, old).errors, 'type'), 'FieldValueInvalid');
    });

    it('prints TYPE and DATA and selects by type', () => {
      assert.deepEqual(row('secrets', { metadata: meta(), type: 'Opaque', data: { a: 'YQ==' } }), ['x', 'Opaque', 1, '60m']);
      assert.equal(r('secrets').definition.fieldSelectors!.type({ metadata: {}, type: 'Opaque' }), 'Opaque');
    });
  });

  describe('ServiceAccount', () => {
    it('prints the number of secrets', () => {
      assert.deepEqual(row('serviceaccounts', { metadata: meta(), secrets: [{ name: 'a' }] }), ['x', 1, '60m']);
    });
  });

  describe('Event', () => {
    const ev = { metadata: meta('p1.1'), involvedObject: { kind: 'Pod', name: 'p1', namespace: 'default', uid: 'u1' }, reason: 'Scheduled', type: 'Normal', message: 'ok ', source: { component: 'default-scheduler' }, firstTimestamp: '2026-11-26T11:50:00Z', lastTimestamp: '2026-11-26T11:55:00Z', count: 2 };

    it('prints LAST SEEN, TYPE, REASON, OBJECT, MESSAGE and the wide cells', () => {
      assert.deepEqual(row('events', ev), ['5m', 'Normal', 'Scheduled', 'pod/p1', '', 'default-scheduler', 'ok', '10m', 2, 'p1.1']);
    });

    it('rejects an involvedObject namespace that differs from the event namespace', () => {
      const { errors } = runCreate(r('events'), { ...ev, involvedObject: { ...ev.involvedObject, namespace: 'other' } });
      assert.equal(errorOn(errors, 'involvedObject.namespace'), 'FieldValueInvalid');
    });

    it('selects by involvedObject fields, reason, source and type', () => {
      const sel = r('events').definition.fieldSelectors!;
      const e = ev as unknown as KObject;
      assert.deepEqual(['involvedObject.name', 'involvedObject.uid', 'involvedObject.kind', 'reason', 'source', 'type'].map((f) => sel[f](e)), ['p1', 'u1', 'Pod', 'Scheduled', 'default-scheduler', 'Normal']);
    });
  });

  describe('LimitRange', () => {
    it('defaults container default from max and defaultRequest from default', () => {
      const { obj, errors } = runCreate(r('limitranges'), { metadata: meta(), spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } });
      assert.deepEqual(errors, []);
      const item = (obj.spec as any).limits[0];
      assert.deepEqual(item.default, { cpu: '2' });
      assert.deepEqual(item.defaultRequest, { cpu: '2', memory: '64Mi' });
    });

    it('rejects min greater than max', () => {
      const { errors } = runCreate(r('limitranges'), { metadata: meta(), spec: { limits: [{ type: 'Pod', min: { cpu: '2' }, max: { cpu: '1' } }] } });
      assert.equal(errorOn(errors, 'spec.limits[0].min[cpu]'), 'FieldValueInvalid');
    });
  });

  describe('ResourceQuota', () => {
    it('prints requests and limits columns from status', () => {
      const q = { metadata: meta(), status: { hard: { pods: '10', 'limits.cpu': '2', 'requests.cpu': '1' }, used: { pods: '2', 'requests.cpu': '500m' } } };
      assert.deepEqual(row('resourcequotas', q), ['x', '60m', 'pods: 2/10, requests.cpu: 500m/1', 'limits.cpu: 0/2']);
    });

    it('rejects a negative hard quantity', () => {
      const { errors } = runCreate(r('resourcequotas'), { metadata: meta(), spec: { hard: { pods: '-1' } } });
      assert.equal(errorOn(errors, 'spec.hard[pods]'), 'FieldValueInvalid');
    });
  });

  describe('PersistentVolume', () => {
    const pv = { metadata: meta('pv1', undefined), spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } };

    it('defaults Retain and Filesystem and starts Pending', () => {
      const { obj, errors } = runCreate(r('persistentvolumes'), pv);
      assert.deepEqual(errors, []);
      assert.equal((obj.spec as any).persistentVolumeReclaimPolicy, 'Retain');
      assert.equal((obj.spec as any).volumeMode, 'Filesystem');
      assert.equal((obj.status as any).phase, 'Pending');
    });

    it('requires a volume source and access modes', () => {
      const { errors } = runCreate(r('persistentvolumes'), { metadata: meta('pv1', undefined), spec: { capacity: { storage: '1Gi' } } });
      assert.equal(errorOn(errors, 'spec'), 'FieldValueRequired');
      assert.equal(errorOn(errors, 'spec.accessModes'), 'FieldValueRequired');
    });

    it('prints capacity, access modes and the claim', () => {
      const cells = row('persistentvolumes', { ...pv, spec: { ...pv.spec, persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'c1' } }, status: { phase: 'Bound' } });
      assert.deepEqual(cells.slice(0, 6), ['pv1', '1Gi', 'RWO', 'Retain', 'Bound', 'default/c1']);
    });
  });

  describe('PersistentVolumeClaim', () => {
    const pvc = { metadata: meta('c1'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };

    it('requires a storage request', () => {
      const { errors } = runCreate(r('persistentvolumeclaims'), { metadata: meta('c1'), spec: { accessModes: ['ReadWriteOnce'] } });
      assert.equal(errorOn(errors, 'spec.resources.requests[storage]'), 'FieldValueRequired');
    });

    it('allows growing the storage request but not other spec changes', () => {
      const old = runCreate(r('persistentvolumeclaims'), pvc).obj;
      const grow = structuredClone(old) as any;
      grow.spec.resources.requests.storage = '2Gi';
      assert.deepEqual(runUpdate(r('persistentvolumeclaims'), grow, old).errors, []);
      const modes = structuredClone(old) as any;
      modes.spec.accessModes = ['ReadWriteMany'];
      assert.equal(errorOn(runUpdate(r('persistentvolumeclaims'), modes, old).errors, 'spec'), 'FieldValueForbidden');
    });

    it('allows binding volumeName once', () => {
      const old = runCreate(r('persistentvolumeclaims'), pvc).obj;
      const bound = structuredClone(old) as any;
      bound.spec.volumeName = 'pv1';
      assert.deepEqual(runUpdate(r('persistentvolumeclaims'), bound, old).errors, []);
    });
  });

  describe('PodTemplate', () => {
    it('defaults and validates the template', () => {
      const { obj, errors } = runCreate(r('podtemplates'), { metadata: meta(), template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] } } });
      assert.equal(errorOn(errors, 'template.spec.containers[0].image'), 'FieldValueRequired');
      assert.equal((obj.template as any).spec.restartPolicy, 'Always');
    });

    it('prints containers, images and pod labels', () => {
      assert.deepEqual(row('podtemplates', { metadata: meta(), template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } }), ['x', 'c', 'nginx', 'a=b']);
    });
  });

  describe('ReplicationController', () => {
    const rc = { metadata: meta('rc1'), spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } };

    it('defaults selector and labels from the template and replicas 1', () => {
      const { obj, errors } = runCreate(r('replicationcontrollers'), rc);
      assert.deepEqual(errors, []);
      assert.deepEqual((obj.spec as any).selector, { app: 'a' });
      assert.deepEqual(obj.metadata.labels, { app: 'a' });
      assert.equal((obj.spec as any).replicas, 1);
    });

    it('rejects a template restartPolicy other than Always', () => {
      const bad = structuredClone(rc) as any;
      bad.spec.template.spec.restartPolicy = 'Never';
      assert.equal(errorOn(runCreate(r('replicationcontrollers'), bad).errors, 'spec.template.spec.restartPolicy'), 'FieldValueNotSupported');
    });

    it('rejects a selector that does not match the template labels', () => {
      const bad = structuredClone(rc) as any;
      bad.spec.selector = { app: 'b' };
      assert.equal(errorOn(runCreate(r('replicationcontrollers'), bad).errors, 'spec.template.metadata.labels'), 'FieldValueInvalid');
    });
  });
});
