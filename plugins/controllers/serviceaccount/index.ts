/**
 * ServiceAccount controller (kube-controller-manager's serviceaccount-controller): every active
 * namespace has the ServiceAccounts named in `serviceAccounts` (default: `default`); a missing one
 * is created, a deleted one is recreated.
 */
import { defineController, gvr, isStatusReason, splitKey } from '../../../core/client';
import type { KObject as KObjectLike } from '../../../core/registry/types';

export const PLUGIN_NAME = 'ServiceAccount';
const NAMESPACES = gvr('v1', 'namespaces');
const SERVICE_ACCOUNTS = gvr('v1', 'serviceaccounts');

export interface ServiceAccountControllerOptions {
  serviceAccounts?: string[];
}

export default defineController<ServiceAccountControllerOptions>({
  name: PLUGIN_NAME,
  description: 'a `default` ServiceAccount in every namespace (created if missing, recreated if deleted)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { serviceAccounts: { type: 'array', items: { type: 'string', minLength: 1 }, default: ['default'] } },
  },
  workers: 2,
  setup(ctx, options) {
    const names = options.serviceAccounts ?? ['default'];
    const namespaces = ctx.informers.informerFor<KObjectLike>(NAMESPACES);
    const accounts = ctx.informers.informerFor<KObjectLike>(SERVICE_ACCOUNTS);
    const enqueueNs = (ns: KObjectLike) => ctx.enqueue(ns.metadata.name ?? '');
    namespaces.addEventHandler({ add: enqueueNs, update: (_, ns) => enqueueNs(ns) });
    accounts.addEventHandler({
      delete: (sa) => {
        if (names.includes(sa.metadata.name ?? '') && sa.metadata.namespace) ctx.enqueue(sa.metadata.namespace);
      },
    });
    return {
      async reconcile(key) {
        const { name: nsName } = splitKey(key);
        const ns = namespaces.get(nsName);
        if (!ns || ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') return;
        for (const name of names) {
          if (accounts.get(`${nsName}/${name}`)) continue;
          try {
            await ctx.client.create(SERVICE_ACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: nsName } });
          } catch (err) {
            // exists already (cache lag), or the namespace is going away
            if (isStatusReason(err, 'AlreadyExists') || isStatusReason(err, 'NotFound') || isStatusReason(err, 'Forbidden')) continue;
            throw err;
          }
        }
      },
    };
  },
});
