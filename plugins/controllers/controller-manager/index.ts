/**
 * ControllerManager (area `controllers`): the kube-controller-manager component. Owns the client
 * (in-process, or HTTPS with `kubeconfig`), leader election on the Lease
 * kube-system/kube-controller-manager, and the informer factory; starts every controller plugin
 * registered with `defineController` when it leads (postStart) and stops them on shutdown.
 */
import { CONTROLLER_MANAGER_USER, getControllerHooks, httpClient, inProcessClient, leaderElectionOptionsSchema } from '../../../core/client';
import { definePlugin } from '../../../core/plugin/define';
import type { Server } from '../../../core/server/server';
import { ControllerManager, type ControllerManagerOptions } from './manager';

export const PLUGIN_NAME = 'ControllerManager';
export { ControllerManager, type ControllerManagerOptions };

const managers = new WeakMap<Server, ControllerManager>();

/** The server's controller-manager (after postStart), for tests and tools. */
export function getControllerManager(server: Server): ControllerManager | undefined {
  return managers.get(server);
}

export default definePlugin<ControllerManagerOptions>({
  name: PLUGIN_NAME,
  area: 'controllers',
  description: 'kube-controller-manager: client, shared informers, leader election (Lease), runs every controller plugin',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      kubeconfig: { type: 'string', minLength: 1 },
      user: { type: 'string', minLength: 1 },
      resyncSeconds: { type: 'number', minimum: 0, default: 0 },
      defaultWorkers: { type: 'integer', minimum: 1, default: 1 },
      leaderElection: leaderElectionOptionsSchema('kube-controller-manager'),
    },
  },
  apply(server, options) {
    getControllerHooks(server);
    server.hooks.postStart.tapPromise(PLUGIN_NAME, async () => {
      const client = options.kubeconfig
        ? httpClient(options.kubeconfig)
        : inProcessClient(server, options.user === 'loopback' ? undefined : { username: options.user ?? CONTROLLER_MANAGER_USER.username, groups: ['system:authenticated'] });
      const manager = new ControllerManager(server, client, options);
      managers.set(server, manager);
      manager.start();
    });
    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => {
      const manager = managers.get(server);
      if (!manager) return;
      await manager.stop();
      manager.client.close();
    });
  },
});
