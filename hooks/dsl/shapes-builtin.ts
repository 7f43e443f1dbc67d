/**
 * The built-in shapes: the two admission points (object, oldObject, request, namespaceObject via
 * namespaceSelector) and the controller manager's reconcile veto. Other components declare theirs
 * the same way (scheduler.filter in shapes-scheduler.ts once the scheduler exists).
 *
 * Hooks never apply to hook objects themselves (group hooks.k8ts.dev), to anything in kube-system
 * (nor the kube-system Namespace), nor to members of the exempt groups (system:masters by default):
 * an administrator can always repair a hook that locks everyone else out.
 */
import { newBudget, type CelBudget } from '../../core/api/cel';
import { STATUS_CODES, statusError, type StatusReason } from '../../core/api/status';
import { getControllerHooks, type ReconcileContext } from '../../core/client/controller';
import type { AdmissionAttributes } from '../../core/registry/types';
import type { Server } from '../../core/server/server';
import { AdmissionStage } from '../stages';
import { addAuditAnnotation, readObject } from '../../plugins/admission/shared/admission';
import { toHub, versioned } from '../../plugins/admission/webhook/dispatch';
import type { HookInput } from './evaluate';
import { declareHookShape, type HookShape, type Outcome } from './shapes';
import { HOOKS_GROUP, MUTATING_POINT, VALIDATING_POINT, type Json } from './types';

/** wall-clock CEL budget of one request over all hooks (Kubernetes' per-request cost budget) */
export const REQUEST_BUDGET_MS = 1000;
const BUDGET_STATE = 'hooks.k8ts.dev/budget';

/** Groups whose members no hook applies to (set by the plugin's `exemptGroups` option). */
export const exemptions = { groups: new Set<string>(['system:masters']) };

export function admissionExempt(attrs: AdmissionAttributes): boolean {
  if (attrs.resource.group === HOOKS_GROUP) return true;
  if (attrs.namespace === 'kube-system') return true;
  if (attrs.resource.group === '' && attrs.resource.resource === 'namespaces' && attrs.name === 'kube-system') return true;
  const groups = attrs.ctx.user?.groups ?? [];
  return groups.some((g) => exemptions.groups.has(g));
}

function requestOf(attrs: AdmissionAttributes): Json {
  const u = attrs.ctx.user;
  return {
    kind: attrs.kind,
    resource: attrs.resource,
    subResource: attrs.subresource,
    name: attrs.name,
    namespace: attrs.namespace,
    operation: attrs.operation,
    userInfo: u ? { username: u.username, groups: u.groups ?? [], ...(u.uid ? { uid: u.uid } : {}) } : {},
    dryRun: attrs.dryRun,
  };
}

function admissionInput(server: Server, attrs: AdmissionAttributes, mutable: boolean): HookInput | undefined {
  if (admissionExempt(attrs)) return undefined;
  if (mutable && !attrs.object) return undefined;
  const object = versioned(attrs, attrs.object);
  const oldObject = versioned(attrs, attrs.oldObject);
  return {
    vars: { object, oldObject, request: requestOf(attrs) },
    object,
    oldObject,
    mutable,
    resource: { ...attrs.resource, subresource: attrs.subresource, operation: attrs.operation, namespace: attrs.namespace, name: attrs.name, namespaced: attrs.definition.namespaced },
    namespaceLabels: async () => (await readObject(server, '', 'namespaces', '', attrs.namespace))?.metadata.labels,
  };
}

function requestBudget(attrs: AdmissionAttributes): CelBudget {
  let b = attrs.ctx.state.get(BUDGET_STATE) as CelBudget | undefined;
  if (!b) attrs.ctx.state.set(BUDGET_STATE, (b = newBudget(REQUEST_BUDGET_MS)));
  return b;
}

/** The Status of a denial: `pods "x" is forbidden: hook 'h' denied request: ...` (Forbidden), `... is invalid: ...` (Invalid). */
export function denialError(attrs: AdmissionAttributes, deny: NonNullable<Outcome['deny']>) {
  const { group, resource } = attrs.resource;
  const qualified = group ? `${resource}.${group}` : resource;
  const name = attrs.name || (attrs.object ?? attrs.oldObject)?.metadata?.generateName || '';
  const reason = (deny.reason in STATUS_CODES ? deny.reason : 'Forbidden') as StatusReason;
  const verb = reason === 'Invalid' ? 'invalid' : reason === 'InternalError' ? 'not admitted' : 'forbidden';
  return statusError(reason, `${qualified} "${name}" is ${verb}: ${deny.message}`, { name, group, kind: resource, causes: [{ reason: 'HookDenied', field: '', message: deny.message }] });
}

function applyAdmission(attrs: AdmissionAttributes, outcome: Outcome): void {
  for (const w of outcome.warnings) attrs.ctx.warnings.push(w);
  for (const [k, v] of Object.entries(outcome.audit)) addAuditAnnotation(attrs.ctx, k, v);
  if (outcome.deny) throw denialError(attrs, outcome.deny);
  if (outcome.object) attrs.object = toHub(attrs, outcome.object);
}

const ADMISSION_VARS = ['object', 'oldObject', 'request (kind, resource, subResource, name, namespace, operation, userInfo, dryRun)', 'params', 'variables'];

export const validatingAdmissionShape: HookShape = {
  point: VALIDATING_POINT,
  variables: ADMISSION_VARS,
  mutable: false,
  denyMeans: 'the request is refused with the validation reason (Forbidden by default)',
  stage: AdmissionStage.DEFAULT,
  input: (server, [attrs]) => admissionInput(server, attrs as AdmissionAttributes, false),
  budget: ([attrs]) => requestBudget(attrs as AdmissionAttributes),
  apply: (_server, [attrs], outcome) => applyAdmission(attrs as AdmissionAttributes, outcome),
};

export const mutatingAdmissionShape: HookShape = {
  ...validatingAdmissionShape,
  point: MUTATING_POINT,
  mutable: true,
  input: (server, [attrs]) => admissionInput(server, attrs as AdmissionAttributes, true),
};

/** controllers.reconcile: `reconcile` = {controller, key, namespace, name, requeues}; a denial vetoes the reconcile ('skip'). */
export const reconcileShape: HookShape = {
  point: 'controllers.reconcile',
  variables: ['reconcile (controller, key, namespace, name, requeues)', 'params', 'variables'],
  mutable: false,
  denyMeans: "the reconcile is vetoed ('skip': the key is dropped, not retried)",
  input(_server, [ctx]) {
    const rc = ctx as ReconcileContext;
    const slash = rc.key.indexOf('/');
    const reconcile = { controller: rc.controller, key: rc.key, namespace: slash >= 0 ? rc.key.slice(0, slash) : '', name: slash >= 0 ? rc.key.slice(slash + 1) : rc.key, requeues: rc.requeues };
    if (reconcile.namespace === 'kube-system') return undefined;
    return { vars: { reconcile }, mutable: false };
  },
  budget: () => newBudget(REQUEST_BUDGET_MS),
  apply: (_server, _args, outcome) => (outcome.deny ? 'skip' : undefined),
};

declareHookShape(validatingAdmissionShape);
declareHookShape(mutatingAdmissionShape);
declareHookShape(reconcileShape);

/** Components whose hook records the DSL creates eagerly, so their points are in the index. */
export function ensureComponentHooks(server: Server): void {
  getControllerHooks(server);
}
