/**
 * HorizontalPodAutoscaler (autoscaling v2 and v1): two served versions, one stored (v2, the hub),
 * converted with Kubernetes' annotation round trip; defaults, validation, status, the printer.
 */
import { ensure, isRecord, recs, setDefault, setDefaultString, type Json } from '../../shared/object';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { schemaRef } from '../../shared/versions';
import { hubToV1, v1ToHub } from './conversion';
import { hpaPrinter } from './printer';
import { validateHPA } from './validation';

export const DEFAULT_CPU_UTILIZATION = 80;

/** GenerateHPAScaleUpRules / ScaleDownRules: fill the unset parts of a given behavior. */
function defaultBehavior(behavior: Json): void {
  if (isRecord(behavior.scaleUp)) {
    const up = behavior.scaleUp;
    setDefault(up, 'stabilizationWindowSeconds', 0);
    setDefaultString(up, 'selectPolicy', 'Max');
    if (recs(up.policies).length === 0 && up.selectPolicy !== 'Disabled') {
      up.policies = [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ];
    }
  } else {
    behavior.scaleUp = {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    };
  }
  if (isRecord(behavior.scaleDown)) {
    const down = behavior.scaleDown;
    setDefaultString(down, 'selectPolicy', 'Max');
    if (recs(down.policies).length === 0 && down.selectPolicy !== 'Disabled') down.policies = [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  } else {
    behavior.scaleDown = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
  }
}

export default defineResourcePlugin({
  name: 'HorizontalPodAutoscaler',
  description: 'autoscaling/v2 (stored) and autoscaling/v1 horizontalpodautoscalers: conversion, defaults, validation, status, printer',
  definition: {
    group: 'autoscaling',
    versions: [
      { name: 'v2', served: true, storage: true, schemaRef: schemaRef('autoscaling', 'v2', 'HorizontalPodAutoscaler') },
      { name: 'v1', served: true, storage: false, toHub: v1ToHub, fromHub: hubToV1, schemaRef: schemaRef('autoscaling', 'v1', 'HorizontalPodAutoscaler') },
    ],
    names: {
      plural: 'horizontalpodautoscalers',
      singular: 'horizontalpodautoscaler',
      kind: 'HorizontalPodAutoscaler',
      listKind: 'HorizontalPodAutoscalerList',
      shortNames: ['hpa'],
      categories: ['all'],
    },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true },
    printer: hpaPrinter,
  },
  defaults(hpa) {
    const spec = ensure(hpa as Json, 'spec');
    setDefault(spec, 'minReplicas', 1);
    if (recs(spec.metrics).length === 0) {
      spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
    }
    if (isRecord(spec.behavior)) defaultBehavior(spec.behavior);
  },
  validate(hpa, errors) {
    validateHPA(hpa, errors);
  },
});
