/**
 * core/client — the API every component and controller builds on.
 *
 * - `Client`: a dynamic client for any GVR (get/list/create/update/updateStatus/patch/delete/watch),
 *   over two transports that both run the apiserver's full pipeline (authn, authz, admission):
 *   `inProcessClient(server, user?)` (server.inject) and `httpClient(kubeconfigPath)` (HTTPS with the
 *   kubeconfig's client certificate/token and CA, keep-alive agent, chunked watch parsing).
 *   Errors are `StatusError` carrying the server's Status: assert on `err.reason` / `err.code`.
 * - `SharedInformerFactory` / `SharedInformer`: list+watch caches with relist on 410, resync,
 *   indexers (namespace, controller uid, owner uid) and add/update/delete handlers.
 * - `RateLimitingQueue`: dedup while queued and while processing, per-item exponential backoff.
 * - `LeaderElector`: a coordination.k8s.io/v1 Lease fenced by resourceVersion.
 * - `defineController({ name, setup })`: a controller plugin (area `controllers`) run by the
 *   controller-manager component (`ControllerManager` plugin) when it leads; its hooks are
 *   `getControllerHooks(server)`: `controllers.reconcile` (observe / veto with 'skip'),
 *   `controllers.reconciled`, `controllers.started`, `controllers.leaderChanged`.
 *
 * A controller in three steps:
 * ```ts
 * export default defineController({
 *   name: 'ReplicaSet',
 *   workers: 5,
 *   setup(ctx) {
 *     const rs = ctx.informers.informerFor(gvr('apps/v1', 'replicasets'));
 *     rs.addEventHandler({ add: (o) => ctx.enqueue(o), update: (_, o) => ctx.enqueue(o), delete: (o) => ctx.enqueue(o) });
 *     return { async reconcile(key) { const obj = rs.get(key); ... } };
 *   },
 * });
 * ```
 */
export type {
  Client,
  DeleteOptions,
  GVR,
  ListOptions,
  ObjectList,
  ObjectRef,
  PatchOptions,
  PatchType,
  RawRequest,
  RawResponse,
  Transport,
  WatchEvent,
  WatchEventType,
  WatchOptions,
  WatchStream,
  WriteOptions,
} from './types';
export { DynamicClient, groupVersionPath, isStatus, isStatusReason, resourcePath, responseError } from './client';
export { CONTROLLER_MANAGER_USER, httpClient, httpTransport, inProcessClient, inProcessTransport, loadKubeconfig, type KubeconfigConnection } from './transports';
export {
  CONTROLLER_UID_INDEX,
  NAMESPACE_INDEX,
  OWNER_UID_INDEX,
  SharedInformer,
  type ClientLogger,
  type EventHandler,
  type IndexFunc,
  type InformerOptions,
  type Lister,
} from './informer';
export { SharedInformerFactory, type SharedInformerFactoryOptions } from './informer-factory';
export { controllerRefOf, keyOf, splitKey } from './object-keys';
export { RateLimitingQueue, type RateLimitingQueueOptions } from './workqueue';
export { LEASE_GVR, LeaderElector, candidateIdentity, electLeader, fencedTransport, leaderElectionOptionsSchema, type LeaderElectionConfig, type LeaderElectionOptions } from './leaderelection';
export {
  CONTROLLER_MANAGER_PLUGIN,
  defineController,
  getControllerHooks,
  registerController,
  registeredControllers,
  type ControllerContext,
  type ControllerRuntime,
  type ControllerSpec,
  type ReconcileContext,
  type ReconcileResult,
  type RegisteredController,
} from './controller';
export { StatusError, type Status, type StatusReason } from '../api/status';

import type { GVR } from './types';

/** `gvr('apps/v1', 'replicasets')`, `gvr('v1', 'pods')`. */
export function gvr(apiVersion: string, resource: string): GVR {
  const i = apiVersion.indexOf('/');
  return Object.freeze(i < 0 ? { group: '', version: apiVersion, resource } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1), resource });
}
export { discoverResources, groupOf, type DiscoveredResource } from './discovery';
