import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { api, pod, startAdmission, type Api, type Obj } from '../shared/testing';
import LimitRanger, { LIMIT_RANGER_ANNOTATION } from '.';
import { podViolations } from './limits';

const NS = '/api/v1/namespaces/default';

function limitRange(limits: Obj[]): Obj {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' }, spec: { limits } };
}

function withResources(resources: Obj): Obj {
  return pod('p', { containers: [{ name: 'c', image: 'nginx', resources }] });
}

describe('admission/LimitRanger', function () {
  this.timeout(20000);
  let server: Server;
  let a: Api;
  beforeEach(async () => {
    server = await startAdmission([LimitRanger]);
    a = api(server);
  });
  afterEach(() => server.stop(0));

  it('applies default and defaultRequest to containers and annotates the pod', async () => {
    await a.create(`${NS}/limitranges`, limitRange([{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '100m', memory: '64Mi' } }]));
    const p = await a.create(`${NS}/pods`, pod('p', { initContainers: [{ name: 'i', image: 'busybox' }] }));
    for (const c of [p.spec.containers[0], p.spec.initContainers[0]]) {
      assert.deepEqual(c.resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
    }
    assert.match(p.metadata.annotations[LIMIT_RANGER_ANNOTATION], /^LimitRanger plugin set: cpu, memory request for init container i; cpu, memory limit for init container i; cpu, memory request for container c; cpu, memory limit for container c$/);
  });

  it('keeps values the container sets', async () => {
    await a.create(`${NS}/limitranges`, limitRange([{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }]));
    const p = await a.create(`${NS}/pods`, withResources({ requests: { cpu: '200m' }, limits: { cpu: '300m' } }));
    assert.deepEqual(p.spec.containers[0].resources, { requests: { cpu: '200m' }, limits: { cpu: '300m' } });
  });

  it('refuses a container above max with 403 Forbidden', async () => {
    await a.create(`${NS}/limitranges`, limitRange([{ type: 'Container', max: { cpu: '1' } }]));
    const r = await a.call('POST', `${NS}/pods`, withResources({ limits: { cpu: '2' } }));
    const s = r.json<Obj>();
    assert.equal(r.status, 403);
    assert.equal(s.reason, 'Forbidden');
    assert.match(s.message, /maximum cpu usage per Container is 1, but limit is 2/);
  });

  it('refuses a container below min with 403 Forbidden', async () => {
    await a.create(`${NS}/limitranges`, limitRange([{ type: 'Container', min: { memory: '64Mi' } }]));
    const r = await a.call('POST', `${NS}/pods`, withResources({ requests: { memory: '32Mi' } }));
    assert.equal(r.status, 403);
    assert.match(r.json<Obj>().message, /minimum memory usage per Container is 64Mi, but request is 32Mi/);
  });

  it('refuses a limit/request ratio above maxLimitRequestRatio', async () => {
    await a.create(`${NS}/limitranges`, limitRange([{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }]));
    const r = await a.call('POST', `${NS}/pods`, withResources({ requests: { cpu: '100m' }, limits: { cpu: '400m' } }));
    assert.equal(r.status, 403);
    assert.match(r.json<Obj>().message, /cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000/);
  });

  it('checks Pod items against the sum of the containers', () => {
    const spec = { containers: [{ name: 'a', resources: { limits: { cpu: '600m' } } }, { name: 'b', resources: { limits: { cpu: '600m' } } }] };
    assert.deepEqual(podViolations(spec, [limitRange([{ type: 'Pod', max: { cpu: '1' } }])]), ['maximum cpu usage per Pod is 1, but limit is 1.2']);
  });

  it('allows a pod within the range', async () => {
    await a.create(`${NS}/limitranges`, limitRange([{ type: 'Container', min: { cpu: '50m' }, max: { cpu: '1' }, default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }]));
    assert.equal((await a.call('POST', `${NS}/pods`, pod('p'))).status, 201);
  });

  it('refuses a claim above the PersistentVolumeClaim max', async () => {
    await a.create(`${NS}/limitranges`, limitRange([{ type: 'PersistentVolumeClaim', max: { storage: '1Gi' } }]));
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } };
    const r = await a.call('POST', `${NS}/persistentvolumeclaims`, claim);
    assert.equal(r.status, 403);
    assert.equal(r.json<Obj>().reason, 'Forbidden');
  });
});
