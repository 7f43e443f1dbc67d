/**
 * Priority: resolves a new pod's `spec.priorityClassName` to `spec.priority` and
 * `spec.preemptionPolicy` (the globalDefault PriorityClass, else 0, when no name is given; the
 * built-in system-node-critical and system-cluster-critical classes always exist), and refuses
 * unknown classes and pods that set a priority the class does not give, as kube-apiserver's
 * Priority admission plugin does.
 */
import { AdmissionStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks } from '../../../core/registry/registry';
import type { Server } from '../../../core/server/server';
import { forbidden, isCore, listObjects, podSpecOf, readObject, type Json } from '../shared/admission';

const PLUGIN_NAME = 'Priority';

/** Built-in classes (scheduling.k8s.io SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = Object.freeze({
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
});

interface Resolved {
  name: string;
  value: number;
  preemptionPolicy: string;
}

async function resolveClass(server: Server, name: string): Promise<Resolved | undefined | 'missing'> {
  if (name) {
    const cls = (await readObject(server, 'scheduling.k8s.io', 'priorityclasses', '', name)) as Json | undefined;
    if (cls) return { name, value: Number(cls.value ?? 0), preemptionPolicy: String(cls.preemptionPolicy ?? 'PreemptLowerPriority') };
    if (name in SYSTEM_PRIORITY_CLASSES) return { name, value: SYSTEM_PRIORITY_CLASSES[name], preemptionPolicy: 'PreemptLowerPriority' };
    return 'missing';
  }
  const all = (await listObjects(server, 'scheduling.k8s.io', 'priorityclasses', '')) as Json[];
  const def = all.filter((c) => c.globalDefault === true).sort((a, b) => Number(a.value ?? 0) - Number(b.value ?? 0))[0];
  if (!def) return undefined;
  return { name: String(def.metadata?.name ?? ''), value: Number(def.value ?? 0), preemptionPolicy: String(def.preemptionPolicy ?? 'PreemptLowerPriority') };
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'admission',
  description: 'pod priority from its PriorityClass (spec.priority, spec.preemptionPolicy)',
  apply(server) {
    getApiHooks(server).mutatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.PRIORITY }, async (attrs) => {
      if (attrs.operation !== 'CREATE' || !isCore(attrs, 'pods')) return;
      const spec = podSpecOf(attrs.object);
      if (!spec) return;
      const name = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
      const cls = await resolveClass(server, name);
      if (cls === 'missing') throw forbidden(attrs, `no PriorityClass with name ${name} was found`);
      const value = cls?.value ?? 0;
      if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value) {
        throw forbidden(attrs, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
      }
      spec.priority = value;
      if (cls) {
        spec.priorityClassName = cls.name;
        if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = cls.preemptionPolicy;
      } else if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = 'PreemptLowerPriority';
    });
  },
});
