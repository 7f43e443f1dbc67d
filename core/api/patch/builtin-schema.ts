/**
 * Patch schemas of the built-in kinds, transcribed from the `patchStrategy`/`patchMergeKey` tags and
 * `+listType`/`+listMapKey`/`+structType` markers of k8s.io/api v0.32 (core/v1, apps/v1, batch/v1).
 * Only fields that deviate from the defaults (objects merge, lists replace) are listed.
 *
 * Every kind gets the ObjectMeta entries (finalizers as a set, ownerReferences by uid) and
 * `status.conditions` merged by `type`.
 */
import { definePatchSchema, type FieldPatchMeta, type PatchSchema } from './schema';

type Fields = Record<string, FieldPatchMeta>;

const byName: FieldPatchMeta = { patchStrategy: 'merge', mergeKey: 'name' };
const byNameRetainKeys: FieldPatchMeta = { patchStrategy: 'merge,retainKeys', mergeKey: 'name' };
const byType: FieldPatchMeta = { patchStrategy: 'merge', mergeKey: 'type' };
const byIp: FieldPatchMeta = { patchStrategy: 'merge', mergeKey: 'ip' };
const scalarSet: FieldPatchMeta = { patchStrategy: 'merge', listType: 'set' };
const atomicObject: FieldPatchMeta = { atomic: true };

/** ObjectMeta at `prefix` ('metadata' or a template's metadata). */
export function objectMetaFields(prefix: string): Fields {
  return {
    [`${prefix}.finalizers`]: scalarSet,
    [`${prefix}.ownerReferences`]: { patchStrategy: 'merge', mergeKey: 'uid' },
  };
}

function containerFields(list: string): Fields {
  const c = `${list}[]`;
  return {
    [list]: byName,
    [`${c}.ports`]: {
      patchStrategy: 'merge',
      mergeKey: 'containerPort',
      listMapKeys: ['containerPort', 'protocol'],
      keyDefaults: { protocol: 'TCP' },
    },
    [`${c}.env`]: byName,
    [`${c}.volumeMounts`]: { patchStrategy: 'merge', mergeKey: 'mountPath' },
    [`${c}.volumeDevices`]: { patchStrategy: 'merge', mergeKey: 'devicePath' },
    [`${c}.resources.claims`]: { listType: 'map', listMapKeys: ['name'] },
  };
}

/** PodSpec at `prefix` (e.g. 'spec' for a Pod, 'spec.template.spec' for a Deployment). */
export function podSpecFields(prefix: string): Fields {
  return {
    ...containerFields(`${prefix}.containers`),
    ...containerFields(`${prefix}.initContainers`),
    ...containerFields(`${prefix}.ephemeralContainers`),
    [`${prefix}.volumes`]: byNameRetainKeys,
    [`${prefix}.imagePullSecrets`]: byName,
    [`${prefix}.hostAliases`]: byIp,
    [`${prefix}.topologySpreadConstraints`]: {
      patchStrategy: 'merge',
      mergeKey: 'topologyKey',
      listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
    },
    [`${prefix}.schedulingGates`]: byName,
    [`${prefix}.resourceClaims`]: byNameRetainKeys,
  };
}

/** PodTemplateSpec at `prefix` (its metadata and spec). */
export function podTemplateFields(prefix: string): Fields {
  return { ...objectMetaFields(`${prefix}.metadata`), ...podSpecFields(`${prefix}.spec`) };
}

const podStatusFields: Fields = {
  'status.podIPs': byIp,
  'status.hostIPs': byIp,
  'status.resourceClaimStatuses': byNameRetainKeys,
};

const commonFields: Fields = { ...objectMetaFields('metadata'), 'status.conditions': byType };

const workloadSelector: Fields = { 'spec.selector': atomicObject };

const KIND_FIELDS: Readonly<Record<string, Fields>> = {
  Pod: { ...podSpecFields('spec'), ...podStatusFields },
  PodTemplate: podTemplateFields('template'),
  ReplicationController: { ...podTemplateFields('spec.template'), 'spec.selector': atomicObject },
  Deployment: {
    ...podTemplateFields('spec.template'),
    ...workloadSelector,
    'spec.strategy': { patchStrategy: 'retainKeys' },
  },
  ReplicaSet: { ...podTemplateFields('spec.template'), ...workloadSelector },
  StatefulSet: { ...podTemplateFields('spec.template'), ...workloadSelector },
  DaemonSet: { ...podTemplateFields('spec.template'), ...workloadSelector },
  Job: { ...podTemplateFields('spec.template'), ...workloadSelector },
  CronJob: {
    ...objectMetaFields('spec.jobTemplate.metadata'),
    ...podTemplateFields('spec.jobTemplate.spec.template'),
    'spec.jobTemplate.spec.selector': atomicObject,
  },
  Service: {
    'spec.ports': {
      patchStrategy: 'merge',
      mergeKey: 'port',
      listMapKeys: ['port', 'protocol'],
      keyDefaults: { protocol: 'TCP' },
    },
    'spec.selector': atomicObject,
  },
  Node: { 'spec.podCIDRs': scalarSet, 'status.addresses': byType },
  ServiceAccount: { secrets: byName },
};

/** Other built-in kinds: SMP works on them with only the common entries. */
const PLAIN_BUILTIN_KINDS: readonly string[] = [
  'APIService', 'Binding', 'CSIDriver', 'CSINode', 'CertificateSigningRequest', 'ClusterRole',
  'ClusterRoleBinding', 'ComponentStatus', 'ConfigMap', 'ControllerRevision', 'CustomResourceDefinition',
  'EndpointSlice', 'Endpoints', 'Event', 'HorizontalPodAutoscaler', 'Ingress', 'IngressClass', 'Lease',
  'LimitRange', 'MutatingWebhookConfiguration', 'Namespace', 'NetworkPolicy', 'PersistentVolume',
  'PersistentVolumeClaim', 'PodDisruptionBudget', 'PriorityClass', 'ResourceQuota', 'Role', 'RoleBinding',
  'RuntimeClass', 'Secret', 'StorageClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration', 'VolumeAttachment',
];

/** Schema for any object: ObjectMeta and `status.conditions`. What SSA uses for custom resources. */
export const GENERIC_PATCH_SCHEMA: PatchSchema = definePatchSchema(commonFields);

const TABLE: ReadonlyMap<string, PatchSchema> = new Map([
  ...Object.entries(KIND_FIELDS).map(([kind, f]) => [kind, definePatchSchema({ ...commonFields, ...f })] as const),
  ...PLAIN_BUILTIN_KINDS.map((kind) => [kind, GENERIC_PATCH_SCHEMA] as const),
]);

/** The kinds `builtinPatchSchema` knows. */
export const BUILTIN_PATCH_KINDS: readonly string[] = [...TABLE.keys()];

/**
 * The patch schema of a built-in kind, or undefined when the kind is not built in (custom
 * resources: strategic merge patch is then 415, and SSA uses GENERIC_PATCH_SCHEMA).
 */
export function builtinPatchSchema(kind: string): PatchSchema | undefined {
  return TABLE.get(kind);
}
