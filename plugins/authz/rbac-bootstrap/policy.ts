/**
 * The bootstrap policy: the default ClusterRoles and ClusterRoleBindings a Kubernetes user expects
 * (pkg/registry/rbac/bootstrappolicy), labelled `kubernetes.io/bootstrapping: rbac-defaults` and
 * annotated `rbac.authorization.kubernetes.io/autoupdate: "true"`.
 */
export type Obj = Record<string, any>;
/** a top-level API object */
export type ApiObject = Obj & { metadata: Obj };

const G = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...READ, ...WRITE];
const AGG = (to: string) => `${G}/aggregate-to-${to}`;

const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): Obj => ({ apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) });
const urls = (verbs: string[], nonResourceURLs: string[]): Obj => ({ nonResourceURLs, verbs });

const meta = (name: string, labels: Record<string, string> = {}): Obj => ({
  name,
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
});

const clusterRole = (name: string, rules: Obj[], labels?: Record<string, string>): ApiObject => ({ apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: meta(name, labels), rules });
const aggregated = (name: string, to: string, labels?: Record<string, string>): ApiObject => ({
  apiVersion: `${G}/v1`,
  kind: 'ClusterRole',
  metadata: meta(name, labels),
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [AGG(to)]: 'true' } }] },
  rules: [],
});

const group = (name: string) => ({ kind: 'Group', apiGroup: G, name });
const user = (name: string) => ({ kind: 'User', apiGroup: G, name });
const binding = (name: string, role: string, subjects: Obj[]): ApiObject => ({
  apiVersion: `${G}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: meta(name),
  roleRef: { apiGroup: G, kind: 'ClusterRole', name: role },
  subjects,
});

/** what `view` aggregates: read access to the namespaced workload API, never secrets */
const VIEW_RULES = [
  r(READ, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
  r(READ, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
  r(READ, [''], ['namespaces']),
  r(READ, ['discovery.k8s.io'], ['endpointslices']),
  r(READ, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
  r(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  r(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  r(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  r(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
  r(READ, ['events.k8s.io'], ['events']),
  r(READ, ['coordination.k8s.io'], ['leases']),
];

/** what `edit` adds: write access to the namespaced workload API, secrets, exec; no roles or bindings */
const EDIT_RULES = [
  r(['impersonate'], [''], ['serviceaccounts']),
  r(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  r(['create'], [''], ['pods/eviction']),
  r(WRITE, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
  r(['create'], [''], ['serviceaccounts/token']),
  r(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
  r(WRITE, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
  r(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  r(WRITE, ['batch'], ['cronjobs', 'jobs']),
  r(WRITE, ['policy'], ['poddisruptionbudgets']),
  r(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
  r(WRITE, ['discovery.k8s.io'], ['endpointslices']),
  r(WRITE, ['coordination.k8s.io'], ['leases']),
];

/** what `admin` adds: roles and bindings in the namespace, LocalSubjectAccessReview */
const ADMIN_RULES = [
  r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  r(READ_WRITE, [G], ['rolebindings', 'roles']),
];

const COMPONENT_READ = ['get', 'list', 'watch'];

export function bootstrapClusterRoles(): ApiObject[] {
  return [
    clusterRole('cluster-admin', [r(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    aggregated('admin', 'admin'),
    aggregated('edit', 'edit', { [AGG('admin')]: 'true' }),
    aggregated('view', 'view', { [AGG('edit')]: 'true' }),
    clusterRole('system:aggregate-to-admin', ADMIN_RULES, { [AGG('admin')]: 'true' }),
    clusterRole('system:aggregate-to-edit', EDIT_RULES, { [AGG('edit')]: 'true' }),
    clusterRole('system:aggregate-to-view', VIEW_RULES, { [AGG('view')]: 'true' }),
    clusterRole('system:discovery', [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
    clusterRole('system:basic-user', [
      r(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      r(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
    clusterRole('system:kube-controller-manager', [
      // k8ts' controller-manager runs every controller under one identity (Kubernetes splits them with
      // --use-service-account-credentials); it reads and writes the whole API, and issues tokens
      r(['*'], ['*'], ['*']),
      r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ]),
    clusterRole('system:kube-scheduler', [
      r(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      r(['create'], ['coordination.k8s.io'], ['leases']),
      r(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      r(['delete', 'get', 'list', 'watch'], [''], ['pods']),
      r(['create'], [''], ['bindings', 'pods/binding']),
      r(['patch', 'update'], [''], ['pods/status']),
      r(COMPONENT_READ, [''], ['nodes', 'namespaces', 'persistentvolumeclaims', 'persistentvolumes', 'replicationcontrollers', 'services', 'configmaps']),
      r(COMPONENT_READ, ['apps'], ['replicasets', 'statefulsets']),
      r(COMPONENT_READ, ['policy'], ['poddisruptionbudgets']),
      r(COMPONENT_READ, ['storage.k8s.io'], ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities']),
      r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ]),
    clusterRole('system:node', [
      r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
      r(COMPONENT_READ, [''], ['services', 'endpoints']),
      r(['create', 'get', 'list', 'watch', 'delete', 'patch', 'update'], [''], ['nodes']),
      r(['patch', 'update'], [''], ['nodes/status']),
      r(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      r(COMPONENT_READ, [''], ['pods']),
      r(['create', 'delete'], [''], ['pods']),
      r(['patch', 'update'], [''], ['pods/status']),
      r(['create'], [''], ['pods/eviction']),
      r(['get'], [''], ['configmaps', 'secrets', 'persistentvolumeclaims', 'persistentvolumes']),
      r(['create'], [''], ['serviceaccounts/token']),
      r(['get', 'list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
      r(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
      r(COMPONENT_READ, ['storage.k8s.io'], ['csidrivers', 'csinodes', 'volumeattachments']),
      r(COMPONENT_READ, ['node.k8s.io'], ['runtimeclasses']),
    ]),
  ];
}

export function bootstrapClusterRoleBindings(): ApiObject[] {
  return [
    binding('cluster-admin', 'cluster-admin', [group('system:masters')]),
    binding('system:discovery', 'system:discovery', [group('system:authenticated')]),
    binding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    binding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    binding('system:kube-controller-manager', 'system:kube-controller-manager', [user('system:kube-controller-manager')]),
    binding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
    // Kubernetes leaves system:node unbound (the Node authorizer decides); k8ts has no Node
    // authorizer yet, so kubelets (group system:nodes) get the role through this binding
    binding('system:node', 'system:node', [group('system:nodes')]),
  ];
}
