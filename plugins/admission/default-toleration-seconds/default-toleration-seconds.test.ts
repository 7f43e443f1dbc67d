import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { api, pod, startAdmission, type Api, type Obj } from '../shared/testing';
import DefaultTolerationSeconds, { addDefaultTolerations } from '.';

const PODS = '/api/v1/namespaces/default/pods';

describe('admission/DefaultTolerationSeconds', function () {
  this.timeout(20000);
  let server: Server;
  let a: Api;
  beforeEach(async () => {
    server = await startAdmission([DefaultTolerationSeconds]);
    a = api(server);
  });
  afterEach(() => server.stop(0));

  it('adds not-ready and unreachable NoExecute tolerations for 300 s', async () => {
    const p = await a.create(PODS, pod('p'));
    assert.deepEqual(p.spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('keeps a toleration the pod already has for the taint', async () => {
    const own = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
    const p = await a.create(PODS, pod('p', { tolerations: [own] }));
    assert.deepEqual(p.spec.tolerations.map((t: Obj) => [t.key, t.tolerationSeconds]), [['node.kubernetes.io/not-ready', 10], ['node.kubernetes.io/unreachable', 300]]);
  });

  it('adds nothing when a wildcard toleration tolerates everything', () => {
    const spec: Obj = { tolerations: [{ operator: 'Exists' }] };
    addDefaultTolerations(spec, 300, 300);
    assert.equal(spec.tolerations.length, 1);
  });

  it('takes the seconds from its options', () => {
    const spec: Obj = {};
    addDefaultTolerations(spec, 60, 120);
    assert.deepEqual(spec.tolerations.map((t: Obj) => t.tolerationSeconds), [60, 120]);
  });
});
