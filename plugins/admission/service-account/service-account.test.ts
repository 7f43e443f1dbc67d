import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { api, createNamespace, pod, startAdmission, type Api, type Obj } from '../shared/testing';
import ServiceAccountAdmission, { TOKEN_MOUNT_PATH, mountToken } from '.';

const PODS = '/api/v1/namespaces/team/pods';

describe('admission/ServiceAccount', function () {
  this.timeout(20000);
  let server: Server;
  let a: Api;
  beforeEach(async () => {
    server = await startAdmission([ServiceAccountAdmission]);
    a = api(server);
    await createNamespace(a, 'team');
  });
  afterEach(() => server.stop(0));

  it('runs a pod without serviceAccountName as default', async () => {
    const p = await a.create(PODS, pod('p'));
    assert.equal(p.spec.serviceAccountName, 'default');
  });

  it('creates the missing default ServiceAccount (controller stand-in)', async () => {
    await a.create(PODS, pod('p'));
    assert.equal((await a.call('GET', '/api/v1/namespaces/team/serviceaccounts/default')).status, 200);
  });

  it('refuses a pod whose ServiceAccount does not exist with 403 Forbidden', async () => {
    const r = await a.call('POST', PODS, pod('p', { serviceAccountName: 'ghost' }));
    assert.equal(r.status, 403);
    assert.equal(r.json<Obj>().reason, 'Forbidden');
  });

  it('adds the kube-api-access projected volume', async () => {
    const p = await a.create(PODS, pod('p'));
    const vol = p.spec.volumes.find((v: Obj) => v.name.startsWith('kube-api-access-'));
    assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const sources = vol.projected.sources;
    assert.equal(sources[0].serviceAccountToken.expirationSeconds, 3607);
    assert.equal(sources[1].configMap.name, 'kube-root-ca.crt');
    assert.equal(sources[2].downwardAPI.items[0].fieldRef.fieldPath, 'metadata.namespace');
  });

  it('mounts the token in containers and init containers', async () => {
    const p = await a.create(PODS, pod('p', { initContainers: [{ name: 'i', image: 'busybox' }] }));
    for (const c of [...p.spec.containers, ...p.spec.initContainers]) {
      assert.deepEqual(c.volumeMounts.map((m: Obj) => m.mountPath), [TOKEN_MOUNT_PATH]);
      assert.equal(c.volumeMounts[0].readOnly, true);
    }
  });

  it('mounts the token in ephemeral containers too (plain function)', () => {
    const spec: Obj = { containers: [{ name: 'c' }], ephemeralContainers: [{ name: 'e' }] };
    mountToken(spec, 'kube-api-access-abcde');
    assert.equal(spec.ephemeralContainers[0].volumeMounts[0].name, 'kube-api-access-abcde');
    assert.equal(spec.volumes.length, 1);
  });

  it('does not mount when the pod sets automountServiceAccountToken: false', async () => {
    const p = await a.create(PODS, pod('p', { automountServiceAccountToken: false }));
    assert.equal(p.spec.volumes, undefined);
  });

  it('does not mount when the ServiceAccount sets automountServiceAccountToken: false', async () => {
    await a.create('/api/v1/namespaces/team/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet' }, automountServiceAccountToken: false });
    const p = await a.create(PODS, pod('p', { serviceAccountName: 'quiet' }));
    assert.equal(p.spec.volumes, undefined);
  });

  it('keeps a mount the container already has at the token path', async () => {
    const c = { name: 'c', image: 'nginx', volumeMounts: [{ name: 'own', mountPath: TOKEN_MOUNT_PATH }] };
    const p = await a.create(PODS, pod('p', { containers: [c], volumes: [{ name: 'own', emptyDir: {} }] }));
    assert.deepEqual(p.spec.containers[0].volumeMounts.map((m: Obj) => m.name), ['own']);
    assert.deepEqual(p.spec.volumes.map((v: Obj) => v.name), ['own']);
  });

  it('copies the ServiceAccount imagePullSecrets when the pod has none', async () => {
    await a.create('/api/v1/namespaces/team/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'puller' }, imagePullSecrets: [{ name: 'reg' }] });
    const p = await a.create(PODS, pod('p', { serviceAccountName: 'puller' }));
    assert.deepEqual(p.spec.imagePullSecrets, [{ name: 'reg' }]);
  });

  it('refuses a missing default when createDefaultServiceAccount is off', async () => {
    await server.stop(0);
    server = await startAdmission([ServiceAccountAdmission], { ServiceAccount: { createDefaultServiceAccount: false } });
    a = api(server);
    await createNamespace(a, 'team');
    const r = await a.call('POST', PODS, pod('p'));
    assert.equal(r.status, 403);
    assert.equal(r.json<Obj>().reason, 'Forbidden');
  });
});
