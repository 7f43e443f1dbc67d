/**
 * The kubelet's admission point (`kubelet.admitPod`, an AsyncSeriesBailHook run once per new pod
 * on a node): `pod` (the Pod as the API returns it), `node` (the Node object as last posted) and
 * `otherPods` (the pods admitted on the node before, reduced to metadata and container
 * resources). A denial rejects the pod: it ends Failed with the denial's reason and message, as an
 * upstream kubelet admit handler's rejection does. Declared by name: nothing is imported from the
 * kubelet.
 */
import { newBudget } from '../../core/api/cel';
import { declareHookShape, type HookShape } from './shapes';
import { REQUEST_BUDGET_MS } from './shapes-builtin';
import type { Json } from './types';

export const kubeletAdmitPodShape: HookShape = {
  point: 'kubelet.admitPod',
  variables: ['pod', 'node', 'otherPods', 'params', 'variables'],
  mutable: false,
  denyMeans: 'the kubelet rejects the pod: phase Failed, status.reason the denial reason, message "Pod was rejected: <message>"',
  input(_server, [attrs]) {
    const a = (attrs ?? {}) as Json;
    const pod = (a.pod ?? {}) as Json;
    return {
      vars: { pod, node: a.node ?? {}, otherPods: a.otherPods ?? [] },
      resource: { group: '', version: 'v1', resource: 'pods', subresource: '', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', operation: 'CREATE', namespaced: true },
      object: pod,
      mutable: false,
    };
  },
  budget: () => newBudget(REQUEST_BUDGET_MS),
  apply: (_server, _args, outcome) => (outcome.deny ? { admit: false, reason: outcome.deny.reason || 'Forbidden', message: outcome.deny.message } : undefined),
};

declareHookShape(kubeletAdmitPodShape);
