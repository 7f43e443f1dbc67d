/**
 * What a resource plugin declares (data, read by the generic store, discovery and OpenAPI), and
 * the object shapes the API machinery works on. No kind is hard-coded in core: every built-in
 * resource is a plugin that calls `getResourceRegistry(server).register(definition)`.
 */
import type { ApiResponse, RequestContext } from '../pipeline/types';

/** Any Kubernetes object. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** One invalid field; 422 Invalid lists them all in details.causes. */
export interface FieldError {
  /** FieldValueInvalid | FieldValueRequired | FieldValueNotSupported | FieldValueDuplicate | FieldValueForbidden | FieldValueTooLong | FieldValueTypeInvalid */
  type: string;
  /** dotted path: spec.template.spec.containers[0].image */
  field: string;
  message: string;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 = always shown; 1 = only with -o wide */
  priority: number;
}

/** Server-side printing (kubectl get): wide cells, kubectl hides priority > 0. */
export interface TablePrinter {
  columns: readonly TableColumn[];
  /** one cell per column, the Name column first */
  row(obj: KObject, now: Date): unknown[];
}

/** The /scale subresource (autoscaling/v1 Scale). Paths are dotted: `spec.replicas`. */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  /** where the label selector lives (string or LabelSelector), for Scale.status.selector */
  labelSelectorPath?: string;
}

/** A subresource served by the resource plugin itself (binding, eviction, token, log, exec...). */
export interface CustomSubresource {
  name: string;
  verbs: readonly string[];
  /** discovery: the kind served, and group/version when not the parent's */
  kind: string;
  group?: string;
  version?: string;
  handle(ctx: RequestContext, target: SubresourceTarget): Promise<ApiResponse>;
}

/** What a custom subresource handler is told about the parent object. */
export interface SubresourceTarget {
  resource: RegisteredResourceRef;
  namespace: string;
  name: string;
  version: string;
}

/** A reference a subresource or plugin can hand to the store helpers. */
export interface RegisteredResourceRef {
  readonly definition: ResourceDefinition;
  /** storage key of an object */
  key(namespace: string, name: string): string;
}

/** One served version. The first served version is the preferred one. */
export interface VersionDefinition {
  name: string;
  served: boolean;
  /** exactly one version is the storage version */
  storage: boolean;
  /** convert an object of this version to the hub ("internal") shape; identity if omitted */
  toHub?(obj: KObject): KObject;
  /** convert a hub object to this version; identity if omitted */
  fromHub?(obj: KObject): KObject;
  /** OpenAPI definition name of the kind in this version, e.g. io.k8s.api.apps.v1.Deployment */
  schemaRef?: string;
}

export interface ResourceNames {
  plural: string;
  singular: string;
  kind: string;
  listKind?: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
}

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';
export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ResourceDefinition {
  /** '' for the core group */
  group: string;
  versions: readonly VersionDefinition[];
  names: ResourceNames;
  namespaced: boolean;
  /** default: all eight */
  verbs?: readonly Verb[];
  /**
   * When metadata.generation bumps: `spec` (spec changed), `nonMetadata` (anything but metadata
   * and status changed; CRDs without a status subresource), `none` (no generation).
   */
  generation?: 'spec' | 'nonMetadata' | 'none';
  /** `status`: the main endpoint ignores .status and /status changes only .status */
  subresources?: {
    status?: boolean;
    scale?: ScaleSubresource;
    custom?: readonly CustomSubresource[];
  };
  /** server-side printing; omitted = Name + Created At */
  printer?: TablePrinter;
  /** field selectors beyond metadata.name and metadata.namespace */
  fieldSelectors?: Readonly<Record<string, (obj: KObject) => string | undefined>>;
  /** strategic-merge-patch schema (core/api/patch); omitted = SMP answers 415 (as for CRDs) */
  patchSchema?: unknown;
  /** names that can never be deleted (the kubernetes Service, system namespaces are admission's) */
  description?: string;
  /**
   * How metadata.name is checked: DNS-1123 subdomain (default; most kinds), DNS-1123 label
   * (namespaces, services), or only a valid path segment (RBAC roles, `system:` names).
   */
  nameValidation?: 'DNS1123Subdomain' | 'DNS1123Label' | 'PathSegment';
  /**
   * Which handler serves the resource's requests: omitted = the BUILTIN generic handler
   * (KubeAPIServer); custom resources carry `APIExtensionServer` and are served at HandlerStage.CRD.
   */
  servedBy?: string;
}

/** What admission plugins see (Kubernetes admission.Attributes). */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  resource: { group: string; version: string; resource: string };
  subresource: string;
  kind: { group: string; version: string; kind: string };
  namespace: string;
  name: string;
  /** the object being written (hub version); mutating taps may change it in place */
  object?: KObject;
  oldObject?: KObject;
  dryRun: boolean;
  ctx: RequestContext;
  definition: ResourceDefinition;
}
