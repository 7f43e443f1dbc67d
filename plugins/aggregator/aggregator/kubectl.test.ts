/**
 * e2e: the real kubectl 1.32 against an in-process k8ts over TLS with the Aggregator and the test
 * extension API server (HTTPS on 127.0.0.1) behind a Service and Endpoints.
 */
import assert from 'node:assert/strict';
import { inProcessClient, type Client } from '../../../core/client';
import { kubectlRunner, type KubectlResult } from '../../../test/helpers/kubectl';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { AUTHENTICATION_CONFIGMAP } from '.';
import { createServiceAndEndpoints, EXT_BASE, EXT_GROUP, EXT_VERSION, extensionAPIService, startExtensionServer, type ExtensionServer } from './testing';

const APISERVICES = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices' };
const NAME = `${EXT_VERSION}.${EXT_GROUP}`;

function show(r: KubectlResult): string {
  return `kubectl ${r.args.join(' ')} -> ${String(r.code)}\n${r.stdout}\n${r.stderr}`;
}

describe('kubectl against the Aggregator (e2e)', function () {
  this.timeout(90_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let ext: ExtensionServer;
  const runner = kubectlRunner(() => ({ kubeconfig: cluster.kubeconfigPath, cwd: cluster.dir }));
  const kubectl = (...args: string[]) => runner.run(args);

  before(async () => {
    cluster = await startCluster({ tls: true, config: { plugins: { aggregator: { enabled: [{ name: 'Aggregator', options: { probeIntervalSeconds: 1 } }] } } } });
    client = inProcessClient(cluster.server);
    const cm = await eventually('the authentication ConfigMap', () => client.get({ group: '', version: 'v1', resource: 'configmaps' }, { namespace: 'kube-system', name: AUTHENTICATION_CONFIGMAP }).catch(() => undefined));
    ext = await startExtensionServer('metrics.default.svc', String((cm.data as Record<string, string>)['requestheader-client-ca-file']));
    await createServiceAndEndpoints(client, 'default', 'metrics', ext.port);
    await client.create(APISERVICES, extensionAPIService('default', 'metrics', ext.caBundle));
    await eventually(`${NAME} available`, async () => {
      const obj = await client.get(APISERVICES, { name: NAME });
      return JSON.stringify(obj.status).includes('"Passed"');
    }, 20_000);
  });

  after(async () => {
    runner.cleanup();
    await ext?.close();
    await cluster?.close();
  });

  it('get apiservices shows the SERVICE and AVAILABLE columns', async () => {
    const r = await kubectl('get', 'apiservices');
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE/m, show(r));
    assert.match(r.stdout, new RegExp(`^${NAME.replace(/\./g, '\\.')}\\s+default/metrics\\s+True\\s`, 'm'), show(r));
    assert.match(r.stdout, /^v1\.apps\s+Local\s+True\s/m, show(r));
  });

  it('get --raw /apis/<group>/<version> answers the backend discovery document', async () => {
    const r = await kubectl('get', '--raw', EXT_BASE);
    assert.equal(r.code, 0, show(r));
    assert.equal(JSON.parse(r.stdout).groupVersion, `${EXT_GROUP}/${EXT_VERSION}`);
  });

  it('api-resources shows the aggregated group', async () => {
    const r = await kubectl('api-resources');
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^nodemetrics\s+nm\s+metrics\.example\.dev\/v1alpha1\s+false\s+NodeMetrics/m, show(r));
  });

  it('get <aggregated resource> lists what the backend serves', async () => {
    const r = await kubectl('get', 'nodemetrics');
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^node-a\s/m, show(r));
    assert.match(r.stdout, /^node-b\s/m, show(r));
  });

  it('explain <aggregated kind> reads the backend OpenAPI document', async () => {
    const r = await kubectl('explain', 'nodemetrics.window');
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /KIND:\s+NodeMetrics/, show(r));
    assert.match(r.stdout, /The sampling window\./, show(r));
  });

  describe('with the backend down', () => {
    before(async () => {
      await ext.close();
      await eventually(`${NAME} unavailable`, async () => JSON.stringify((await client.get(APISERVICES, { name: NAME })).status).includes('FailedDiscoveryCheck'), 20_000);
    });

    it('get apiservices shows False (FailedDiscoveryCheck)', async () => {
      const r = await kubectl('get', 'apiservice', NAME);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /False \(FailedDiscoveryCheck\)/, show(r));
    });

    it('get --raw below the group-version answers 503 ServiceUnavailable', async () => {
      const r = await kubectl('get', '--raw', `${EXT_BASE}/nodemetrics`);
      assert.notEqual(r.code, 0, show(r));
      assert.match(r.stderr, /\(ServiceUnavailable\)/, show(r));
    });

    // aggregated discovery marks the group-version Stale: kubectl 1.32 drops it from the resource
    // list (without an error line) and keeps every other group
    it('api-resources still works and lists every other group', async () => {
      const r = await kubectl('api-resources');
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/m, show(r));
      assert.doesNotMatch(r.stdout, /metrics\.example\.dev/, show(r));
    });
  });
});
