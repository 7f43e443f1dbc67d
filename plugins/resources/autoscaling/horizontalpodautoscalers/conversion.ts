/**
 * autoscaling/v1 <-> autoscaling/v2 (the hub and storage version), as Kubernetes converts them:
 * v1's targetCPUUtilizationPercentage is the first `Resource cpu Utilization` metric; every other v2
 * metric, the current metrics, the conditions and the behavior ride in v1 annotations
 * (`autoscaling.alpha.kubernetes.io/{metrics,current-metrics,conditions,behavior}`) in the v1
 * MetricSpec/MetricStatus shapes (v2beta1-like fields such as `targetAverageUtilization`).
 */
import type { KObject } from '../../../../core/registry/types';
import { clone, isRecord, num, recs, str, type Json } from '../../shared/object';

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const ANNOTATIONS = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

function rec(v: unknown): Json {
  return isRecord(v) ? v : {};
}

function compact(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function metricId(name: unknown, selector: unknown): Json {
  return compact({ name, selector });
}

// ---------------------------------------------------------------- specs

function specToV1(m: Json): Json {
  const type = str(m.type);
  const out: Json = { type };
  if (type === 'Resource' || type === 'ContainerResource') {
    const key = type === 'Resource' ? 'resource' : 'containerResource';
    const src = rec(m[key]);
    const target = rec(src.target);
    out[key] = compact({ name: src.name, container: src.container, targetAverageUtilization: target.averageUtilization, targetAverageValue: target.averageValue });
  } else if (type === 'Pods') {
    const src = rec(m.pods);
    out.pods = compact({ metricName: rec(src.metric).name, targetAverageValue: rec(src.target).averageValue, selector: rec(src.metric).selector });
  } else if (type === 'Object') {
    const src = rec(m.object);
    const target = rec(src.target);
    out.object = compact({ target: src.describedObject, metricName: rec(src.metric).name, targetValue: target.value, selector: rec(src.metric).selector, averageValue: target.averageValue });
  } else if (type === 'External') {
    const src = rec(m.external);
    const target = rec(src.target);
    out.external = compact({ metricName: rec(src.metric).name, metricSelector: rec(src.metric).selector, targetValue: target.value, targetAverageValue: target.averageValue });
  }
  return out;
}

function specFromV1(m: Json): Json {
  const type = str(m.type);
  const out: Json = { type };
  if (type === 'Resource' || type === 'ContainerResource') {
    const key = type === 'Resource' ? 'resource' : 'containerResource';
    const src = rec(m[key]);
    const target = src.targetAverageUtilization !== undefined ? { type: 'Utilization', averageUtilization: src.targetAverageUtilization } : { type: 'AverageValue', averageValue: src.targetAverageValue };
    out[key] = compact({ name: src.name, container: src.container, target });
  } else if (type === 'Pods') {
    const src = rec(m.pods);
    out.pods = { metric: metricId(src.metricName, src.selector), target: { type: 'AverageValue', averageValue: src.targetAverageValue } };
  } else if (type === 'Object') {
    const src = rec(m.object);
    const target = src.averageValue !== undefined ? { type: 'AverageValue', averageValue: src.averageValue } : { type: 'Value', value: src.targetValue };
    out.object = { describedObject: src.target, metric: metricId(src.metricName, src.selector), target };
  } else if (type === 'External') {
    const src = rec(m.external);
    const target = src.targetAverageValue !== undefined ? { type: 'AverageValue', averageValue: src.targetAverageValue } : { type: 'Value', value: src.targetValue };
    out.external = { metric: metricId(src.metricName, src.metricSelector), target };
  }
  return out;
}

// ---------------------------------------------------------------- statuses

function statusToV1(m: Json): Json {
  const type = str(m.type);
  const out: Json = { type };
  if (type === 'Resource' || type === 'ContainerResource') {
    const key = type === 'Resource' ? 'resource' : 'containerResource';
    const src = rec(m[key]);
    const cur = rec(src.current);
    out[key] = compact({ name: src.name, container: src.container, currentAverageUtilization: cur.averageUtilization, currentAverageValue: cur.averageValue });
  } else if (type === 'Pods') {
    const src = rec(m.pods);
    out.pods = compact({ metricName: rec(src.metric).name, currentAverageValue: rec(src.current).averageValue, selector: rec(src.metric).selector });
  } else if (type === 'Object') {
    const src = rec(m.object);
    const cur = rec(src.current);
    out.object = compact({ target: src.describedObject, metricName: rec(src.metric).name, currentValue: cur.value, selector: rec(src.metric).selector, averageValue: cur.averageValue });
  } else if (type === 'External') {
    const src = rec(m.external);
    const cur = rec(src.current);
    out.external = compact({ metricName: rec(src.metric).name, metricSelector: rec(src.metric).selector, currentValue: cur.value, currentAverageValue: cur.averageValue });
  }
  return out;
}

function statusFromV1(m: Json): Json {
  const type = str(m.type);
  const out: Json = { type };
  if (type === 'Resource' || type === 'ContainerResource') {
    const key = type === 'Resource' ? 'resource' : 'containerResource';
    const src = rec(m[key]);
    out[key] = compact({ name: src.name, container: src.container, current: compact({ averageUtilization: src.currentAverageUtilization, averageValue: src.currentAverageValue }) });
  } else if (type === 'Pods') {
    const src = rec(m.pods);
    out.pods = { metric: metricId(src.metricName, src.selector), current: compact({ averageValue: src.currentAverageValue }) };
  } else if (type === 'Object') {
    const src = rec(m.object);
    out.object = { describedObject: src.target, metric: metricId(src.metricName, src.selector), current: compact({ value: src.currentValue, averageValue: src.averageValue }) };
  } else if (type === 'External') {
    const src = rec(m.external);
    out.external = { metric: metricId(src.metricName, src.metricSelector), current: compact({ value: src.currentValue, averageValue: src.currentAverageValue }) };
  }
  return out;
}

// ---------------------------------------------------------------- objects

function isCpuUtilization(m: Json): boolean {
  const r = rec(m.resource);
  return m.type === 'Resource' && r.name === 'cpu' && rec(r.target).averageUtilization !== undefined;
}

function parseAnnotation(annotations: Record<string, string>, key: string): unknown[] {
  const raw = annotations[key];
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** autoscaling/v1 -> hub (v2). */
export function v1ToHub(obj: KObject): KObject {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  const spec = rec(obj.spec);
  const status = isRecord(obj.status) ? obj.status : undefined;
  const metrics: Json[] = [];
  if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage !== null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  for (const m of parseAnnotation(annotations, METRICS_ANNOTATION)) if (isRecord(m)) metrics.push(specFromV1(m));
  const hubSpec: Json = compact({ scaleTargetRef: clone(spec.scaleTargetRef), minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas });
  if (metrics.length) hubSpec.metrics = metrics;
  if (annotations[BEHAVIOR_ANNOTATION]) {
    try {
      hubSpec.behavior = JSON.parse(annotations[BEHAVIOR_ANNOTATION]) as unknown;
    } catch {
      // an unparsable behavior annotation is dropped, as Kubernetes does
    }
  }
  let hubStatus: Json | undefined;
  if (status) {
    hubStatus = compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
    });
    const current: Json[] = [];
    if (num(status.currentCPUUtilizationPercentage) !== undefined) {
      current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
    }
    for (const m of parseAnnotation(annotations, CURRENT_METRICS_ANNOTATION)) if (isRecord(m)) current.push(statusFromV1(m));
    if (current.length) hubStatus.currentMetrics = current;
    const conditions = parseAnnotation(annotations, CONDITIONS_ANNOTATION);
    if (conditions.length) hubStatus.conditions = conditions;
  }
  for (const k of ANNOTATIONS) delete annotations[k];
  const metadata: KObject['metadata'] = { ...obj.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const out: KObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata, spec: hubSpec };
  if (hubStatus) out.status = hubStatus;
  return out;
}

/** hub (v2) -> autoscaling/v1. */
export function hubToV1(obj: KObject): KObject {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  const spec = rec(obj.spec);
  const v1Spec: Json = compact({ scaleTargetRef: clone(spec.scaleTargetRef), minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas });
  const others: Json[] = [];
  for (const m of recs(spec.metrics)) {
    if (isCpuUtilization(m)) {
      if (v1Spec.targetCPUUtilizationPercentage === undefined) v1Spec.targetCPUUtilizationPercentage = rec(rec(m.resource).target).averageUtilization;
      continue;
    }
    others.push(specToV1(m));
  }
  if (others.length) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  if (isRecord(spec.behavior)) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  let v1Status: Json | undefined;
  if (isRecord(obj.status)) {
    const status = obj.status;
    v1Status = compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
    });
    const current: Json[] = [];
    for (const m of recs(status.currentMetrics)) {
      const r = rec(m.resource);
      if (m.type === 'Resource' && r.name === 'cpu' && rec(r.current).averageUtilization !== undefined) {
        if (v1Status.currentCPUUtilizationPercentage === undefined) v1Status.currentCPUUtilizationPercentage = rec(r.current).averageUtilization;
        continue;
      }
      current.push(statusToV1(m));
    }
    if (current.length) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(current);
    if (recs(status.conditions).length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
  }
  const metadata: KObject['metadata'] = { ...obj.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const out: KObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec: v1Spec };
  if (v1Status) out.status = v1Status;
  return out;
}
