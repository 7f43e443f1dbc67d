import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import { bareServer, errorOn, resourceOf, runCreate } from '../shared/testing';
import HorizontalPodAutoscaler from './horizontalpodautoscalers';
import { CONDITIONS_ANNOTATION, CURRENT_METRICS_ANNOTATION, hubToV1, METRICS_ANNOTATION, v1ToHub } from './horizontalpodautoscalers/conversion';

const NOW = new Date('2026-11-26T12:00:00Z');
const r = resourceOf(bareServer([HorizontalPodAutoscaler]), 'autoscaling', 'horizontalpodautoscalers');
const meta = { name: 'web', namespace: 'default', creationTimestamp: '2026-11-26T11:00:00Z' };
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

const v2 = (): KObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { ...meta },
  spec: {
    scaleTargetRef: ref,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 3,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40, averageValue: '40m' } } },
      { type: 'Pods', pods: { metric: { name: 'rps' }, current: { averageValue: '80' } } },
    ],
    conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' }],
  },
});

describe('resources/HorizontalPodAutoscaler', () => {
  it('serves v2 (preferred, stored) and v1, with conversion on v1', () => {
    const def = r.definition;
    assert.deepEqual(def.versions.map((v) => [v.name, v.served, v.storage]), [['v2', true, true], ['v1', true, false]]);
    assert.equal(r.storageVersion.name, 'v2');
    assert.equal(typeof def.versions[1].toHub, 'function');
    assert.equal(def.versions[1].schemaRef, 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler');
    assert.deepEqual(def.names.shortNames, ['hpa']);
  });

  it('converts v2 to v1 with targetCPUUtilizationPercentage and the other metrics in annotations', () => {
    const v1 = hubToV1(v2());
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.equal((v1.spec as any).targetCPUUtilizationPercentage, 60);
    assert.deepEqual(JSON.parse(v1.metadata.annotations![METRICS_ANNOTATION]), [{ type: 'Pods', pods: { metricName: 'rps', targetAverageValue: '100' } }]);
    assert.equal((v1.status as any).currentCPUUtilizationPercentage, 40);
    assert.deepEqual(JSON.parse(v1.metadata.annotations![CURRENT_METRICS_ANNOTATION]), [{ type: 'Pods', pods: { metricName: 'rps', currentAverageValue: '80' } }]);
    assert.equal(JSON.parse(v1.metadata.annotations![CONDITIONS_ANNOTATION])[0].type, 'AbleToScale');
  });

  it('round-trips v2 -> v1 -> v2 without loss', () => {
    const original = v2();
    const back = v1ToHub(hubToV1(original));
    assert.deepEqual((back.spec as any).metrics, (original.spec as any).metrics);
    assert.deepEqual((back.spec as any).behavior, (original.spec as any).behavior);
    assert.deepEqual((back.status as any).conditions, (original.status as any).conditions);
    assert.equal(back.metadata.annotations, undefined);
  });

  it('converts a plain v1 object to a v2 cpu metric', () => {
    const hub = v1ToHub({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { ...meta }, spec: { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } });
    assert.deepEqual((hub.spec as any).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    assert.equal(hub.apiVersion, 'autoscaling/v2');
  });

  it('defaults minReplicas 1 and an 80% cpu target on the hub', () => {
    const { obj, errors } = runCreate(r, { metadata: { ...meta }, spec: { scaleTargetRef: ref, maxReplicas: 3 } });
    assert.deepEqual(errors, []);
    assert.equal((obj.spec as any).minReplicas, 1);
    assert.equal((obj.spec as any).metrics[0].resource.target.averageUtilization, 80);
  });

  it('fills the default scaling rules of a given behavior', () => {
    const { obj } = runCreate(r, { metadata: { ...meta }, spec: { scaleTargetRef: ref, maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } });
    const behavior = (obj.spec as any).behavior;
    assert.equal(behavior.scaleUp.policies.length, 2);
    assert.deepEqual(behavior.scaleDown.policies, [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
    assert.equal(behavior.scaleDown.stabilizationWindowSeconds, 60);
  });

  it('rejects maxReplicas below minReplicas', () => {
    const { errors } = runCreate(r, { metadata: { ...meta }, spec: { scaleTargetRef: ref, minReplicas: 5, maxReplicas: 3 } });
    assert.equal(errorOn(errors, 'spec.maxReplicas'), 'FieldValueInvalid');
  });

  it('requires the scale target and the metric source', () => {
    const { errors } = runCreate(r, { metadata: { ...meta }, spec: { scaleTargetRef: {}, maxReplicas: 3, metrics: [{ type: 'Pods' }] } });
    assert.equal(errorOn(errors, 'spec.scaleTargetRef.kind'), 'FieldValueRequired');
    assert.equal(errorOn(errors, 'spec.metrics[0].pods'), 'FieldValueRequired');
  });

  it('prints reference, targets, min/max and replicas', () => {
    const row = r.definition.printer!.row(v2(), NOW);
    assert.deepEqual(row, ['web', 'Deployment/web', 'cpu: 40%/60%, 80/100', '2', 10, 3, '60m']);
  });

  it('prints <unknown> before the controller reports and collapses more than two metrics', () => {
    const hpa = v2();
    (hpa.spec as any).metrics.push({ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '5' } } });
    delete hpa.status;
    assert.equal(r.definition.printer!.row(hpa, NOW)[2], 'cpu: <unknown>/60%, <unknown>/100 + 1 more...');
  });
});
