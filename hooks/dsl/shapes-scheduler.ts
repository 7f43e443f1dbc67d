/**
 * The scheduler's filter point (`scheduler.filter`, a SyncBailHook run by the scheduling framework
 * for every node; a tap whose name is no scheduler plugin runs in every profile): `pod` (the Pod as
 * the API returns it) and `node` (the Node object), and a denial makes the node infeasible for the
 * pod (Unschedulable, the message counted in the FailedScheduling event). Synchronous: hooks here
 * are CEL only. Declared by name: nothing is imported from the scheduler.
 */
import { newBudget } from '../../core/api/cel';
import { declareHookShape, type HookShape } from './shapes';
import { REQUEST_BUDGET_MS } from './shapes-builtin';
import type { Json } from './types';

export const schedulerFilterShape: HookShape = {
  point: 'scheduler.filter',
  variables: ['pod', 'node', 'params (none: synchronous)', 'variables'],
  mutable: false,
  sync: true,
  denyMeans: 'the node is infeasible for the pod (Unschedulable with the message as reason)',
  input: (server, args) => schedulerFilterShape.inputSync!(server, args),
  inputSync(_server, [pod, nodeInfo]) {
    const p = pod as Json;
    if (p?.metadata?.namespace === 'kube-system') return undefined;
    return { vars: { pod: p, node: (nodeInfo as Json)?.node ?? {} }, mutable: false };
  },
  budget: () => newBudget(REQUEST_BUDGET_MS),
  apply: (_server, _args, outcome) => (outcome.deny ? { code: 'Unschedulable', reasons: [outcome.deny.message] } : undefined),
};

declareHookShape(schedulerFilterShape);
