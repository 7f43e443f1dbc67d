/**
 * autoscaling/v1 and v2 (Scale, HorizontalPodAutoscaler), policy/v1, scheduling.k8s.io/v1 and certificates.k8s.io/v1.
 * Part of the protobuf message table; see schema.ts for the type strings and flags.
 */

import type { MessageDef } from './schema';

/* ---------------------------------------------------------------- autoscaling/v1 and v2 */
export const autoscaling: Record<string, MessageDef> = {
  CrossVersionObjectReference: {
    1: ['kind', 'string'],
    2: ['name', 'string'],
    3: ['apiVersion', 'string'],
  },
  Scale: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'ScaleSpec'],
    3: ['status', 'ScaleStatus'],
  },
  ScaleSpec: { 1: ['replicas', 'int32'] },
  ScaleStatus: { 1: ['replicas', 'int32', '*'], 2: ['selector', 'string'] },
  // autoscaling/v1
  HorizontalPodAutoscalerV1: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'HorizontalPodAutoscalerSpecV1'],
    3: ['status', 'HorizontalPodAutoscalerStatusV1'],
  },
  HorizontalPodAutoscalerSpecV1: {
    1: ['scaleTargetRef', 'CrossVersionObjectReference'],
    2: ['minReplicas', 'int32', '*'],
    3: ['maxReplicas', 'int32'],
    4: ['targetCPUUtilizationPercentage', 'int32', '*'],
  },
  HorizontalPodAutoscalerStatusV1: {
    1: ['observedGeneration', 'int64', '*'],
    2: ['lastScaleTime', 'Time'],
    3: ['currentReplicas', 'int32'],
    4: ['desiredReplicas', 'int32'],
    5: ['currentCPUUtilizationPercentage', 'int32', '*'],
  },
  // autoscaling/v2
  HorizontalPodAutoscalerV2: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'HorizontalPodAutoscalerSpecV2'],
    3: ['status', 'HorizontalPodAutoscalerStatusV2'],
  },
  HorizontalPodAutoscalerSpecV2: {
    1: ['scaleTargetRef', 'CrossVersionObjectReference'],
    2: ['minReplicas', 'int32', '*'],
    3: ['maxReplicas', 'int32'],
    4: ['metrics', '[]MetricSpec'],
    5: ['behavior', 'HorizontalPodAutoscalerBehavior'],
  },
  MetricSpec: {
    1: ['type', 'string'],
    2: ['object', 'ObjectMetricSource'],
    3: ['pods', 'PodsMetricSource'],
    4: ['resource', 'ResourceMetricSource'],
    5: ['external', 'ExternalMetricSource'],
    7: ['containerResource', 'ContainerResourceMetricSource'],
  },
  ObjectMetricSource: {
    1: ['describedObject', 'CrossVersionObjectReference'],
    2: ['target', 'MetricTarget'],
    3: ['metric', 'MetricIdentifier'],
  },
  PodsMetricSource: { 1: ['metric', 'MetricIdentifier'], 2: ['target', 'MetricTarget'] },
  ResourceMetricSource: { 1: ['name', 'string'], 2: ['target', 'MetricTarget'] },
  ContainerResourceMetricSource: {
    1: ['name', 'string'],
    2: ['target', 'MetricTarget'],
    3: ['container', 'string'],
  },
  ExternalMetricSource: { 1: ['metric', 'MetricIdentifier'], 2: ['target', 'MetricTarget'] },
  MetricIdentifier: { 1: ['name', 'string'], 2: ['selector', 'LabelSelector'] },
  MetricTarget: {
    1: ['type', 'string'],
    2: ['value', 'Quantity'],
    3: ['averageValue', 'Quantity'],
    4: ['averageUtilization', 'int32', '*'],
  },
  HorizontalPodAutoscalerBehavior: {
    1: ['scaleUp', 'HPAScalingRules'],
    2: ['scaleDown', 'HPAScalingRules'],
  },
  HPAScalingRules: {
    1: ['selectPolicy', 'string'],
    2: ['policies', '[]HPAScalingPolicy'],
    3: ['stabilizationWindowSeconds', 'int32', '*'],
    4: ['tolerance', 'Quantity'],
  },
  HPAScalingPolicy: {
    1: ['type', 'string'],
    2: ['value', 'int32'],
    3: ['periodSeconds', 'int32'],
  },
  HorizontalPodAutoscalerStatusV2: {
    1: ['observedGeneration', 'int64', '*'],
    2: ['lastScaleTime', 'Time'],
    3: ['currentReplicas', 'int32'],
    4: ['desiredReplicas', 'int32'],
    6: ['conditions', '[]HorizontalPodAutoscalerCondition'],
  },
  HorizontalPodAutoscalerCondition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    3: ['lastTransitionTime', 'Time'],
    4: ['reason', 'string'],
    5: ['message', 'string'],
  },
};

/* ---------------------------------------------------------------- policy/v1, scheduling.k8s.io/v1, certificates.k8s.io/v1 */
export const misc: Record<string, MessageDef> = {
  PodDisruptionBudget: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'PodDisruptionBudgetSpec'],
    3: ['status', 'PodDisruptionBudgetStatus'],
  },
  PodDisruptionBudgetSpec: {
    1: ['minAvailable', 'IntOrString'],
    2: ['selector', 'LabelSelector'],
    3: ['maxUnavailable', 'IntOrString'],
    4: ['unhealthyPodEvictionPolicy', 'string'],
  },
  PodDisruptionBudgetStatus: {
    1: ['observedGeneration', 'int64'],
    2: ['disruptedPods', 'map<Time>'],
    3: ['disruptionsAllowed', 'int32', '*'],
    4: ['currentHealthy', 'int32', '*'],
    5: ['desiredHealthy', 'int32', '*'],
    6: ['expectedPods', 'int32', '*'],
    7: ['conditions', '[]Condition'],
  },
  Eviction: {
    1: ['metadata', 'ObjectMeta'],
    2: ['deleteOptions', 'DeleteOptions'],
  },
  PriorityClass: {
    1: ['metadata', 'ObjectMeta'],
    2: ['value', 'int32', '*'],
    3: ['globalDefault', 'bool'],
    4: ['description', 'string'],
    5: ['preemptionPolicy', 'string'],
  },
  CertificateSigningRequest: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'CertificateSigningRequestSpec'],
    3: ['status', 'CertificateSigningRequestStatus'],
  },
  CertificateSigningRequestSpec: {
    1: ['request', 'bytes'],
    2: ['username', 'string'],
    3: ['uid', 'string'],
    4: ['groups', '[]string'],
    5: ['usages', '[]string'],
    6: ['extra', 'map<StringList>'],
    7: ['signerName', 'string'],
    8: ['expirationSeconds', 'int32', '*'],
  },
  CertificateSigningRequestStatus: {
    1: ['conditions', '[]CertificateSigningRequestCondition'],
    2: ['certificate', 'bytes'],
  },
  CertificateSigningRequestCondition: {
    1: ['type', 'string'],
    2: ['reason', 'string'],
    3: ['message', 'string'],
    4: ['lastUpdateTime', 'Time'],
    5: ['lastTransitionTime', 'Time'],
    6: ['status', 'string'],
  },
};
