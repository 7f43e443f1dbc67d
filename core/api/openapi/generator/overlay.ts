/**
 * What the kubernetes-types declarations cannot say, put back on the generated schemas: integer
 * and byte formats, strategic-merge-patch metadata (`x-kubernetes-patch-merge-key`/`-strategy`),
 * server-side-apply list and map types, group-version-kinds of the meta/v1 kinds, and the few
 * Kubernetes 1.31/1.32 fields kubernetes-types 1.30 does not have yet.
 *
 * The patch metadata mirrors the `patchStrategy`/`patchMergeKey`/`listType` tags of the Go types in
 * k8s.io/api and k8s.io/apimachinery (1.30-1.32): kubectl builds its strategic merge patches from
 * them (client-side apply, edit, set image) and the server's patch engine must agree with it.
 */
import type { Schema } from '../schema-types';
import { EXTRA_DEFINITIONS } from './extra-definitions';
import { ref } from './walk-types';

/** Patch and list metadata of one list (or map) property. */
export interface ListMeta {
  /** `merge`, `retainKeys`, `merge,retainKeys` */
  strategy?: string;
  mergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  mapKeys?: string[];
  mapType?: 'atomic' | 'granular';
}

const mergeBy = (key: string, mapKeys: string[] = [key]): ListMeta => ({ strategy: 'merge', mergeKey: key, listType: 'map', mapKeys });
const conditions = mergeBy('type');
const atomic: ListMeta = { listType: 'atomic' };
const set: ListMeta = { strategy: 'merge', listType: 'set' };

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

const containerLists: Record<string, ListMeta> = {
  ports: mergeBy('containerPort', ['containerPort', 'protocol']),
  env: mergeBy('name'),
  envFrom: atomic,
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
  resizePolicy: atomic,
};

/** definition -> property -> list metadata */
export const LIST_METADATA: Readonly<Record<string, Readonly<Record<string, ListMeta>>>> = {
  [`${META}.ObjectMeta`]: { ownerReferences: mergeBy('uid'), finalizers: set },
  [`${META}.LabelSelector`]: { matchExpressions: atomic },
  [`${CORE}.Container`]: containerLists,
  [`${CORE}.EphemeralContainer`]: containerLists,
  [`${CORE}.PodSpec`]: {
    volumes: { ...mergeBy('name'), strategy: 'merge,retainKeys' },
    initContainers: mergeBy('name'),
    containers: mergeBy('name'),
    ephemeralContainers: mergeBy('name'),
    imagePullSecrets: mergeBy('name'),
    hostAliases: mergeBy('ip'),
    topologySpreadConstraints: mergeBy('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    resourceClaims: { ...mergeBy('name'), strategy: 'merge,retainKeys' },
    schedulingGates: mergeBy('name'),
    tolerations: atomic,
    readinessGates: atomic,
    nodeSelector: { mapType: 'atomic' },
  },
  [`${CORE}.PodStatus`]: {
    conditions,
    podIPs: mergeBy('ip'),
    hostIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'atomic' },
    resourceClaimStatuses: { ...mergeBy('name'), strategy: 'merge,retainKeys' },
  },
  [`${CORE}.ServiceSpec`]: { ports: mergeBy('port', ['port', 'protocol']), selector: { mapType: 'atomic' } },
  [`${CORE}.ServiceStatus`]: { conditions },
  [`${CORE}.NodeSpec`]: { podCIDRs: set, taints: atomic },
  [`${CORE}.NodeStatus`]: { conditions, addresses: { strategy: 'merge', mergeKey: 'type', listType: 'atomic' } },
  [`${CORE}.ServiceAccount`]: { secrets: mergeBy('name') },
  [`${CORE}.PersistentVolumeClaimStatus`]: { conditions },
  [`${CORE}.NamespaceStatus`]: { conditions },
  [`${CORE}.ReplicationControllerStatus`]: { conditions },
  [`${CORE}.ComponentStatus`]: { conditions },
  [`${CORE}.ReplicationControllerSpec`]: { selector: { mapType: 'atomic' } },
  ['io.k8s.api.apps.v1.DeploymentSpec']: { strategy: { strategy: 'retainKeys' } },
  ['io.k8s.api.apps.v1.StatefulSetSpec']: { volumeClaimTemplates: atomic },
  ['io.k8s.api.batch.v1.JobStatus']: { conditions: { strategy: 'merge', mergeKey: 'type', listType: 'atomic' } },
  ['io.k8s.api.batch.v1.CronJobStatus']: { active: atomic },
  ['io.k8s.api.storage.v1.CSINodeSpec']: { drivers: mergeBy('name') },
  ['io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration']: { webhooks: mergeBy('name') },
  ['io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration']: { webhooks: mergeBy('name') },
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec']: { versions: atomic },
};

/** Struct types Kubernetes marks atomic (`+structType=atomic`) that matter to apply. */
const ATOMIC_STRUCTS = [`${META}.LabelSelector`];

/** Properties named so are int64 in Kubernetes (the rest of the numbers are int32). */
const INT64_NAMES = new Set([
  'generation',
  'observedGeneration',
  'deletionGracePeriodSeconds',
  'remainingItemCount',
  'activeDeadlineSeconds',
  'terminationGracePeriodSeconds',
  'runAsUser',
  'runAsGroup',
  'fsGroup',
  'supplementalGroups',
  'expirationSeconds',
  'gracePeriodSeconds',
  'tolerationSeconds',
  'limitBytes',
  'sinceSeconds',
  'tailLines',
  'revision',
  'startingDeadlineSeconds',
  'sizeBytes',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
]);
/** ...except these `definition.property`. */
const INT32_EXCEPTIONS = new Set(['io.k8s.api.certificates.v1.CertificateSigningRequestSpec.expirationSeconds']);
/** Floating-point properties. */
const DOUBLES = new Set(['maximum', 'minimum', 'multipleOf'].map((p) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.${p}`));
/** base64 ([]byte in Go): `definition.property`, `[]` for the values of a map. */
const BYTES = [
  `${CORE}.Secret.data[]`,
  `${CORE}.ConfigMap.binaryData[]`,
  'io.k8s.api.certificates.v1.CertificateSigningRequestSpec.request',
  'io.k8s.api.certificates.v1.CertificateSigningRequestStatus.certificate',
  'io.k8s.api.admissionregistration.v1.WebhookClientConfig.caBundle',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookClientConfig.caBundle',
];

/** meta/v1 kinds whose apiVersion is not a literal in the declarations. */
const META_KINDS = ['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList'];

/** Fields Kubernetes 1.31/1.32 added (all behind alpha feature gates) that kubernetes-types 1.30 lacks. */
const ADDITIONS: Record<string, Record<string, Schema>> = {
  [`${CORE}.PodSpec`]: {
    resources: {
      allOf: [{ $ref: ref(`${CORE}.ResourceRequirements`) }],
      description: 'Resources is the total amount of CPU and Memory resources required by all containers in the pod (pod-level resources, Kubernetes 1.32 alpha, feature gate PodLevelResources). Only cpu and memory may be set.',
    },
  },
  [`${CORE}.PodSecurityContext`]: {
    supplementalGroupsPolicy: {
      description: 'Defines how supplemental groups of the first container processes are calculated: "Merge" (default) or "Strict" (Kubernetes 1.31 alpha, feature gate SupplementalGroupsPolicy).',
      type: 'string',
    },
  },
  [`${CORE}.Volume`]: {
    image: {
      allOf: [{ $ref: ref(`${CORE}.ImageVolumeSource`) }],
      description: 'image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet\'s host machine (Kubernetes 1.31 alpha, feature gate ImageVolume).',
    },
  },
  // kubernetes-types cannot name properties with dashes: the x-kubernetes-* fields of a CRD schema
  [`${APIEXT}.JSONSchemaProps`]: {
    'x-kubernetes-embedded-resource': { description: 'x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object, with TypeMeta and ObjectMeta.', type: 'boolean' },
    'x-kubernetes-int-or-string': { description: 'x-kubernetes-int-or-string specifies that this value is either an integer or a string.', type: 'boolean' },
    'x-kubernetes-list-map-keys': { description: 'x-kubernetes-list-map-keys annotates an array with the x-kubernetes-list-type `map` by specifying the keys used as the index of the map.', type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'atomic' },
    'x-kubernetes-list-type': { description: 'x-kubernetes-list-type annotates an array to further describe its topology: atomic, set or map.', type: 'string' },
    'x-kubernetes-map-type': { description: 'x-kubernetes-map-type annotates an object to further describe its topology: granular or atomic.', type: 'string' },
    'x-kubernetes-preserve-unknown-fields': { description: 'x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema.', type: 'boolean' },
    'x-kubernetes-validations': {
      description: 'x-kubernetes-validations describes a list of validation rules written in the CEL expression language.',
      type: 'array',
      items: { default: {}, allOf: [{ $ref: ref(`${APIEXT}.ValidationRule`) }] },
      'x-kubernetes-list-map-keys': ['rule'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'rule',
      'x-kubernetes-patch-strategy': 'merge',
    },
  },
  [`${CORE}.NodeStatus`]: {
    features: {
      allOf: [{ $ref: ref(`${CORE}.NodeFeatures`) }],
      description: 'Features describes the set of features implemented by the CRI implementation (Kubernetes 1.31).',
    },
  },
};

const NEW_DEFINITIONS: Record<string, Schema> = {
  [`${CORE}.ImageVolumeSource`]: {
    description: 'ImageVolumeSource represents an image volume resource.',
    type: 'object',
    properties: {
      pullPolicy: { description: 'Policy for pulling OCI objects: Always, Never or IfNotPresent.', type: 'string' },
      reference: { description: 'Required: image or artifact reference to be used, as for pod.spec.containers[*].image.', type: 'string' },
    },
  },
  [`${CORE}.NodeFeatures`]: {
    description: 'NodeFeatures describes the set of features implemented by the CRI implementation.',
    type: 'object',
    properties: {
      supplementalGroupsPolicy: { description: 'SupplementalGroupsPolicy is set to true if the runtime supports SupplementalGroupsPolicy and ContainerUser.', type: 'boolean' },
    },
  },
};

/** Apply everything above to the walked definitions, in place. */
export function applyOverlay(defs: Record<string, Schema>): void {
  Object.assign(defs, NEW_DEFINITIONS, EXTRA_DEFINITIONS);
  for (const [def, props] of Object.entries(ADDITIONS)) {
    const schema = must(defs, def);
    schema.properties = { ...schema.properties, ...props };
  }
  for (const kind of META_KINDS) must(defs, `${META}.${kind}`)['x-kubernetes-group-version-kind'] = [{ group: '', kind, version: 'v1' }];
  for (const name of ATOMIC_STRUCTS) must(defs, name)['x-kubernetes-map-type'] = 'atomic';

  for (const [name, schema] of Object.entries(defs)) {
    for (const [prop, propSchema] of Object.entries(schema.properties ?? {})) {
      const key = `${name}.${prop}`;
      fixNumbers(propSchema, prop, key);
      const meta = LIST_METADATA[name]?.[prop] ?? (prop === 'conditions' && conditionItems(defs, propSchema) ? conditions : undefined);
      if (meta) applyListMeta(propSchema, meta, key);
    }
  }
  for (const entry of BYTES) {
    const mapValues = entry.endsWith('[]');
    const path = mapValues ? entry.slice(0, -2) : entry;
    const dot = path.lastIndexOf('.');
    const prop = must(defs, path.slice(0, dot)).properties?.[path.slice(dot + 1)];
    const target = mapValues ? (prop?.additionalProperties as Schema | undefined) : prop;
    if (!target || target.type !== 'string') throw new Error(`overlay: ${entry} is not a string`);
    target.format = 'byte';
  }
}

function fixNumbers(schema: Schema, prop: string, key: string): void {
  const target = schema.type === 'array' && schema.items ? schema.items : schema;
  if (target.type !== 'integer') return;
  if (DOUBLES.has(key)) {
    target.type = 'number';
    target.format = 'double';
  } else if (INT64_NAMES.has(prop) && !INT32_EXCEPTIONS.has(key)) {
    target.format = 'int64';
  }
}

function applyListMeta(schema: Schema, meta: ListMeta, key: string): void {
  const isList = schema.type === 'array';
  const isMap = schema.type === 'object' && schema.additionalProperties !== undefined;
  const retainKeysOnly = meta.strategy === 'retainKeys' && !meta.mergeKey && !meta.listType && !meta.mapType;
  if (!isList && !isMap && !retainKeysOnly) throw new Error(`overlay: ${key} is neither a list nor a map`);
  if (meta.mergeKey) schema['x-kubernetes-patch-merge-key'] = meta.mergeKey;
  if (meta.strategy) schema['x-kubernetes-patch-strategy'] = meta.strategy;
  if (meta.listType) schema['x-kubernetes-list-type'] = meta.listType;
  if (meta.mapKeys) schema['x-kubernetes-list-map-keys'] = meta.mapKeys;
  if (meta.mapType) schema['x-kubernetes-map-type'] = meta.mapType;
}

/** A `conditions` list whose items have a `type` field merges by it (every condition list in Kubernetes does). */
function conditionItems(defs: Record<string, Schema>, schema: Schema): boolean {
  const itemRef = schema.items?.$ref;
  if (schema.type !== 'array' || !itemRef) return false;
  const item = defs[itemRef.slice('#/components/schemas/'.length)];
  return Boolean(item?.properties?.type);
}

function must(defs: Record<string, Schema>, name: string): Schema {
  const schema = defs[name];
  if (!schema) throw new Error(`overlay: no definition ${name}`);
  return schema;
}
