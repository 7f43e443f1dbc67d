/**
 * Scheduler (area `scheduler`): the kube-scheduler component. Owns the `scheduler.*` hooks, the
 * client (in-process as system:kube-scheduler, or HTTPS with `kubeconfig`), leader election on the
 * Lease kube-system/kube-scheduler, and the runtime (cache, queue, profiles from the top-level
 * `scheduler:` section, built from the framework plugins registered by defineSchedulerPlugin).
 */
import { httpClient, inProcessClient, leaderElectionOptionsSchema } from '../../../core/client';
import type { SchedulerConfiguration } from '../../../core/config/scheduler';
import { definePlugin } from '../../../core/plugin/define';
import type { Server } from '../../../core/server/server';
import { registeredSchedulerPlugins, SCHEDULER_AREA, SCHEDULER_PLUGIN } from '../shared/define';
import type { ResolvedProfile } from '../shared/framework';
import { getSchedulerHooks } from '../shared/hooks';
import { resolveProfiles } from '../shared/profile';
import { Scheduler, type SchedulerOptions } from './runtime';

export const PLUGIN_NAME = SCHEDULER_PLUGIN;
export const SCHEDULER_USER = Object.freeze({ username: 'system:kube-scheduler', groups: ['system:authenticated'] });
export { Scheduler, type SchedulerOptions };

const schedulers = new WeakMap<Server, Scheduler>();
const profilesOf = new WeakMap<Server, ResolvedProfile[]>();

/** The server's scheduler (after postStart), for tests and tools. */
export function getScheduler(server: Server): Scheduler | undefined {
  return schedulers.get(server);
}

/** The resolved profiles (after afterPlugins). */
export function getProfiles(server: Server): readonly ResolvedProfile[] | undefined {
  return profilesOf.get(server);
}

export default definePlugin<SchedulerOptions>({
  name: PLUGIN_NAME,
  area: SCHEDULER_AREA,
  description: 'kube-scheduler: scheduling queue, cache, profiles of framework plugins (scheduler.* hooks), leader election (Lease), binding',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      kubeconfig: { type: 'string', minLength: 1 },
      user: { type: 'string', minLength: 1 },
      bindConcurrency: { type: 'integer', minimum: 1, default: 64 },
      leaderElection: leaderElectionOptionsSchema('kube-scheduler'),
    },
  },
  apply(server, options) {
    getSchedulerHooks(server);
    const config = server.config.scheduler as SchedulerConfiguration | undefined;
    server.hooks.afterPlugins.tap(PLUGIN_NAME, () => {
      // profiles are checked before anything opens: a bad profile is a startup error naming its path
      profilesOf.set(server, resolveProfiles(config, registeredSchedulerPlugins(server), String(server.config.configFile ?? 'configuration')));
    });
    server.hooks.postStart.tapPromise(PLUGIN_NAME, async () => {
      const client = options.kubeconfig
        ? httpClient(options.kubeconfig)
        : inProcessClient(server, options.user === 'loopback' ? undefined : { username: options.user ?? SCHEDULER_USER.username, groups: [...SCHEDULER_USER.groups] });
      const scheduler = new Scheduler(server, client, options, config ?? { percentageOfNodesToScore: 0, podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10, profiles: [] }, profilesOf.get(server) ?? []);
      schedulers.set(server, scheduler);
      scheduler.start();
    });
    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => {
      const s = schedulers.get(server);
      if (!s) return;
      await s.stop();
      s.client.close();
    });
  },
});
