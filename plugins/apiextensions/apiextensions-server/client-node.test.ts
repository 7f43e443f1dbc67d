/**
 * Acceptance (issue 6): @kubernetes/client-node's ApiextensionsV1Api and CustomObjectsApi against
 * `k8ts up`: create a CRD, then CRUD, /status and /scale of custom resources.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { until } from '../../../test/helpers/kubectl';
import { mergePatch, NS, rejects, useClientNode } from '../../../test/e2e/client-node-fixtures';
import { crontabCrd } from './testing';

const G = { group: 'stable.example.com', version: 'v1', plural: 'crontabs', namespace: NS };
const body = (name: string, replicas = 1) => ({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name }, spec: { cronSpec: '* * * * *', image: 'img', replicas } });

describe('apiextensions/APIExtensionServer: @kubernetes/client-node CustomObjectsApi against k8ts up', function () {
  this.timeout(60_000);
  const cn = useClientNode();
  let custom: k8s.CustomObjectsApi;

  before(async function () {
    this.timeout(60_000);
    const ext = cn.kc.makeApiClient(k8s.ApiextensionsV1Api);
    custom = cn.kc.makeApiClient(k8s.CustomObjectsApi);
    await ext.createCustomResourceDefinition({ body: crontabCrd() as unknown as k8s.V1CustomResourceDefinition });
    await until('Established', async () => {
      const crd = await ext.readCustomResourceDefinition({ name: 'crontabs.stable.example.com' });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
  });

  it('creates, reads and lists custom objects', async () => {
    const created = await custom.createNamespacedCustomObject({ ...G, body: body('cn-a', 2) });
    assert.equal(created.metadata.uid.length > 0, true);
    const got = await custom.getNamespacedCustomObject({ ...G, name: 'cn-a' });
    assert.equal(got.spec.replicas, 2);
    const list = await custom.listNamespacedCustomObject({ ...G });
    assert.ok(list.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'cn-a'));
  });

  it('replaces and merge-patches a custom object', async () => {
    const obj = await custom.createNamespacedCustomObject({ ...G, body: body('cn-b') });
    const replaced = await custom.replaceNamespacedCustomObject({ ...G, name: 'cn-b', body: { ...obj, spec: { ...obj.spec, image: 'replaced' } } });
    assert.equal(replaced.spec.image, 'replaced');
    const patched = await custom.patchNamespacedCustomObject({ ...G, name: 'cn-b', body: { spec: { replicas: 3 } } }, mergePatch());
    assert.deepEqual([patched.spec.image, patched.spec.replicas], ['replaced', 3]);
  });

  it('writes /status and reads /scale', async () => {
    const obj = await custom.createNamespacedCustomObject({ ...G, body: body('cn-c', 4) });
    const st = await custom.replaceNamespacedCustomObjectStatus({ ...G, name: 'cn-c', body: { ...obj, status: { replicas: 4, labelSelector: 'app=cn' } } });
    assert.equal(st.status.replicas, 4);
    const scale = await custom.getNamespacedCustomObjectScale({ ...G, name: 'cn-c' });
    assert.deepEqual([scale.spec.replicas, scale.status.replicas, scale.status.selector], [4, 4, 'app=cn']);
  });

  it('deletes a custom object; reading it then is 404 NotFound', async () => {
    await custom.createNamespacedCustomObject({ ...G, body: body('cn-d') });
    await custom.deleteNamespacedCustomObject({ ...G, name: 'cn-d' });
    const s = await rejects(custom.getNamespacedCustomObject({ ...G, name: 'cn-d' }));
    assert.deepEqual([s.code, s.reason], [404, 'NotFound']);
  });

  it('a custom object violating the schema is 422 Invalid with every cause', async () => {
    const bad = { ...body('cn-bad'), spec: { image: 'img', replicas: -1 } };
    const s = await rejects(custom.createNamespacedCustomObject({ ...G, body: bad }));
    assert.deepEqual([s.code, s.reason], [422, 'Invalid']);
    assert.deepEqual(s.details.causes.map((c: { field: string }) => c.field).sort(), ['spec.cronSpec', 'spec.replicas']);
  });
});
