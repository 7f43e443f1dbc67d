/**
 * Workload plugins through the API: apps/v1 Deployment (defaults, 422, /scale), batch/v1 Job
 * (generated selector from the stored uid), autoscaling HPA (v1 <-> v2 through the hub).
 */
import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import HorizontalPodAutoscaler from '../autoscaling/horizontalpodautoscalers';
import Job from '../batch/jobs';
import Namespace from '../core/namespaces';
import { api, causeFields, startWithPlugins, type Obj } from '../shared/groups-testing';
import SystemNamespaces from '../system-namespaces';
import Deployment from './deployments';

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

function deployment(name: string, labels: Obj = { app: name }): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
  };
}

describe('resources/apps, batch, autoscaling through the API', function () {
  this.timeout(20000);
  let server: Server;
  let a: ReturnType<typeof api>;

  beforeEach(async () => {
    server = await startWithPlugins([Namespace, SystemNamespaces, Deployment, Job, HorizontalPodAutoscaler], { SystemNamespaces: { kubernetesService: false } });
    a = api(server);
  });
  afterEach(async () => {
    await server.stop(0);
  });

  it('creates a deployment with defaults, generation 1 and empty status', async () => {
    const d = await a.create(DEPLOYMENTS, deployment('web'));
    assert.equal(d.spec.replicas, 1);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    assert.equal(d.metadata.generation, 1);
  });

  it('answers 422 when the selector does not match the template labels', async () => {
    const res = await a.call('POST', DEPLOYMENTS, deployment('web', { app: 'other' }));
    assert.equal(res.status, 422);
    assert.equal(res.json<Obj>().details.kind, 'Deployment');
    assert.deepEqual(causeFields(res.json<Obj>()), ['spec.template.metadata.labels']);
  });

  it('answers 422 when the selector changes', async () => {
    const d = await a.create(DEPLOYMENTS, deployment('web'));
    d.spec.selector = { matchLabels: { app: 'web', tier: 'x' } };
    d.spec.template.metadata.labels.tier = 'x';
    const res = await a.call('PUT', `${DEPLOYMENTS}/web`, d);
    assert.equal(res.status, 422);
    assert.deepEqual(causeFields(res.json<Obj>()), ['spec.selector']);
  });

  it('serves /scale as an autoscaling/v1 Scale with the selector', async () => {
    await a.create(DEPLOYMENTS, deployment('web'));
    const scale = (await a.call('GET', `${DEPLOYMENTS}/web/scale`)).json<Obj>();
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.apiVersion, 'autoscaling/v1');
    assert.equal(scale.spec.replicas, 1);
    assert.equal(scale.status.selector, 'app=web');
  });

  it('prints the deployment READY column from the Table', async () => {
    await a.create(DEPLOYMENTS, deployment('web'));
    const table = await a.table(`${DEPLOYMENTS}/web`);
    assert.deepEqual(table.rows[0].cells.slice(0, 4), ['web', '0/1', 0, 0]);
  });

  it('generates the job selector from the uid the store assigned', async () => {
    const job = await a.create('/apis/batch/v1/namespaces/default/jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } },
    });
    assert.equal(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], job.metadata.uid);
    assert.equal(job.spec.template.metadata.labels['controller-uid'], job.metadata.uid);
    assert.equal(job.spec.template.metadata.labels['job-name'], 'pi');
  });

  it('creates an HPA through v1 and reads it as v2 and v1', async () => {
    await a.create('/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    });
    const v2 = (await a.call('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web')).json<Obj>();
    assert.equal(v2.apiVersion, 'autoscaling/v2');
    assert.deepEqual(v2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    const v1 = (await a.call('GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web')).json<Obj>();
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 50);
    assert.equal(v1.spec.minReplicas, 1);
  });

  it('keeps v2-only metrics in the v1 annotation and back', async () => {
    const url = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
    await a.create(url, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'q' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'q' },
        maxReplicas: 5,
        metrics: [{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } }],
      },
    });
    const v1 = (await a.call('GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/q')).json<Obj>();
    assert.equal(v1.spec.targetCPUUtilizationPercentage, undefined);
    assert.deepEqual(JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics']), [
      { type: 'External', external: { metricName: 'queue', targetAverageValue: '30' } },
    ]);
    v1.spec.maxReplicas = 6;
    const put = await a.call('PUT', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/q', v1);
    assert.equal(put.status, 200);
    const v2 = (await a.call('GET', `${url}/q`)).json<Obj>();
    assert.equal(v2.spec.maxReplicas, 6);
    assert.equal(v2.spec.metrics[0].external.metric.name, 'queue');
    assert.equal(v2.metadata.annotations, undefined);
  });
});
