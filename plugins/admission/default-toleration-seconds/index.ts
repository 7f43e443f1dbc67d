/**
 * DefaultTolerationSeconds: a new pod tolerates the node.kubernetes.io/not-ready and
 * node.kubernetes.io/unreachable NoExecute taints for 300 s (configurable) unless one of its
 * tolerations already tolerates them.
 */
import { AdmissionStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks } from '../../../core/registry/registry';
import { isCore, podSpecOf, recs, type Json } from '../shared/admission';

const PLUGIN_NAME = 'DefaultTolerationSeconds';
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
export const DEFAULT_TOLERATION_SECONDS = 300;

export interface DefaultTolerationSecondsOptions {
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
}

/** Does toleration `t` tolerate a taint `key` (empty value) with effect NoExecute? */
export function toleratesNoExecute(t: Json, key: string): boolean {
  if (t.effect && t.effect !== 'NoExecute') return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return !t.key || t.key === key;
  return t.key === key && (t.value ?? '') === '';
}

/** Add the two default tolerations to a pod spec where they are missing. */
export function addDefaultTolerations(spec: Json, notReady: number, unreachable: number): void {
  const tolerations = recs(spec.tolerations);
  const add: Json[] = [];
  for (const [key, seconds] of [[NOT_READY_TAINT, notReady], [UNREACHABLE_TAINT, unreachable]] as const) {
    if (!tolerations.some((t) => toleratesNoExecute(t, key))) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  if (add.length) spec.tolerations = [...tolerations, ...add];
}

export default definePlugin<DefaultTolerationSecondsOptions>({
  name: PLUGIN_NAME,
  area: 'admission',
  description: 'not-ready and unreachable NoExecute tolerations (300 s) on new pods',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      defaultNotReadyTolerationSeconds: { type: 'integer', minimum: 0, default: DEFAULT_TOLERATION_SECONDS },
      defaultUnreachableTolerationSeconds: { type: 'integer', minimum: 0, default: DEFAULT_TOLERATION_SECONDS },
    },
  },
  apply(server, options) {
    const notReady = options?.defaultNotReadyTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS;
    const unreachable = options?.defaultUnreachableTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS;
    getApiHooks(server).mutatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.DEFAULT_TOLERATIONS }, async (attrs) => {
      if (attrs.operation !== 'CREATE' || !isCore(attrs, 'pods')) return;
      const spec = podSpecOf(attrs.object);
      if (spec) addDefaultTolerations(spec, notReady, unreachable);
    });
  },
});
