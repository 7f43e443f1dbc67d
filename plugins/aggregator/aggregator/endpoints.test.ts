/** Where an APIService's Service answers: Endpoints, else EndpointSlices; the reasons when nowhere. */
import assert from 'node:assert/strict';
import { inProcessClient, type Client } from '../../../core/client';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { EndpointError, resolveEndpoints } from './endpoints';

const SERVICES = { group: '', version: 'v1', resource: 'services' };

describe('Aggregator endpoints', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;

  before(async () => {
    cluster = await startCluster({ config: { plugins: { aggregator: { disabled: ['*'] } } } });
    client = inProcessClient(cluster.server);
    await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sliced', namespace: 'default' }, spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] } });
    await client.create({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'sliced-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'sliced' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['127.0.0.1'], conditions: { ready: true } },
        { addresses: ['127.0.0.2'], conditions: { ready: false } },
      ],
      ports: [{ name: 'https', port: 8443, protocol: 'TCP' }],
    });
  });
  after(async () => cluster?.close());

  const reasonOf = (p: Promise<unknown>) => p.then(() => undefined, (err: unknown) => (err instanceof EndpointError ? err.reason : String(err)));

  it('uses the ready addresses of the EndpointSlices when the Service has no Endpoints', async () => {
    const eps = await eventually('the slice', () => resolveEndpoints(cluster.server, { namespace: 'default', name: 'sliced', port: 443 }).catch(() => undefined));
    assert.deepEqual(eps, [{ host: '127.0.0.1', port: 8443 }]);
  });

  it('reports ServicePortError for a port the Service does not have', async () => {
    assert.equal(await reasonOf(resolveEndpoints(cluster.server, { namespace: 'default', name: 'sliced', port: 8080 })), 'ServicePortError');
  });

  it('reports ServiceNotFound for a missing Service', async () => {
    assert.equal(await reasonOf(resolveEndpoints(cluster.server, { namespace: 'default', name: 'nope', port: 443 })), 'ServiceNotFound');
  });
});
