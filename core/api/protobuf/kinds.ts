/**
 * Which message type a protobuf body holds, by apiVersion + kind (from runtime.Unknown's TypeMeta).
 */

export interface ProtobufKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Message name in schema.ts. */
  readonly message: string;
}

const table: ReadonlyArray<readonly [apiVersion: string, kinds: ReadonlyArray<string | readonly [kind: string, message: string]>]> = [
  [
    'v1',
    [
      'Namespace',
      'ConfigMap',
      'Secret',
      'Service',
      'ServiceAccount',
      'ResourceQuota',
      'LimitRange',
      'Pod',
      'PodTemplate',
      'ReplicationController',
      'PersistentVolumeClaim',
      'Binding',
      'DeleteOptions',
    ],
  ],
  ['meta.k8s.io/v1', ['DeleteOptions']],
  ['apps/v1', ['Deployment', 'ReplicaSet']],
  ['batch/v1', ['Job', 'CronJob']],
  ['rbac.authorization.k8s.io/v1', ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']],
  [
    'authorization.k8s.io/v1',
    ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', ['LocalSubjectAccessReview', 'SubjectAccessReview']],
  ],
  ['authentication.k8s.io/v1', ['TokenRequest', 'TokenReview', 'SelfSubjectReview']],
  ['autoscaling/v1', [['HorizontalPodAutoscaler', 'HorizontalPodAutoscalerV1'], 'Scale']],
  ['autoscaling/v2', [['HorizontalPodAutoscaler', 'HorizontalPodAutoscalerV2']]],
  ['policy/v1', ['PodDisruptionBudget', 'Eviction']],
  ['scheduling.k8s.io/v1', ['PriorityClass']],
  ['certificates.k8s.io/v1', ['CertificateSigningRequest']],
];

/** Every apiVersion/kind decodeProtobufObject understands (DeleteOptions is also accepted under any apiVersion). */
export const SUPPORTED_PROTOBUF_KINDS: ReadonlyArray<ProtobufKind> = Object.freeze(
  table.flatMap(([apiVersion, kinds]) =>
    kinds.map((k) => {
      const [kind, message] = typeof k === 'string' ? [k, k] : k;
      return Object.freeze({ apiVersion, kind, message });
    }),
  ),
);

const byKey = new Map(SUPPORTED_PROTOBUF_KINDS.map((k) => [`${k.apiVersion}\u0000${k.kind}`, k.message]));

/**
 * Message name for apiVersion + kind, or undefined.
 * DeleteOptions is registered in every API group (client-go sends it with the resource's
 * group version), so it is accepted under any apiVersion.
 */
export function messageFor(apiVersion: string, kind: string): string | undefined {
  const direct = byKey.get(`${apiVersion}\u0000${kind}`);
  if (direct) return direct;
  if (kind === 'DeleteOptions' && apiVersion !== '') return 'DeleteOptions';
  return undefined;
}
