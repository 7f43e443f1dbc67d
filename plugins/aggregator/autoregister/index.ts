/**
 * AutoRegister (area `aggregator`): a Local APIService for every group-version this apiserver
 * serves, as kube-apiserver's autoregister and crdRegistrationController do: `v1.` for the core
 * group, `v1.apps`, `v1.batch`, ... with no `spec.service`, created once the server started (label
 * `kube-aggregator.kubernetes.io/automanaged: onstart`) and kept in sync with the resource
 * registry afterwards (group-versions that appear later, e.g. from CRDs, get one labelled `true`;
 * automanaged ones whose group-version is no longer served are deleted). Their Available
 * condition (True, reason Local) is the Aggregator's availability controller's job.
 */
import { inProcessClient, isStatusReason, type Client } from '../../../core/client';
import { definePlugin } from '../../../core/plugin/define';
import { LifecycleStage } from '../../../hooks/stages';
import { getApiHooks, getResourceRegistry } from '../../../core/registry/registry';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';

const PLUGIN_NAME = 'AutoRegister';
const GVR = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices' };
export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';

/** kube-apiserver's priorities of the built-in group-versions (group minimum, version). */
const PRIORITIES: Record<string, [number, number]> = {
  'v1.': [18000, 1],
  'v1.apiregistration.k8s.io': [18000, 15],
  'v1.apps': [17800, 15],
  'v1.events.k8s.io': [17750, 15],
  'v1.authentication.k8s.io': [17700, 15],
  'v1.authorization.k8s.io': [17600, 15],
  'v1.autoscaling': [17500, 15],
  'v2.autoscaling': [17500, 30],
  'v1.batch': [17400, 15],
  'v1.certificates.k8s.io': [17300, 15],
  'v1.networking.k8s.io': [17200, 15],
  'v1.policy': [17100, 15],
  'v1.rbac.authorization.k8s.io': [17000, 15],
  'v1.storage.k8s.io': [16800, 15],
  'v1.admissionregistration.k8s.io': [16700, 15],
  'v1.apiextensions.k8s.io': [16700, 15],
  'v1.scheduling.k8s.io': [16600, 15],
  'v1.coordination.k8s.io': [16500, 15],
  'v1.node.k8s.io': [16300, 15],
  'v1.discovery.k8s.io': [16200, 15],
  'v1.flowcontrol.apiserver.k8s.io': [16100, 21],
};
/** what crdRegistrationController gives the group-versions of CRDs */
const DEFAULT_PRIORITY: [number, number] = [1000, 100];

/** Every group-version the registry serves, as `<version>.<group>` -> [group, version]. */
function servedGroupVersions(server: Server): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const r of getResourceRegistry(server).all()) {
    for (const v of r.definition.versions) if (v.served) out.set(`${v.name}.${r.definition.group}`, [r.definition.group, v.name]);
  }
  return out;
}

function localAPIService(name: string, group: string, version: string, managed: 'onstart' | 'true'): KObject {
  const [groupPriorityMinimum, versionPriority] = PRIORITIES[name] ?? DEFAULT_PRIORITY;
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name, labels: { [AUTOMANAGED_LABEL]: managed } },
    spec: { group, version, groupPriorityMinimum, versionPriority },
  };
}

class AutoRegistration {
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly client: Client;

  constructor(private readonly server: Server) {
    this.client = inProcessClient(server);
  }

  stop(): void {
    this.stopped = true;
  }

  /** sync now, or once more after the sync in progress */
  schedule(managed: 'onstart' | 'true'): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.sync(managed);
        } while (this.again && !this.stopped);
      } catch (err) {
        this.server.logger.warn({ err }, `${PLUGIN_NAME}: could not sync the local APIServices`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async sync(managed: 'onstart' | 'true'): Promise<void> {
    const wanted = servedGroupVersions(this.server);
    const existing = (await this.client.list(GVR)).items;
    const names = new Set(existing.map((o) => o.metadata.name));
    for (const [name, [group, version]] of wanted) {
      if (this.stopped || names.has(name)) continue;
      try {
        await this.client.create(GVR, localAPIService(name, group, version, managed));
      } catch (err) {
        if (!isStatusReason(err, 'AlreadyExists')) throw err;
      }
    }
    for (const o of existing) {
      const name = o.metadata.name ?? '';
      const spec = (o.spec ?? {}) as Record<string, unknown>;
      if (this.stopped || wanted.has(name) || spec.service || !o.metadata.labels?.[AUTOMANAGED_LABEL]) continue;
      try {
        await this.client.delete(GVR, { name });
      } catch (err) {
        if (!isStatusReason(err, 'NotFound')) throw err;
      }
    }
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'aggregator',
  description: 'Local APIServices (v1., v1.apps, ...) for every group-version served by this apiserver, kept in sync with the resource registry (CRD groups too)',
  dependencies: ['resources/APIService'],
  apply(server) {
    const auto = new AutoRegistration(server);
    let started = false;
    getApiHooks(server).resourcesChanged.tap(PLUGIN_NAME, () => {
      if (started) void auto.schedule('true');
    });
    // at start, once the system namespaces exist, before the server reports started
    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.COMPONENTS }, async () => {
      started = true;
      await auto.schedule('onstart');
    });
    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => auto.stop());
  },
});
