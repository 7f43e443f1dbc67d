/**
 * ResourceQuota: a create or update in a namespace with ResourceQuotas is charged against each
 * quota that selects it; going over `spec.hard` is 403 Forbidden `exceeded quota: <name>,
 * requested: ..., used: ..., limited: ...`, and a pod that leaves a tracked compute resource unset
 * is 403 `failed quota: <name>: must specify ...`. The quota controller (started at postStart)
 * keeps status.hard/status.used current from a storage watch plus a periodic resync, writing
 * through PUT .../resourcequotas/<name>/status.
 */
import { AdmissionStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks } from '../../../core/registry/registry';
import type { AdmissionAttributes } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { parseQuantity } from '../../resources/shared/quantity';
import { forbidden, isRecord, listObjects, recs, type Json } from '../shared/admission';
import { QuotaController } from './controller';
import { add, formatList, quotaMatches, usageOf, type Usage } from './usage';

const PLUGIN_NAME = 'ResourceQuota';
const COMPUTE = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'cpu', 'memory'];

export interface ResourceQuotaOptions {
  /** full resync of every quota's status (seconds) */
  resyncPeriodSeconds?: number;
}

/** The resources whose objects a hard resource name counts. */
export function resourcesCounted(name: string): Array<{ group: string; resource: string }> {
  if (name.startsWith('count/')) {
    const gr = name.slice('count/'.length);
    const dot = gr.indexOf('.');
    return [dot < 0 ? { group: '', resource: gr } : { group: gr.slice(dot + 1), resource: gr.slice(0, dot) }];
  }
  if (name === 'requests.storage' || name.includes('.storageclass.storage.k8s.io/') || name === 'persistentvolumeclaims') return [{ group: '', resource: 'persistentvolumeclaims' }];
  if (name === 'pods' || COMPUTE.includes(name) || name.startsWith('requests.') || name.startsWith('limits.') || name === 'ephemeral-storage') return [{ group: '', resource: 'pods' }];
  if (name.startsWith('services')) return [{ group: '', resource: 'services' }];
  return [{ group: '', resource: name }];
}

/** Current usage of a quota's hard resources in its namespace, from a consistent list. */
export async function computeUsed(server: Server, namespace: string, quota: Json): Promise<Usage> {
  const hard = isRecord(quota.spec) && isRecord(quota.spec.hard) ? quota.spec.hard : {};
  const seen = new Set<string>();
  let used: Usage = {};
  for (const name of Object.keys(hard)) {
    for (const { group, resource } of resourcesCounted(name)) {
      const key = `${group}/${resource}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const obj of await listObjects(server, group, resource, namespace)) {
        if (obj.metadata.deletionTimestamp && resource === 'pods') continue;
        if (quotaMatches(quota, resource, group, obj as Json)) used = add(used, usageOf(group, resource, obj as Json));
      }
    }
  }
  const out: Usage = {};
  for (const name of Object.keys(hard)) out[name] = used[name] ?? 0;
  return out;
}

function missingCompute(hard: Json, spec: Json): string[] {
  const out: string[] = [];
  for (const name of COMPUTE) {
    if (hard[name] === undefined) continue;
    const [which, res] = name.includes('.') ? name.split('.') : ['requests', name];
    const missing = [...recs(spec.initContainers), ...recs(spec.containers)].filter((c) => {
      const r = isRecord(c.resources) && isRecord(c.resources[which]) ? c.resources[which] : {};
      return r[res] === undefined;
    });
    if (missing.length) out.push(`${name} for: ${missing.map((c) => String(c.name)).join(',')}`);
  }
  return out;
}

async function validate(server: Server, controller: QuotaController, attrs: AdmissionAttributes): Promise<void> {
  if ((attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') || attrs.subresource !== '' || !attrs.object || !attrs.namespace || !attrs.definition.namespaced) return;
  const quotas = (await listObjects(server, '', 'resourcequotas', attrs.namespace)) as Json[];
  if (!quotas.length) return;
  const { group, resource } = attrs.resource;
  let delta = usageOf(group, resource, attrs.object as Json);
  if (attrs.operation === 'UPDATE') {
    // only growth is charged on updates; an object is counted once
    delta = add(delta, attrs.oldObject ? usageOf(group, resource, attrs.oldObject as Json) : {}, -1);
  }
  let charged = false;
  for (const quota of quotas) {
    if (!quotaMatches(quota, resource, group, attrs.object as Json)) continue;
    const hard: Json = isRecord(quota.spec) && isRecord(quota.spec.hard) ? quota.spec.hard : {};
    const name = String(quota.metadata?.name ?? '');
    if (group === '' && resource === 'pods' && attrs.operation === 'CREATE' && isRecord(attrs.object.spec)) {
      const missing = missingCompute(hard, attrs.object.spec);
      if (missing.length) throw forbidden(attrs, `failed quota: ${name}: must specify ${missing.join('; ')}`);
    }
    const touched = Object.keys(hard).filter((k) => (delta[k] ?? 0) > 0);
    if (!touched.length) continue;
    charged = true;
    const used = await computeUsed(server, attrs.namespace, quota);
    const over = touched.filter((k) => (used[k] ?? 0) + (delta[k] ?? 0) > (parseQuantity(hard[k]) ?? 0) + 1e-9);
    if (over.length) {
      const limited: Usage = {};
      for (const k of over) limited[k] = parseQuantity(hard[k]) ?? 0;
      throw forbidden(attrs, `exceeded quota: ${name}, requested: ${formatList(over, delta)}, used: ${formatList(over, used)}, limited: ${formatList(over, limited)}`);
    }
  }
  if (charged && !attrs.dryRun) controller.kick(attrs.namespace);
}

export default definePlugin<ResourceQuotaOptions>({
  name: PLUGIN_NAME,
  area: 'admission',
  description: 'usage against every ResourceQuota of the namespace (403 exceeded quota); a controller keeps status.used',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { resyncPeriodSeconds: { type: 'number', minimum: 0.05, default: 30 } },
  },
  apply(server, options) {
    const controller = new QuotaController(server, (ns, quota) => computeUsed(server, ns, quota), (options?.resyncPeriodSeconds ?? 30) * 1000);
    getApiHooks(server).validatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.RESOURCE_QUOTA }, (attrs) => validate(server, controller, attrs));
    // the controller starts in the background: readiness does not wait for the first recount
    server.hooks.postStart.tapPromise(PLUGIN_NAME, async () => {
      void controller.start().catch((err: unknown) => server.logger.warn({ err }, 'quota controller did not start'));
    });
    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => controller.stop());
  },
});
