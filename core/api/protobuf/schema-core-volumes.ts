/**
 * core/v1 volumes: Volume and its sources, projections, PersistentVolumeClaim.
 * Part of the protobuf message table; see schema.ts for the type strings and flags.
 */

import type { MessageDef } from './schema';

/* ---------------------------------------------------------------- core/v1: volumes */
export const coreVolumes: Record<string, MessageDef> = {
  Volume: {
    1: ['name', 'string'],
    2: ['', 'VolumeSource', '^'],
  },
  VolumeSource: {
    1: ['hostPath', 'HostPathVolumeSource'],
    2: ['emptyDir', 'EmptyDirVolumeSource'],
    5: ['gitRepo', 'GitRepoVolumeSource'],
    6: ['secret', 'SecretVolumeSource'],
    7: ['nfs', 'NFSVolumeSource'],
    8: ['iscsi', 'ISCSIVolumeSource'],
    10: ['persistentVolumeClaim', 'PersistentVolumeClaimVolumeSource'],
    16: ['downwardAPI', 'DownwardAPIVolumeSource'],
    17: ['fc', 'FCVolumeSource'],
    19: ['configMap', 'ConfigMapVolumeSource'],
    26: ['projected', 'ProjectedVolumeSource'],
    28: ['csi', 'CSIVolumeSource'],
    29: ['ephemeral', 'EphemeralVolumeSource'],
    30: ['image', 'ImageVolumeSource'],
  },
  HostPathVolumeSource: { 1: ['path', 'string'], 2: ['type', 'string'] },
  EmptyDirVolumeSource: { 1: ['medium', 'string'], 2: ['sizeLimit', 'Quantity'] },
  GitRepoVolumeSource: {
    1: ['repository', 'string'],
    2: ['revision', 'string'],
    3: ['directory', 'string'],
  },
  SecretVolumeSource: {
    1: ['secretName', 'string'],
    2: ['items', '[]KeyToPath'],
    3: ['defaultMode', 'int32', '*'],
    4: ['optional', 'bool', '*'],
  },
  ConfigMapVolumeSource: {
    1: ['', 'LocalObjectReference', '^'],
    2: ['items', '[]KeyToPath'],
    3: ['defaultMode', 'int32', '*'],
    4: ['optional', 'bool', '*'],
  },
  KeyToPath: { 1: ['key', 'string'], 2: ['path', 'string'], 3: ['mode', 'int32', '*'] },
  NFSVolumeSource: { 1: ['server', 'string'], 2: ['path', 'string'], 3: ['readOnly', 'bool'] },
  ISCSIVolumeSource: {
    1: ['targetPortal', 'string'],
    2: ['iqn', 'string'],
    3: ['lun', 'int32', '*'],
    4: ['iscsiInterface', 'string'],
    5: ['fsType', 'string'],
    6: ['readOnly', 'bool'],
    7: ['portals', '[]string'],
    8: ['chapAuthDiscovery', 'bool'],
    10: ['secretRef', 'LocalObjectReference'],
    11: ['chapAuthSession', 'bool'],
    12: ['initiatorName', 'string'],
  },
  FCVolumeSource: {
    1: ['targetWWNs', '[]string'],
    2: ['lun', 'int32', '*'],
    3: ['fsType', 'string'],
    4: ['readOnly', 'bool'],
    5: ['wwids', '[]string'],
  },
  PersistentVolumeClaimVolumeSource: { 1: ['claimName', 'string'], 2: ['readOnly', 'bool'] },
  DownwardAPIVolumeSource: {
    1: ['items', '[]DownwardAPIVolumeFile'],
    2: ['defaultMode', 'int32', '*'],
  },
  DownwardAPIVolumeFile: {
    1: ['path', 'string'],
    2: ['fieldRef', 'ObjectFieldSelector'],
    3: ['resourceFieldRef', 'ResourceFieldSelector'],
    4: ['mode', 'int32', '*'],
  },
  ProjectedVolumeSource: {
    1: ['sources', '[]VolumeProjection'],
    2: ['defaultMode', 'int32', '*'],
  },
  VolumeProjection: {
    1: ['secret', 'SecretProjection'],
    2: ['downwardAPI', 'DownwardAPIProjection'],
    3: ['configMap', 'ConfigMapProjection'],
    4: ['serviceAccountToken', 'ServiceAccountTokenProjection'],
    5: ['clusterTrustBundle', 'ClusterTrustBundleProjection'],
  },
  SecretProjection: {
    1: ['', 'LocalObjectReference', '^'],
    2: ['items', '[]KeyToPath'],
    4: ['optional', 'bool', '*'],
  },
  ConfigMapProjection: {
    1: ['', 'LocalObjectReference', '^'],
    2: ['items', '[]KeyToPath'],
    4: ['optional', 'bool', '*'],
  },
  DownwardAPIProjection: { 1: ['items', '[]DownwardAPIVolumeFile'] },
  ServiceAccountTokenProjection: {
    1: ['audience', 'string'],
    2: ['expirationSeconds', 'int64', '*'],
    3: ['path', 'string'],
  },
  ClusterTrustBundleProjection: {
    1: ['name', 'string'],
    2: ['signerName', 'string'],
    3: ['labelSelector', 'LabelSelector'],
    4: ['path', 'string'],
    5: ['optional', 'bool', '*'],
  },
  CSIVolumeSource: {
    1: ['driver', 'string'],
    2: ['readOnly', 'bool', '*'],
    3: ['fsType', 'string'],
    4: ['volumeAttributes', 'map<string>'],
    5: ['nodePublishSecretRef', 'LocalObjectReference'],
  },
  EphemeralVolumeSource: { 1: ['volumeClaimTemplate', 'PersistentVolumeClaimTemplate'] },
  ImageVolumeSource: { 1: ['reference', 'string'], 2: ['pullPolicy', 'string'] },
  PersistentVolumeClaimTemplate: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'PersistentVolumeClaimSpec'],
  },
  PersistentVolumeClaim: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'PersistentVolumeClaimSpec'],
    3: ['status', 'PersistentVolumeClaimStatus'],
  },
  PersistentVolumeClaimSpec: {
    1: ['accessModes', '[]string'],
    2: ['resources', 'VolumeResourceRequirements'],
    3: ['volumeName', 'string'],
    4: ['selector', 'LabelSelector'],
    5: ['storageClassName', 'string', '*'],
    6: ['volumeMode', 'string'],
    7: ['dataSource', 'TypedLocalObjectReference'],
    8: ['dataSourceRef', 'TypedObjectReference'],
    9: ['volumeAttributesClassName', 'string'],
  },
  PersistentVolumeClaimStatus: {
    1: ['phase', 'string'],
    2: ['accessModes', '[]string'],
    3: ['capacity', 'map<Quantity>'],
  },
  VolumeResourceRequirements: {
    1: ['limits', 'map<Quantity>'],
    2: ['requests', 'map<Quantity>'],
  },
};
