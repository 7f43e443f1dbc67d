/**
 * The kubelet's pod admission (`kubelet.admitPod`, an AsyncSeriesBailHook run by the node agent
 * before it starts a pod): `pod`, `node` (the Node object as last posted) and `otherPods` (the pods
 * already admitted on the node); a denial rejects the pod on that node (it ends Failed with the
 * hook's reason and message). Declared by name: nothing is imported from the kubelet.
 */
import { newBudget } from '../../core/api/cel';
import { declareHookShape, type HookShape } from './shapes';
import { REQUEST_BUDGET_MS } from './shapes-builtin';
import type { Json } from './types';

export const kubeletAdmitShape: HookShape = {
  point: 'kubelet.admitPod',
  variables: ['pod', 'node', 'otherPods', 'params', 'variables'],
  mutable: false,
  denyMeans: 'the node rejects the pod (phase Failed, status.reason and message from the hook)',
  input(_server, [attrs]) {
    const a = attrs as Json;
    if (a?.pod?.metadata?.namespace === 'kube-system') return undefined;
    return { vars: { pod: a.pod, node: a.node ?? {}, otherPods: a.otherPods ?? [] }, mutable: false };
  },
  budget: () => newBudget(REQUEST_BUDGET_MS),
  apply: (_server, _args, outcome) => (outcome.deny ? { admit: false, reason: outcome.deny.reason === 'Forbidden' ? 'HookDenied' : outcome.deny.reason, message: outcome.deny.message } : undefined),
};

declareHookShape(kubeletAdmitShape);
