import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import PriorityClass from '../../resources/scheduling/priorityclasses';
import { api, pod, startAdmission, type Api } from '../shared/testing';
import Priority from '.';

const PODS = '/api/v1/namespaces/default/pods';
const CLASSES = '/apis/scheduling.k8s.io/v1/priorityclasses';
const cls = (name: string, value: number, extra = {}) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });

describe('admission/Priority', function () {
  this.timeout(20000);
  let server: Server;
  let a: Api;
  beforeEach(async () => {
    server = await startAdmission([PriorityClass, Priority]);
    a = api(server);
  });
  afterEach(() => server.stop(0));

  it('sets spec.priority and preemptionPolicy from the named PriorityClass', async () => {
    await a.create(CLASSES, cls('high', 1000, { preemptionPolicy: 'Never' }));
    const p = await a.create(PODS, pod('p', { priorityClassName: 'high' }));
    assert.equal(p.spec.priority, 1000);
    assert.equal(p.spec.preemptionPolicy, 'Never');
  });

  it('gives priority 0 when no class is named and none is the global default', async () => {
    const p = await a.create(PODS, pod('p'));
    assert.equal(p.spec.priority, 0);
  });

  it('applies the globalDefault class to pods that name none', async () => {
    await a.create(CLASSES, cls('dflt', 7, { globalDefault: true }));
    const p = await a.create(PODS, pod('p'));
    assert.equal(p.spec.priority, 7);
    assert.equal(p.spec.priorityClassName, 'dflt');
  });

  it('knows the built-in system-node-critical class', async () => {
    const p = await a.create(PODS, pod('p', { priorityClassName: 'system-node-critical' }));
    assert.equal(p.spec.priority, 2000001000);
  });

  it('refuses an unknown class as Forbidden', async () => {
    const r = await a.call('POST', PODS, pod('p', { priorityClassName: 'nope' }));
    assert.equal(r.status, 403);
    assert.equal(r.json<{ reason: string }>().reason, 'Forbidden');
  });

  it('refuses a pod whose spec.priority differs from its class', async () => {
    await a.create(CLASSES, cls('high', 1000));
    const r = await a.call('POST', PODS, pod('p', { priorityClassName: 'high', priority: 5 }));
    assert.equal(r.status, 403);
  });
});
