/**
 * Named stage constants. Every tap that cares about order passes one of these as its tapable
 * `stage`; lower stages run first, and within one stage taps run in the order plugins were applied
 * (which is their position in the YAML configuration).
 */

/** Stages of `apiserver.filter`, the filter chain (lower runs first). */
export const FilterStage = Object.freeze({
  /** turn a thrown error into a 500 Status */
  PANIC_RECOVERY: -1000,
  /** start the audit event */
  AUDIT_INIT: -900,
  /** who is calling (x509, tokens, anonymous) */
  AUTHENTICATION: -800,
  /** `Impersonate-*` headers */
  IMPERSONATION: -700,
  /** max-inflight limits and fairness */
  MAX_INFLIGHT: -600,
  /** may the caller do this */
  AUTHORIZATION: -500,
  /** request deadlines */
  TIMEOUT: -400,
  /** anything else */
  DEFAULT: 0,
});

/** Stages of `apiserver.resolveHandler`, the delegation chain (first handler found wins). */
export const HandlerStage = Object.freeze({
  /** non-resource endpoints: /healthz, /livez, /readyz, /version, /metrics */
  NON_RESOURCE: -2000,
  /** APIService proxy and merged discovery (kube-aggregator) */
  AGGREGATOR: -1000,
  /** discovery and OpenAPI documents built from the resource registry (/api, /apis, /openapi/v3) */
  DISCOVERY: -100,
  /** resources that are served but never stored (TokenReview, SelfSubjectReview, ...): before the generic store */
  VIRTUAL: -50,
  /** built-in resources (KubeAPIServer) */
  BUILTIN: 0,
  /** custom resources (APIExtensionServer) */
  CRD: 1000,
  /** the 404 Status at the end of the chain */
  NOT_FOUND: 10000,
});

/** Stages of the lifecycle hooks `lifecycle.initialize` and `lifecycle.shutdown`. */
export const LifecycleStage = Object.freeze({
  /** open the storage backend (initialize) / close it (shutdown, runs last) */
  STORAGE: -1000,
  /** registries that read storage (resources, watch caches) */
  REGISTRY: -500,
  /** anything else */
  DEFAULT: 0,
  /** components that use the API (controllers, scheduler, kubelet) */
  COMPONENTS: 500,
  /** shutdown only: close the storage backend after everything else */
  STORAGE_CLOSE: 10000,
});

/** Stages of `apiserver.responded`. */
export const RespondedStage = Object.freeze({
  /** metrics */
  METRICS: -100,
  /** audit log */
  AUDIT: 0,
  /** anything else */
  DEFAULT: 100,
});

/**
 * Stages of `api.mutatingAdmission` and `api.validatingAdmission` (lower runs first), in
 * kube-apiserver's default plugin order: webhooks see the object after the built-in mutations, and
 * ResourceQuota charges a request only once every other plugin has let it through.
 */
export const AdmissionStage = Object.freeze({
  /** no creates in missing or terminating namespaces; immortal namespaces (NamespaceLifecycle) */
  NAMESPACE_LIFECYCLE: -1000,
  /** LimitRange defaults and min/max/ratio checks (LimitRanger) */
  LIMIT_RANGER: -900,
  /** default ServiceAccount and the projected token volume (ServiceAccount) */
  SERVICE_ACCOUNT: -800,
  /** privileged/baseline/restricted Pod Security Standards from namespace labels (PodSecurity) */
  POD_SECURITY: -700,
  /** spec.priority from the pod's PriorityClass (Priority) */
  PRIORITY: -650,
  /** not-ready/unreachable NoExecute tolerations (DefaultTolerationSeconds) */
  DEFAULT_TOLERATIONS: -600,
  /** anything else */
  DEFAULT: 0,
  /** Mutating/ValidatingAdmissionWebhook: configured HTTPS webhooks */
  WEBHOOK: 500,
  /** usage against every ResourceQuota of the namespace (ResourceQuota), last */
  RESOURCE_QUOTA: 1000,
});

/** Stages of `authn.authenticate`, the authenticator union (first to recognise the request wins). */
export const AuthenticatorStage = Object.freeze({
  /** client certificates signed by the cluster CA */
  X509: -300,
  /** static bearer tokens (--token-auth-file) */
  TOKEN_FILE: -200,
  /** ServiceAccount JWTs */
  SERVICE_ACCOUNT: -100,
  /** anything else */
  DEFAULT: 0,
  /** the plain-HTTP listener without credentials (apiserver.insecureHttp) */
  INSECURE: 900,
  /** no credentials at all: system:anonymous */
  ANONYMOUS: 1000,
});
