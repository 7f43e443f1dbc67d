/**
 * PriorityClass (scheduling.k8s.io/v1 priorityclasses, cluster-scoped): value (required, immutable,
 * at most 1e9 for user classes), the reserved `system-` names, preemptionPolicy (defaulted,
 * immutable), and at most one globalDefault class, checked against storage on every write.
 */
import { invalidError } from '../../../../core/api/field-errors';
import type { KObject } from '../../../../core/registry/types';
import { getApiHooks, type RegisteredResource } from '../../../../core/registry/registry';
import type { Server } from '../../../../core/server/server';
import { age } from '../../shared/age';
import { forbidden, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { isInteger, validateImmutable } from '../../shared/groups-validation';
import { setDefaultString, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

export const GROUP = 'scheduling.k8s.io';
const PLUGIN_NAME = 'PriorityClass';
export const SYSTEM_PREFIX = 'system-';
/** the highest value a user-defined class may have (HighestUserDefinablePriority) */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** the built-in classes: name -> value (both are not globalDefault) */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = Object.freeze({
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
});
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

function systemClassProblem(name: string, value: unknown, globalDefault: boolean): string | undefined {
  if (!(name in SYSTEM_PRIORITY_CLASSES)) return `${name} is not a known system priority class`;
  if (value !== SYSTEM_PRIORITY_CLASSES[name]) return `value of ${name} PriorityClass must be ${SYSTEM_PRIORITY_CLASSES[name]}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(obj: KObject, errors: FieldError[]): void {
  const o = obj as Json;
  const name = obj.metadata.name ?? '';
  const value = o.value;
  if (value === undefined || value === null) errors.push(required('value'));
  else if (!isInteger(value) || value < -2147483648 || value > 2147483647) errors.push(invalid('value', value, 'must be a 32-bit integer'));
  if (name.startsWith(SYSTEM_PREFIX)) {
    const problem = systemClassProblem(name, value, o.globalDefault === true);
    if (problem) errors.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${problem}`));
  } else if (isInteger(value) && value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errors.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (o.preemptionPolicy !== undefined && o.preemptionPolicy !== null && !PREEMPTION_POLICIES.includes(str(o.preemptionPolicy))) {
    errors.push(notSupported('preemptionPolicy', o.preemptionPolicy, PREEMPTION_POLICIES));
  }
}

/** The other stored class marked globalDefault, if any (read from storage). */
export async function otherGlobalDefault(server: Server, resource: RegisteredResource, name: string): Promise<string | undefined> {
  let cont: string | undefined;
  do {
    const page = await server.storage.list(resource.prefix(), { continue: cont });
    for (const kv of page.items) {
      try {
        const pc = JSON.parse(kv.value) as KObject;
        if ((pc as Json).globalDefault === true && pc.metadata?.name !== name) return pc.metadata.name;
      } catch {
        // not JSON: not ours to judge
      }
    }
    cont = page.continue;
  } while (cont);
  return undefined;
}

export default defineResourcePlugin({
  name: PLUGIN_NAME,
  description: 'scheduling.k8s.io/v1 priorityclasses: value and preemptionPolicy rules, single globalDefault, printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'PriorityClass'),
    names: { plural: 'priorityclasses', singular: 'priorityclass', kind: 'PriorityClass', listKind: 'PriorityClassList', shortNames: ['pc'] },
    namespaced: false,
    generation: 'none',
    printer: {
      columns: [
        NAME_COLUMN,
        column('Value', 'value represents the integer value of this priority class.', 'integer'),
        column('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.', 'boolean'),
        AGE_COLUMN,
        column('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
      ],
      row: (obj: KObject, now: Date) => {
        const o = obj as Json;
        return [obj.metadata.name ?? '', isInteger(o.value) ? o.value : 0, o.globalDefault === true, age(obj, now), str(o.preemptionPolicy)];
      },
    },
  },
  defaults(obj) {
    setDefaultString(obj as Json, 'preemptionPolicy', 'PreemptLowerPriority');
  },
  validate(obj, errors) {
    validatePriorityClass(obj, errors);
  },
  validateUpdate(obj, old, errors) {
    if ((obj as Json).value !== (old as Json).value) errors.push(forbidden('value', 'may not be changed in an update.'));
    validateImmutable(obj, old, 'preemptionPolicy', errors);
  },
  setup(server, resource) {
    // one globalDefault class (Kubernetes' Priority admission plugin); a storage list, so admission
    getApiHooks(server).validatingAdmission.tapPromise(PLUGIN_NAME, async (attrs) => {
      if (attrs.definition !== resource.definition || attrs.subresource !== '' || !server.hasStorage) return;
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      const pc = attrs.object as Json | undefined;
      if (!pc || pc.globalDefault !== true) return;
      const other = await otherGlobalDefault(server, resource, attrs.name);
      if (other !== undefined) {
        throw invalidError('PriorityClass', GROUP, attrs.name, [forbidden('globalDefault', `PriorityClass ${other} is already marked as default. Only one default can exist`)]);
      }
    });
  },
});
