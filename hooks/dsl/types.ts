/**
 * The Hook kind (hooks.k8ts.dev/v1alpha1, cluster-scoped): Kubernetes' ValidatingAdmissionPolicy,
 * its Binding and MutatingAdmissionPolicy merged into one object that may target any hook point
 * with a declared shape (see shapes.ts), not only admission.
 */
export const HOOKS_GROUP = 'hooks.k8ts.dev';
export const HOOKS_VERSION = 'v1alpha1';
export const HOOKS_KIND = 'Hook';
export const HOOKS_PLURAL = 'hooks';
export const HOOKS_API_VERSION = `${HOOKS_GROUP}/${HOOKS_VERSION}`;

export const VALIDATING_POINT = 'api.validatingAdmission';
export const MUTATING_POINT = 'api.mutatingAdmission';

export type Json = Record<string, any>;

export interface ResourceRule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  operations?: string[];
  resourceNames?: string[];
  scope?: 'Cluster' | 'Namespaced' | '*';
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface NamedExpression {
  name: string;
  expression: string;
}

export interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
  /** a Kubernetes StatusReason: Forbidden (default for hooks), Invalid, Unauthorized, RequestEntityTooLarge */
  reason?: string;
}

export interface Mutation {
  patchType: 'JSONPatch' | 'ApplyConfiguration';
  jsonPatch?: { expression: string };
  applyConfiguration?: { expression: string };
}

export interface ScriptSpec {
  source: string;
  timeoutMs?: number;
  memoryLimitMiB?: number;
}

export interface HookSpec {
  /** dotted hook point name; default api.mutatingAdmission when the hook mutates, else api.validatingAdmission */
  hookPoint?: string;
  failurePolicy?: 'Fail' | 'Ignore';
  match?: {
    resourceRules?: ResourceRule[];
    excludeResourceRules?: ResourceRule[];
    namespaceSelector?: LabelSelector;
    objectSelector?: LabelSelector;
  };
  matchConditions?: NamedExpression[];
  paramKind?: { apiVersion: string; kind: string };
  paramRef?: { name?: string; namespace?: string; selector?: LabelSelector; parameterNotFoundAction?: 'Allow' | 'Deny' };
  variables?: NamedExpression[];
  validations?: Validation[];
  validationActions?: Array<'Deny' | 'Warn' | 'Audit'>;
  auditAnnotations?: Array<{ key: string; valueExpression: string }>;
  mutations?: Mutation[];
  script?: ScriptSpec;
}

export interface HookObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; generation?: number; resourceVersion?: string; [k: string]: unknown };
  spec: HookSpec;
  status?: { active?: boolean; lastError?: string; observedGeneration?: number; [k: string]: unknown };
}

/** Where a hook came from: the API (hooks.k8ts.dev) or a file under a hookDirs directory. */
export type HookSource = { type: 'api' } | { type: 'file'; path: string };

/** A hook that passed validation, ready to evaluate. */
export interface LoadedHook {
  name: string;
  point: string;
  spec: HookSpec;
  source: HookSource;
  generation?: number;
}

/** The hook point a spec targets (hookPoint or the admission default). */
export function hookPointOf(spec: HookSpec): string {
  if (spec.hookPoint) return spec.hookPoint;
  return spec.mutations?.length || spec.script ? MUTATING_POINT : VALIDATING_POINT;
}
