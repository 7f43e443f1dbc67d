/**
 * apps/v1 (Deployment, ReplicaSet) and batch/v1 (Job, CronJob).
 * Part of the protobuf message table; see schema.ts for the type strings and flags.
 */

import type { MessageDef } from './schema';

/* ---------------------------------------------------------------- apps/v1 */
export const apps: Record<string, MessageDef> = {
  Deployment: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'DeploymentSpec'],
    3: ['status', 'DeploymentStatus'],
  },
  DeploymentSpec: {
    1: ['replicas', 'int32', '*'],
    2: ['selector', 'LabelSelector'],
    3: ['template', 'PodTemplateSpec'],
    4: ['strategy', 'DeploymentStrategy'],
    5: ['minReadySeconds', 'int32'],
    6: ['revisionHistoryLimit', 'int32', '*'],
    7: ['paused', 'bool'],
    9: ['progressDeadlineSeconds', 'int32', '*'],
  },
  DeploymentStrategy: {
    1: ['type', 'string'],
    2: ['rollingUpdate', 'RollingUpdateDeployment'],
  },
  RollingUpdateDeployment: {
    1: ['maxUnavailable', 'IntOrString'],
    2: ['maxSurge', 'IntOrString'],
  },
  DeploymentStatus: {
    1: ['observedGeneration', 'int64'],
    2: ['replicas', 'int32'],
    3: ['updatedReplicas', 'int32'],
    4: ['availableReplicas', 'int32'],
    5: ['unavailableReplicas', 'int32'],
    6: ['conditions', '[]DeploymentCondition'],
    7: ['readyReplicas', 'int32'],
    8: ['collisionCount', 'int32', '*'],
    9: ['terminatingReplicas', 'int32', '*'],
  },
  DeploymentCondition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    4: ['reason', 'string'],
    5: ['message', 'string'],
    6: ['lastUpdateTime', 'Time'],
    7: ['lastTransitionTime', 'Time'],
  },
  ReplicaSet: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'ReplicaSetSpec'],
    3: ['status', 'ReplicaSetStatus'],
  },
  ReplicaSetSpec: {
    1: ['replicas', 'int32', '*'],
    2: ['selector', 'LabelSelector'],
    3: ['template', 'PodTemplateSpec'],
    4: ['minReadySeconds', 'int32'],
  },
  ReplicaSetStatus: {
    1: ['replicas', 'int32'],
    2: ['fullyLabeledReplicas', 'int32'],
    3: ['observedGeneration', 'int64'],
    4: ['readyReplicas', 'int32'],
    5: ['availableReplicas', 'int32'],
    6: ['conditions', '[]ReplicaSetCondition'],
    7: ['terminatingReplicas', 'int32', '*'],
  },
  ReplicaSetCondition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    3: ['lastTransitionTime', 'Time'],
    4: ['reason', 'string'],
    5: ['message', 'string'],
  },
};

/* ---------------------------------------------------------------- batch/v1 */
export const batch: Record<string, MessageDef> = {
  Job: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'JobSpec'],
    3: ['status', 'JobStatus'],
  },
  JobSpec: {
    1: ['parallelism', 'int32', '*'],
    2: ['completions', 'int32', '*'],
    3: ['activeDeadlineSeconds', 'int64', '*'],
    4: ['selector', 'LabelSelector'],
    5: ['manualSelector', 'bool', '*'],
    6: ['template', 'PodTemplateSpec'],
    7: ['backoffLimit', 'int32', '*'],
    8: ['ttlSecondsAfterFinished', 'int32', '*'],
    9: ['completionMode', 'string'],
    10: ['suspend', 'bool', '*'],
    11: ['podFailurePolicy', 'PodFailurePolicy'],
    12: ['backoffLimitPerIndex', 'int32', '*'],
    13: ['maxFailedIndexes', 'int32', '*'],
    14: ['podReplacementPolicy', 'string'],
    15: ['managedBy', 'string'],
    16: ['successPolicy', 'SuccessPolicy'],
  },
  PodFailurePolicy: { 1: ['rules', '[]PodFailurePolicyRule'] },
  PodFailurePolicyRule: {
    1: ['action', 'string'],
    2: ['onExitCodes', 'PodFailurePolicyOnExitCodesRequirement'],
    3: ['onPodConditions', '[]PodFailurePolicyOnPodConditionsPattern'],
  },
  PodFailurePolicyOnExitCodesRequirement: {
    1: ['containerName', 'string'],
    2: ['operator', 'string'],
    3: ['values', '[]int32'],
  },
  PodFailurePolicyOnPodConditionsPattern: { 1: ['type', 'string'], 2: ['status', 'string'] },
  SuccessPolicy: { 1: ['rules', '[]SuccessPolicyRule'] },
  SuccessPolicyRule: { 1: ['succeededIndexes', 'string'], 2: ['succeededCount', 'int32', '*'] },
  JobStatus: {
    1: ['conditions', '[]JobCondition'],
    2: ['startTime', 'Time'],
    3: ['completionTime', 'Time'],
    4: ['active', 'int32'],
    5: ['succeeded', 'int32'],
    6: ['failed', 'int32'],
    7: ['completedIndexes', 'string'],
    9: ['ready', 'int32', '*'],
    10: ['failedIndexes', 'string'],
    11: ['terminating', 'int32', '*'],
  },
  JobCondition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    3: ['lastProbeTime', 'Time'],
    4: ['lastTransitionTime', 'Time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },
  CronJob: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'CronJobSpec'],
    3: ['status', 'CronJobStatus'],
  },
  CronJobSpec: {
    1: ['schedule', 'string'],
    2: ['startingDeadlineSeconds', 'int64', '*'],
    3: ['concurrencyPolicy', 'string'],
    4: ['suspend', 'bool', '*'],
    5: ['jobTemplate', 'JobTemplateSpec'],
    6: ['successfulJobsHistoryLimit', 'int32', '*'],
    7: ['failedJobsHistoryLimit', 'int32', '*'],
    8: ['timeZone', 'string'],
  },
  JobTemplateSpec: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'JobSpec'],
  },
  CronJobStatus: {
    1: ['active', '[]ObjectReference'],
    4: ['lastScheduleTime', 'Time'],
    5: ['lastSuccessfulTime', 'Time'],
  },
};
