/**
 * NamespaceLifecycle: nothing is created in a namespace that does not exist (404 NotFound) or is
 * being terminated (403 Forbidden, cause NamespaceTerminating), and the immortal namespaces
 * (default, kube-system, kube-public) cannot be deleted (403 Forbidden).
 */
import { AdmissionStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { statusError } from '../../../core/api/status';
import { getApiHooks } from '../../../core/registry/registry';
import type { AdmissionAttributes } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { forbidden, isRecord, readObject, storeOf } from '../shared/admission';

const PLUGIN_NAME = 'NamespaceLifecycle';
export const DEFAULT_IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/** Resources that only review access and are never stored: allowed in terminating namespaces too. */
const ACCESS_REVIEWS = new Set(['localsubjectaccessreviews.authorization.k8s.io', 'subjectaccessreviews.authorization.k8s.io', 'selfsubjectaccessreviews.authorization.k8s.io', 'tokenreviews.authentication.k8s.io', 'selfsubjectrulesreviews.authorization.k8s.io']);

export interface NamespaceLifecycleOptions {
  immortalNamespaces?: string[];
}

async function admitCreate(server: Server, attrs: AdmissionAttributes): Promise<void> {
  if (attrs.operation !== 'CREATE' || !attrs.definition.namespaced || !attrs.namespace) return;
  if (ACCESS_REVIEWS.has(`${attrs.resource.resource}.${attrs.resource.group}`)) return;
  if (!storeOf(server, '', 'namespaces')) return;
  const ns = await readObject(server, '', 'namespaces', '', attrs.namespace);
  if (!ns) throw statusError('NotFound', `namespaces "${attrs.namespace}" not found`, { name: attrs.namespace, kind: 'namespaces' });
  const phase = isRecord(ns.status) ? ns.status.phase : undefined;
  if (ns.metadata.deletionTimestamp || phase === 'Terminating') {
    const message = `unable to create new content in namespace ${attrs.namespace} because it is being terminated`;
    throw forbidden(attrs, message, [{ reason: 'NamespaceTerminating', message, field: 'metadata.namespace' }]);
  }
}

export default definePlugin<NamespaceLifecycleOptions>({
  name: PLUGIN_NAME,
  area: 'admission',
  description: 'no creates in missing or terminating namespaces; immortal namespaces cannot be deleted',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { immortalNamespaces: { type: 'array', items: { type: 'string' }, default: DEFAULT_IMMORTAL_NAMESPACES } },
  },
  apply(server, options) {
    const immortal = new Set(options?.immortalNamespaces ?? DEFAULT_IMMORTAL_NAMESPACES);
    const api = getApiHooks(server);
    api.mutatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.NAMESPACE_LIFECYCLE }, (attrs) => admitCreate(server, attrs));
    api.validatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.NAMESPACE_LIFECYCLE }, async (attrs) => {
      if (attrs.operation === 'DELETE' && attrs.resource.group === '' && attrs.resource.resource === 'namespaces' && attrs.subresource === '' && immortal.has(attrs.name)) {
        throw forbidden(attrs, 'this namespace may not be deleted');
      }
    });
  },
});
