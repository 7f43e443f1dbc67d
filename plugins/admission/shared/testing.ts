/**
 * Test support for the admission plugins (not a test): a started Server on the memory storage with
 * the core/v1 resources admission works on, the system namespaces, and the given admission plugins.
 */
import type { PluginDefinition } from '../../../core/plugin/define';
import type { Server } from '../../../core/server/server';
import { api, startWithPlugins, type Api, type Obj } from '../../resources/shared/groups-testing';
import ConfigMap from '../../resources/core/configmaps';
import LimitRange from '../../resources/core/limitranges';
import Namespace from '../../resources/core/namespaces';
import PersistentVolumeClaim from '../../resources/core/persistentvolumeclaims';
import Pod from '../../resources/core/pods';
import ResourceQuota from '../../resources/core/resourcequotas';
import Secret from '../../resources/core/secrets';
import ServiceAccount from '../../resources/core/serviceaccounts';
import Service from '../../resources/core/services';
import SystemNamespaces from '../../resources/system-namespaces';
import Deployment from '../../resources/apps/deployments';

export { api, type Api, type Obj };

export const CORE_RESOURCES: readonly PluginDefinition<any>[] = [Namespace, Pod, Service, ConfigMap, Secret, ServiceAccount, LimitRange, ResourceQuota, PersistentVolumeClaim, Deployment, SystemNamespaces];

/** A started server with the core resources and `admission` (with options by plugin name). */
export async function startAdmission(admission: readonly PluginDefinition<any>[], options: Record<string, unknown> = {}): Promise<Server> {
  return startWithPlugins([...CORE_RESOURCES, ...admission], { SystemNamespaces: { port: 6443, advertiseAddress: '127.0.0.1' }, ...options });
}

export function pod(name: string, spec: Obj = {}, metadata: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
}

export async function createNamespace(a: Api, name: string, labels: Record<string, string> = {}): Promise<Obj> {
  return a.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}
