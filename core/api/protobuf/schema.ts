/**
 * k8ts' own description of the Kubernetes protobuf messages it can decode.
 *
 * Written for k8ts as a table: message name -> field number -> [JSON name, type, flags].
 * Field numbers and wire types follow the Kubernetes API's protobuf encoding (they are
 * part of the wire format); the names on the left are the JSON names of the REST API.
 *
 * Type strings:
 *   'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'double' | 'float'   scalars
 *   'Time' | 'MicroTime' | 'Quantity' | 'IntOrString' | 'RawExtension' | 'FieldsV1' | 'StringList'
 *                                                                         special conversions (decode.ts)
 *   any other name                                                        a message in MESSAGES
 *   '[]T'                                                                 repeated T
 *   'map<T>'                                                              map<string, T>
 *
 * Flags:
 *   '*'  keep the zero value ("" / 0 / false) when the field is on the wire. Used for pointer
 *        fields (gogo writes them only when set, so a zero means an explicit zero, e.g.
 *        replicas: 0) and for a few non-omitempty fields where zero is meaningful.
 *   '^'  inline: the message is embedded in Go, its fields are merged into the parent object.
 *
 * Messages themselves need no flag: gogo writes a non-pointer struct always and a pointer
 * struct only when it is set, so "present on the wire" already means "present in JSON".
 *
 * Extending: add the message here and, for a new top-level kind, a line in kinds.ts.
 * schema.test.ts checks that every referenced type exists.
 */

export type FieldFlags = '' | '*' | '^';
export type FieldDef = readonly [jsonName: string, type: string, flags?: FieldFlags];
export type MessageDef = Readonly<Record<number, FieldDef>>;

/** Types handled by a dedicated conversion instead of a MESSAGES entry. */
export const SPECIAL_TYPES = [
  'Time',
  'MicroTime',
  'Quantity',
  'IntOrString',
  'RawExtension',
  'FieldsV1',
  'StringList',
] as const;
export type SpecialType = (typeof SPECIAL_TYPES)[number];

export const SCALAR_TYPES = ['string', 'bytes', 'bool', 'int32', 'int64', 'double', 'float'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/* ---------------------------------------------------------------- meta/v1 */
const meta: Record<string, MessageDef> = {
  ObjectMeta: {
    1: ['name', 'string'],
    2: ['generateName', 'string'],
    3: ['namespace', 'string'],
    4: ['selfLink', 'string'],
    5: ['uid', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['generation', 'int64'],
    8: ['creationTimestamp', 'Time'],
    9: ['deletionTimestamp', 'Time'],
    10: ['deletionGracePeriodSeconds', 'int64', '*'],
    11: ['labels', 'map<string>'],
    12: ['annotations', 'map<string>'],
    13: ['ownerReferences', '[]OwnerReference'],
    14: ['finalizers', '[]string'],
    17: ['managedFields', '[]ManagedFieldsEntry'],
  },
  OwnerReference: {
    1: ['kind', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
    5: ['apiVersion', 'string'],
    6: ['controller', 'bool', '*'],
    7: ['blockOwnerDeletion', 'bool', '*'],
  },
  ManagedFieldsEntry: {
    1: ['manager', 'string'],
    2: ['operation', 'string'],
    3: ['apiVersion', 'string'],
    4: ['time', 'Time'],
    6: ['fieldsType', 'string'],
    7: ['fieldsV1', 'FieldsV1'],
    8: ['subresource', 'string'],
  },
  LabelSelector: {
    1: ['matchLabels', 'map<string>'],
    2: ['matchExpressions', '[]LabelSelectorRequirement'],
  },
  LabelSelectorRequirement: {
    1: ['key', 'string'],
    2: ['operator', 'string'],
    3: ['values', '[]string'],
  },
  Condition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    3: ['observedGeneration', 'int64'],
    4: ['lastTransitionTime', 'Time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },
  DeleteOptions: {
    1: ['gracePeriodSeconds', 'int64', '*'],
    2: ['preconditions', 'Preconditions'],
    3: ['orphanDependents', 'bool', '*'],
    4: ['propagationPolicy', 'string'],
    5: ['dryRun', '[]string'],
    6: ['ignoreStoreReadErrorWithClusterBreakingPotential', 'bool', '*'],
  },
  Preconditions: {
    1: ['uid', 'string'],
    2: ['resourceVersion', 'string'],
  },
};

/* ---------------------------------------------------------------- core/v1: pods and templates */
const coreWorkload: Record<string, MessageDef> = {
  Pod: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'PodSpec'],
    3: ['status', 'PodStatus'],
  },
  PodTemplate: {
    1: ['metadata', 'ObjectMeta'],
    2: ['template', 'PodTemplateSpec'],
  },
  PodTemplateSpec: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'PodSpec'],
  },
  PodSpec: {
    1: ['volumes', '[]Volume'],
    2: ['containers', '[]Container'],
    3: ['restartPolicy', 'string'],
    4: ['terminationGracePeriodSeconds', 'int64', '*'],
    5: ['activeDeadlineSeconds', 'int64', '*'],
    6: ['dnsPolicy', 'string'],
    7: ['nodeSelector', 'map<string>'],
    8: ['serviceAccountName', 'string'],
    9: ['serviceAccount', 'string'],
    10: ['nodeName', 'string'],
    11: ['hostNetwork', 'bool'],
    12: ['hostPID', 'bool'],
    13: ['hostIPC', 'bool'],
    14: ['securityContext', 'PodSecurityContext'],
    15: ['imagePullSecrets', '[]LocalObjectReference'],
    16: ['hostname', 'string'],
    17: ['subdomain', 'string'],
    18: ['affinity', 'Affinity'],
    19: ['schedulerName', 'string'],
    20: ['initContainers', '[]Container'],
    21: ['automountServiceAccountToken', 'bool', '*'],
    22: ['tolerations', '[]Toleration'],
    23: ['hostAliases', '[]HostAlias'],
    24: ['priorityClassName', 'string'],
    25: ['priority', 'int32', '*'],
    26: ['dnsConfig', 'PodDNSConfig'],
    27: ['shareProcessNamespace', 'bool', '*'],
    28: ['readinessGates', '[]PodReadinessGate'],
    29: ['runtimeClassName', 'string'],
    30: ['enableServiceLinks', 'bool', '*'],
    31: ['preemptionPolicy', 'string'],
    32: ['overhead', 'map<Quantity>'],
    33: ['topologySpreadConstraints', '[]TopologySpreadConstraint'],
    34: ['ephemeralContainers', '[]EphemeralContainer'],
    35: ['setHostnameAsFQDN', 'bool', '*'],
    36: ['os', 'PodOS'],
    37: ['hostUsers', 'bool', '*'],
    38: ['schedulingGates', '[]PodSchedulingGate'],
    39: ['resourceClaims', '[]PodResourceClaim'],
    40: ['resources', 'ResourceRequirements'],
    41: ['hostnameOverride', 'string'],
  },
  PodOS: { 1: ['name', 'string'] },
  PodReadinessGate: { 1: ['conditionType', 'string'] },
  PodSchedulingGate: { 1: ['name', 'string'] },
  PodResourceClaim: {
    1: ['name', 'string'],
    3: ['resourceClaimName', 'string'],
    4: ['resourceClaimTemplateName', 'string'],
  },
  PodDNSConfig: {
    1: ['nameservers', '[]string'],
    2: ['searches', '[]string'],
    3: ['options', '[]PodDNSConfigOption'],
  },
  PodDNSConfigOption: { 1: ['name', 'string'], 2: ['value', 'string'] },
  HostAlias: { 1: ['ip', 'string'], 2: ['hostnames', '[]string'] },
  LocalObjectReference: { 1: ['name', 'string'] },
  ObjectReference: {
    1: ['kind', 'string'],
    2: ['namespace', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
    5: ['apiVersion', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['fieldPath', 'string'],
  },
  TypedLocalObjectReference: {
    1: ['apiGroup', 'string'],
    2: ['kind', 'string'],
    3: ['name', 'string'],
  },
  TypedObjectReference: {
    1: ['apiGroup', 'string'],
    2: ['kind', 'string'],
    3: ['name', 'string'],
    4: ['namespace', 'string'],
  },
  Container: {
    1: ['name', 'string'],
    2: ['image', 'string'],
    3: ['command', '[]string'],
    4: ['args', '[]string'],
    5: ['workingDir', 'string'],
    6: ['ports', '[]ContainerPort'],
    7: ['env', '[]EnvVar'],
    8: ['resources', 'ResourceRequirements'],
    9: ['volumeMounts', '[]VolumeMount'],
    10: ['livenessProbe', 'Probe'],
    11: ['readinessProbe', 'Probe'],
    12: ['lifecycle', 'Lifecycle'],
    13: ['terminationMessagePath', 'string'],
    14: ['imagePullPolicy', 'string'],
    15: ['securityContext', 'SecurityContext'],
    16: ['stdin', 'bool'],
    17: ['stdinOnce', 'bool'],
    18: ['tty', 'bool'],
    19: ['envFrom', '[]EnvFromSource'],
    20: ['terminationMessagePolicy', 'string'],
    21: ['volumeDevices', '[]VolumeDevice'],
    22: ['startupProbe', 'Probe'],
    23: ['resizePolicy', '[]ContainerResizePolicy'],
    24: ['restartPolicy', 'string'],
    25: ['restartPolicyRules', '[]ContainerRestartRule'],
  },
  EphemeralContainer: {
    1: ['', 'Container', '^'],
    2: ['targetContainerName', 'string'],
  },
  ContainerPort: {
    1: ['name', 'string'],
    2: ['hostPort', 'int32'],
    3: ['containerPort', 'int32'],
    4: ['protocol', 'string'],
    5: ['hostIP', 'string'],
  },
  ContainerResizePolicy: { 1: ['resourceName', 'string'], 2: ['restartPolicy', 'string'] },
  ContainerRestartRule: { 1: ['action', 'string'], 2: ['exitCodes', 'ContainerRestartRuleOnExitCodes'] },
  ContainerRestartRuleOnExitCodes: { 1: ['operator', 'string'], 2: ['values', '[]int32'] },
  EnvVar: {
    1: ['name', 'string'],
    2: ['value', 'string'],
    3: ['valueFrom', 'EnvVarSource'],
  },
  EnvVarSource: {
    1: ['fieldRef', 'ObjectFieldSelector'],
    2: ['resourceFieldRef', 'ResourceFieldSelector'],
    3: ['configMapKeyRef', 'ConfigMapKeySelector'],
    4: ['secretKeyRef', 'SecretKeySelector'],
    5: ['fileKeyRef', 'FileKeySelector'],
  },
  ObjectFieldSelector: { 1: ['apiVersion', 'string'], 2: ['fieldPath', 'string'] },
  ResourceFieldSelector: {
    1: ['containerName', 'string'],
    2: ['resource', 'string'],
    3: ['divisor', 'Quantity'],
  },
  ConfigMapKeySelector: {
    1: ['', 'LocalObjectReference', '^'],
    2: ['key', 'string'],
    3: ['optional', 'bool', '*'],
  },
  SecretKeySelector: {
    1: ['', 'LocalObjectReference', '^'],
    2: ['key', 'string'],
    3: ['optional', 'bool', '*'],
  },
  FileKeySelector: {
    1: ['volumeName', 'string'],
    2: ['path', 'string'],
    3: ['key', 'string'],
    4: ['optional', 'bool', '*'],
  },
  EnvFromSource: {
    1: ['prefix', 'string'],
    2: ['configMapRef', 'ConfigMapEnvSource'],
    3: ['secretRef', 'SecretEnvSource'],
  },
  ConfigMapEnvSource: { 1: ['', 'LocalObjectReference', '^'], 2: ['optional', 'bool', '*'] },
  SecretEnvSource: { 1: ['', 'LocalObjectReference', '^'], 2: ['optional', 'bool', '*'] },
  ResourceRequirements: {
    1: ['limits', 'map<Quantity>'],
    2: ['requests', 'map<Quantity>'],
    3: ['claims', '[]ResourceClaim'],
  },
  ResourceClaim: { 1: ['name', 'string'], 2: ['request', 'string'] },
  VolumeMount: {
    1: ['name', 'string'],
    2: ['readOnly', 'bool'],
    3: ['mountPath', 'string'],
    4: ['subPath', 'string'],
    5: ['mountPropagation', 'string'],
    6: ['subPathExpr', 'string'],
    7: ['recursiveReadOnly', 'string'],
  },
  VolumeDevice: { 1: ['name', 'string'], 2: ['devicePath', 'string'] },
  Probe: {
    1: ['', 'ProbeHandler', '^'],
    2: ['initialDelaySeconds', 'int32'],
    3: ['timeoutSeconds', 'int32'],
    4: ['periodSeconds', 'int32'],
    5: ['successThreshold', 'int32'],
    6: ['failureThreshold', 'int32'],
    7: ['terminationGracePeriodSeconds', 'int64', '*'],
  },
  ProbeHandler: {
    1: ['exec', 'ExecAction'],
    2: ['httpGet', 'HTTPGetAction'],
    3: ['tcpSocket', 'TCPSocketAction'],
    4: ['grpc', 'GRPCAction'],
  },
  Lifecycle: {
    1: ['postStart', 'LifecycleHandler'],
    2: ['preStop', 'LifecycleHandler'],
    3: ['stopSignal', 'string'],
  },
  LifecycleHandler: {
    1: ['exec', 'ExecAction'],
    2: ['httpGet', 'HTTPGetAction'],
    3: ['tcpSocket', 'TCPSocketAction'],
    4: ['sleep', 'SleepAction'],
  },
  ExecAction: { 1: ['command', '[]string'] },
  HTTPGetAction: {
    1: ['path', 'string'],
    2: ['port', 'IntOrString'],
    3: ['host', 'string'],
    4: ['scheme', 'string'],
    5: ['httpHeaders', '[]HTTPHeader'],
  },
  HTTPHeader: { 1: ['name', 'string'], 2: ['value', 'string'] },
  TCPSocketAction: { 1: ['port', 'IntOrString'], 2: ['host', 'string'] },
  GRPCAction: { 1: ['port', 'int32', '*'], 2: ['service', 'string'] },
  SleepAction: { 1: ['seconds', 'int64', '*'] },
  SecurityContext: {
    1: ['capabilities', 'Capabilities'],
    2: ['privileged', 'bool', '*'],
    3: ['seLinuxOptions', 'SELinuxOptions'],
    4: ['runAsUser', 'int64', '*'],
    5: ['runAsNonRoot', 'bool', '*'],
    6: ['readOnlyRootFilesystem', 'bool', '*'],
    7: ['allowPrivilegeEscalation', 'bool', '*'],
    8: ['runAsGroup', 'int64', '*'],
    9: ['procMount', 'string'],
    10: ['windowsOptions', 'WindowsSecurityContextOptions'],
    11: ['seccompProfile', 'SeccompProfile'],
    12: ['appArmorProfile', 'AppArmorProfile'],
    13: ['ulimits', '[]Ulimit'],
  },
  PodSecurityContext: {
    1: ['seLinuxOptions', 'SELinuxOptions'],
    2: ['runAsUser', 'int64', '*'],
    3: ['runAsNonRoot', 'bool', '*'],
    4: ['supplementalGroups', '[]int64'],
    5: ['fsGroup', 'int64', '*'],
    6: ['runAsGroup', 'int64', '*'],
    7: ['sysctls', '[]Sysctl'],
    8: ['windowsOptions', 'WindowsSecurityContextOptions'],
    9: ['fsGroupChangePolicy', 'string'],
    10: ['seccompProfile', 'SeccompProfile'],
    11: ['appArmorProfile', 'AppArmorProfile'],
    12: ['supplementalGroupsPolicy', 'string'],
    13: ['seLinuxChangePolicy', 'string'],
  },
  Capabilities: { 1: ['add', '[]string'], 2: ['drop', '[]string'] },
  SELinuxOptions: {
    1: ['user', 'string'],
    2: ['role', 'string'],
    3: ['type', 'string'],
    4: ['level', 'string'],
  },
  WindowsSecurityContextOptions: {
    1: ['gmsaCredentialSpecName', 'string'],
    2: ['gmsaCredentialSpec', 'string'],
    3: ['runAsUserName', 'string'],
    4: ['hostProcess', 'bool', '*'],
  },
  SeccompProfile: { 1: ['type', 'string'], 2: ['localhostProfile', 'string'] },
  AppArmorProfile: { 1: ['type', 'string'], 2: ['localhostProfile', 'string'] },
  Ulimit: { 1: ['name', 'string'], 2: ['hard', 'int64', '*'], 3: ['soft', 'int64', '*'] },
  Sysctl: { 1: ['name', 'string'], 2: ['value', 'string'] },
  Toleration: {
    1: ['key', 'string'],
    2: ['operator', 'string'],
    3: ['value', 'string'],
    4: ['effect', 'string'],
    5: ['tolerationSeconds', 'int64', '*'],
  },
  TopologySpreadConstraint: {
    1: ['maxSkew', 'int32'],
    2: ['topologyKey', 'string'],
    3: ['whenUnsatisfiable', 'string'],
    4: ['labelSelector', 'LabelSelector'],
    5: ['minDomains', 'int32', '*'],
    6: ['nodeAffinityPolicy', 'string'],
    7: ['nodeTaintsPolicy', 'string'],
    8: ['matchLabelKeys', '[]string'],
  },
  Affinity: {
    1: ['nodeAffinity', 'NodeAffinity'],
    2: ['podAffinity', 'PodAffinity'],
    3: ['podAntiAffinity', 'PodAntiAffinity'],
  },
  NodeAffinity: {
    1: ['requiredDuringSchedulingIgnoredDuringExecution', 'NodeSelector'],
    2: ['preferredDuringSchedulingIgnoredDuringExecution', '[]PreferredSchedulingTerm'],
  },
  NodeSelector: { 1: ['nodeSelectorTerms', '[]NodeSelectorTerm'] },
  NodeSelectorTerm: {
    1: ['matchExpressions', '[]NodeSelectorRequirement'],
    2: ['matchFields', '[]NodeSelectorRequirement'],
  },
  NodeSelectorRequirement: {
    1: ['key', 'string'],
    2: ['operator', 'string'],
    3: ['values', '[]string'],
  },
  PreferredSchedulingTerm: { 1: ['weight', 'int32'], 2: ['preference', 'NodeSelectorTerm'] },
  PodAffinity: {
    1: ['requiredDuringSchedulingIgnoredDuringExecution', '[]PodAffinityTerm'],
    2: ['preferredDuringSchedulingIgnoredDuringExecution', '[]WeightedPodAffinityTerm'],
  },
  PodAntiAffinity: {
    1: ['requiredDuringSchedulingIgnoredDuringExecution', '[]PodAffinityTerm'],
    2: ['preferredDuringSchedulingIgnoredDuringExecution', '[]WeightedPodAffinityTerm'],
  },
  PodAffinityTerm: {
    1: ['labelSelector', 'LabelSelector'],
    2: ['namespaces', '[]string'],
    3: ['topologyKey', 'string'],
    4: ['namespaceSelector', 'LabelSelector'],
    5: ['matchLabelKeys', '[]string'],
    6: ['mismatchLabelKeys', '[]string'],
  },
  WeightedPodAffinityTerm: { 1: ['weight', 'int32'], 2: ['podAffinityTerm', 'PodAffinityTerm'] },
  PodStatus: {
    1: ['phase', 'string'],
    2: ['conditions', '[]PodCondition'],
    3: ['message', 'string'],
    4: ['reason', 'string'],
    5: ['hostIP', 'string'],
    6: ['podIP', 'string'],
    7: ['startTime', 'Time'],
    8: ['containerStatuses', '[]ContainerStatus'],
    9: ['qosClass', 'string'],
    10: ['initContainerStatuses', '[]ContainerStatus'],
    11: ['nominatedNodeName', 'string'],
    12: ['podIPs', '[]PodIP'],
    13: ['ephemeralContainerStatuses', '[]ContainerStatus'],
    16: ['hostIPs', '[]PodIP'],
    17: ['observedGeneration', 'int64'],
  },
  PodIP: { 1: ['ip', 'string'] },
  PodCondition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    3: ['lastProbeTime', 'Time'],
    4: ['lastTransitionTime', 'Time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
    7: ['observedGeneration', 'int64'],
  },
  ContainerStatus: {
    1: ['name', 'string'],
    2: ['state', 'ContainerState'],
    3: ['lastState', 'ContainerState'],
    4: ['ready', 'bool', '*'],
    5: ['restartCount', 'int32', '*'],
    6: ['image', 'string'],
    7: ['imageID', 'string'],
    8: ['containerID', 'string'],
    9: ['started', 'bool', '*'],
    10: ['allocatedResources', 'map<Quantity>'],
    11: ['resources', 'ResourceRequirements'],
  },
  ContainerState: {
    1: ['waiting', 'ContainerStateWaiting'],
    2: ['running', 'ContainerStateRunning'],
    3: ['terminated', 'ContainerStateTerminated'],
  },
  ContainerStateWaiting: { 1: ['reason', 'string'], 2: ['message', 'string'] },
  ContainerStateRunning: { 1: ['startedAt', 'Time'] },
  ContainerStateTerminated: {
    1: ['exitCode', 'int32', '*'],
    2: ['signal', 'int32'],
    3: ['reason', 'string'],
    4: ['message', 'string'],
    5: ['startedAt', 'Time'],
    6: ['finishedAt', 'Time'],
    7: ['containerID', 'string'],
  },
  ReplicationController: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'ReplicationControllerSpec'],
    3: ['status', 'ReplicationControllerStatus'],
  },
  ReplicationControllerSpec: {
    1: ['replicas', 'int32', '*'],
    2: ['selector', 'map<string>'],
    3: ['template', 'PodTemplateSpec'],
    4: ['minReadySeconds', 'int32'],
  },
  ReplicationControllerStatus: {
    1: ['replicas', 'int32'],
    2: ['fullyLabeledReplicas', 'int32'],
    3: ['observedGeneration', 'int64'],
    4: ['readyReplicas', 'int32'],
    5: ['availableReplicas', 'int32'],
    6: ['conditions', '[]ReplicationControllerCondition'],
  },
  ReplicationControllerCondition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    3: ['lastTransitionTime', 'Time'],
    4: ['reason', 'string'],
    5: ['message', 'string'],
  },
  Binding: {
    1: ['metadata', 'ObjectMeta'],
    2: ['target', 'ObjectReference'],
  },
};

/* ---------------------------------------------------------------- core/v1: volumes */
const coreVolumes: Record<string, MessageDef> = {
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

/* ---------------------------------------------------------------- core/v1: config, services, policy objects */
const coreOther: Record<string, MessageDef> = {
  Namespace: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'NamespaceSpec'],
    3: ['status', 'NamespaceStatus'],
  },
  NamespaceSpec: { 1: ['finalizers', '[]string'] },
  NamespaceStatus: { 1: ['phase', 'string'], 2: ['conditions', '[]NamespaceCondition'] },
  NamespaceCondition: {
    1: ['type', 'string'],
    2: ['status', 'string'],
    4: ['lastTransitionTime', 'Time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },
  ConfigMap: {
    1: ['metadata', 'ObjectMeta'],
    2: ['data', 'map<string>'],
    3: ['binaryData', 'map<bytes>'],
    4: ['immutable', 'bool', '*'],
  },
  Secret: {
    1: ['metadata', 'ObjectMeta'],
    2: ['data', 'map<bytes>'],
    3: ['type', 'string'],
    4: ['stringData', 'map<string>'],
    5: ['immutable', 'bool', '*'],
  },
  ServiceAccount: {
    1: ['metadata', 'ObjectMeta'],
    2: ['secrets', '[]ObjectReference'],
    3: ['imagePullSecrets', '[]LocalObjectReference'],
    4: ['automountServiceAccountToken', 'bool', '*'],
  },
  Service: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'ServiceSpec'],
    3: ['status', 'ServiceStatus'],
  },
  ServiceSpec: {
    1: ['ports', '[]ServicePort'],
    2: ['selector', 'map<string>'],
    3: ['clusterIP', 'string'],
    4: ['type', 'string'],
    5: ['externalIPs', '[]string'],
    7: ['sessionAffinity', 'string'],
    8: ['loadBalancerIP', 'string'],
    9: ['loadBalancerSourceRanges', '[]string'],
    10: ['externalName', 'string'],
    11: ['externalTrafficPolicy', 'string'],
    12: ['healthCheckNodePort', 'int32'],
    13: ['publishNotReadyAddresses', 'bool'],
    14: ['sessionAffinityConfig', 'SessionAffinityConfig'],
    17: ['ipFamilyPolicy', 'string'],
    18: ['clusterIPs', '[]string'],
    19: ['ipFamilies', '[]string'],
    20: ['allocateLoadBalancerNodePorts', 'bool', '*'],
    21: ['loadBalancerClass', 'string'],
    22: ['internalTrafficPolicy', 'string'],
    23: ['trafficDistribution', 'string'],
  },
  ServicePort: {
    1: ['name', 'string'],
    2: ['protocol', 'string'],
    3: ['port', 'int32'],
    4: ['targetPort', 'IntOrString'],
    5: ['nodePort', 'int32'],
    6: ['appProtocol', 'string'],
  },
  SessionAffinityConfig: { 1: ['clientIP', 'ClientIPConfig'] },
  ClientIPConfig: { 1: ['timeoutSeconds', 'int32', '*'] },
  ServiceStatus: {
    1: ['loadBalancer', 'LoadBalancerStatus'],
    2: ['conditions', '[]Condition'],
  },
  LoadBalancerStatus: { 1: ['ingress', '[]LoadBalancerIngress'] },
  LoadBalancerIngress: {
    1: ['ip', 'string'],
    2: ['hostname', 'string'],
    3: ['ipMode', 'string'],
    4: ['ports', '[]PortStatus'],
  },
  PortStatus: { 1: ['port', 'int32'], 2: ['protocol', 'string'], 3: ['error', 'string'] },
  ResourceQuota: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'ResourceQuotaSpec'],
    3: ['status', 'ResourceQuotaStatus'],
  },
  ResourceQuotaSpec: {
    1: ['hard', 'map<Quantity>'],
    2: ['scopes', '[]string'],
    3: ['scopeSelector', 'ScopeSelector'],
  },
  ScopeSelector: { 1: ['matchExpressions', '[]ScopedResourceSelectorRequirement'] },
  ScopedResourceSelectorRequirement: {
    1: ['scopeName', 'string'],
    2: ['operator', 'string'],
    3: ['values', '[]string'],
  },
  ResourceQuotaStatus: { 1: ['hard', 'map<Quantity>'], 2: ['used', 'map<Quantity>'] },
  LimitRange: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'LimitRangeSpec'],
  },
  LimitRangeSpec: { 1: ['limits', '[]LimitRangeItem'] },
  LimitRangeItem: {
    1: ['type', 'string'],
    2: ['max', 'map<Quantity>'],
    3: ['min', 'map<Quantity>'],
    4: ['default', 'map<Quantity>'],
    5: ['defaultRequest', 'map<Quantity>'],
    6: ['maxLimitRequestRatio', 'map<Quantity>'],
  },
};

/* ---------------------------------------------------------------- apps/v1 */
const apps: Record<string, MessageDef> = {
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
const batch: Record<string, MessageDef> = {
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

/* ---------------------------------------------------------------- rbac.authorization.k8s.io/v1 */
const rbac: Record<string, MessageDef> = {
  Role: { 1: ['metadata', 'ObjectMeta'], 2: ['rules', '[]PolicyRule'] },
  ClusterRole: {
    1: ['metadata', 'ObjectMeta'],
    2: ['rules', '[]PolicyRule'],
    3: ['aggregationRule', 'AggregationRule'],
  },
  AggregationRule: { 1: ['clusterRoleSelectors', '[]LabelSelector'] },
  PolicyRule: {
    1: ['verbs', '[]string'],
    2: ['apiGroups', '[]string'],
    3: ['resources', '[]string'],
    4: ['resourceNames', '[]string'],
    5: ['nonResourceURLs', '[]string'],
  },
  RoleBinding: {
    1: ['metadata', 'ObjectMeta'],
    2: ['subjects', '[]Subject'],
    3: ['roleRef', 'RoleRef'],
  },
  ClusterRoleBinding: {
    1: ['metadata', 'ObjectMeta'],
    2: ['subjects', '[]Subject'],
    3: ['roleRef', 'RoleRef'],
  },
  Subject: {
    1: ['kind', 'string'],
    2: ['apiGroup', 'string'],
    3: ['name', 'string'],
    4: ['namespace', 'string'],
  },
  RoleRef: { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] },
};

/* ---------------------------------------------------------------- authorization.k8s.io/v1 */
const authz: Record<string, MessageDef> = {
  SelfSubjectAccessReview: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'SelfSubjectAccessReviewSpec'],
    3: ['status', 'SubjectAccessReviewStatus'],
  },
  SelfSubjectAccessReviewSpec: {
    1: ['resourceAttributes', 'ResourceAttributes'],
    2: ['nonResourceAttributes', 'NonResourceAttributes'],
  },
  SubjectAccessReview: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'SubjectAccessReviewSpec'],
    3: ['status', 'SubjectAccessReviewStatus'],
  },
  SubjectAccessReviewSpec: {
    1: ['resourceAttributes', 'ResourceAttributes'],
    2: ['nonResourceAttributes', 'NonResourceAttributes'],
    3: ['user', 'string'],
    4: ['groups', '[]string'],
    5: ['extra', 'map<StringList>'],
    6: ['uid', 'string'],
  },
  ResourceAttributes: {
    1: ['namespace', 'string'],
    2: ['verb', 'string'],
    3: ['group', 'string'],
    4: ['version', 'string'],
    5: ['resource', 'string'],
    6: ['subresource', 'string'],
    7: ['name', 'string'],
    8: ['fieldSelector', 'FieldSelectorAttributes'],
    9: ['labelSelector', 'LabelSelectorAttributes'],
  },
  FieldSelectorAttributes: {
    1: ['rawSelector', 'string'],
    2: ['requirements', '[]FieldSelectorRequirement'],
  },
  FieldSelectorRequirement: {
    1: ['key', 'string'],
    2: ['operator', 'string'],
    3: ['values', '[]string'],
  },
  LabelSelectorAttributes: {
    1: ['rawSelector', 'string'],
    2: ['requirements', '[]LabelSelectorRequirement'],
  },
  NonResourceAttributes: { 1: ['path', 'string'], 2: ['verb', 'string'] },
  SubjectAccessReviewStatus: {
    1: ['allowed', 'bool', '*'],
    2: ['reason', 'string'],
    3: ['evaluationError', 'string'],
    4: ['denied', 'bool'],
  },
  SelfSubjectRulesReview: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'SelfSubjectRulesReviewSpec'],
    3: ['status', 'SubjectRulesReviewStatus'],
  },
  SelfSubjectRulesReviewSpec: { 1: ['namespace', 'string'] },
  SubjectRulesReviewStatus: {
    1: ['resourceRules', '[]ResourceRule'],
    2: ['nonResourceRules', '[]NonResourceRule'],
    3: ['incomplete', 'bool', '*'],
    4: ['evaluationError', 'string'],
  },
  ResourceRule: {
    1: ['verbs', '[]string'],
    2: ['apiGroups', '[]string'],
    3: ['resources', '[]string'],
    4: ['resourceNames', '[]string'],
  },
  NonResourceRule: { 1: ['verbs', '[]string'], 2: ['nonResourceURLs', '[]string'] },
};

/* ---------------------------------------------------------------- authentication.k8s.io/v1 */
const authn: Record<string, MessageDef> = {
  TokenRequest: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'TokenRequestSpec'],
    3: ['status', 'TokenRequestStatus'],
  },
  TokenRequestSpec: {
    1: ['audiences', '[]string'],
    3: ['boundObjectRef', 'BoundObjectReference'],
    4: ['expirationSeconds', 'int64', '*'],
  },
  BoundObjectReference: {
    1: ['kind', 'string'],
    2: ['apiVersion', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
  },
  TokenRequestStatus: { 1: ['token', 'string'], 2: ['expirationTimestamp', 'Time'] },
  TokenReview: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'TokenReviewSpec'],
    3: ['status', 'TokenReviewStatus'],
  },
  TokenReviewSpec: { 1: ['token', 'string'], 2: ['audiences', '[]string'] },
  TokenReviewStatus: {
    1: ['authenticated', 'bool'],
    2: ['user', 'UserInfo'],
    3: ['error', 'string'],
    4: ['audiences', '[]string'],
  },
  UserInfo: {
    1: ['username', 'string'],
    2: ['uid', 'string'],
    3: ['groups', '[]string'],
    4: ['extra', 'map<StringList>'],
  },
  SelfSubjectReview: {
    1: ['metadata', 'ObjectMeta'],
    2: ['status', 'SelfSubjectReviewStatus'],
  },
  SelfSubjectReviewStatus: { 1: ['userInfo', 'UserInfo'] },
};

/* ---------------------------------------------------------------- autoscaling/v1 and v2 */
const autoscaling: Record<string, MessageDef> = {
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
const misc: Record<string, MessageDef> = {
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

export const MESSAGES: Readonly<Record<string, MessageDef>> = Object.freeze({
  ...meta,
  ...coreWorkload,
  ...coreVolumes,
  ...coreOther,
  ...apps,
  ...batch,
  ...rbac,
  ...authz,
  ...authn,
  ...autoscaling,
  ...misc,
});

/** A parsed type string. */
export type TypeRef =
  | { shape: 'single'; base: string }
  | { shape: 'repeated'; base: string }
  | { shape: 'map'; base: string };

const parsedCache = new Map<string, TypeRef>();

export function parseType(type: string): TypeRef {
  let ref = parsedCache.get(type);
  if (!ref) {
    if (type.startsWith('[]')) ref = { shape: 'repeated', base: type.slice(2) };
    else if (type.startsWith('map<') && type.endsWith('>')) ref = { shape: 'map', base: type.slice(4, -1) };
    else ref = { shape: 'single', base: type };
    parsedCache.set(type, ref);
  }
  return ref;
}

export function isScalar(base: string): base is ScalarType {
  return (SCALAR_TYPES as readonly string[]).includes(base);
}

export function isSpecial(base: string): base is SpecialType {
  return (SPECIAL_TYPES as readonly string[]).includes(base);
}
