/**
 * matchConditions in CEL: expressions over `object`, `oldObject`, `request` (the AdmissionRequest)
 * and `authorizer`-free, evaluated with the shared environment in core/api/cel under a per-request
 * budget (a request whose conditions together run past it fails as a CEL error, which the
 * webhook's failurePolicy then decides).
 */
export { compile, compileError, evaluateCondition, toCel, type CelBudget } from '../../../core/api/cel';

export const MAX_CONDITIONS = 64;
/** wall-clock budget of all match conditions of one request */
export const CEL_BUDGET_MS = 50;
