/**
 * RBAC: the Role/ClusterRole/RoleBinding/ClusterRoleBinding authorizer. Reads the RBAC objects from
 * an in-memory cache fed by the storage watch (started at initialize), answers `authz.authorize`
 * and `authz.rules`, runs the clusterrole-aggregation controller and refuses escalations in
 * validating admission. Aggregated rules are written through the generic store as the loopback
 * identity (internal-write.ts), not as requests.
 */
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks, getResourceRegistry } from '../../../core/registry/registry';
import type { Server } from '../../../core/server/server';
import { LifecycleStage } from '../../../hooks/stages';
import { AuthorizerStage, getAuthzHooks } from '../authorization';
import { setClusterRoleRules } from '../internal-write';
import { AggregationController } from './aggregation';
import { RBAC_KINDS, RbacCache, type RbacKind } from './cache';
import { escalationCheck, RBAC_GROUP } from './escalation';
import { rbacDecision, rulesFor } from './resolver';

const PLUGIN_NAME = 'RBAC';

interface RbacState {
  cache: RbacCache;
  controller: AggregationController;
  started: boolean;
}

const states = new WeakMap<Server, RbacState>();

/** Resolves once RBAC's cache holds what storage holds and the aggregation controller is idle (no-op without RBAC). */
export async function rbacSynced(server: Server): Promise<void> {
  const state = states.get(server);
  if (!state?.started) return;
  for (let i = 0; i < 3; i++) {
    await state.cache.caughtUp();
    await state.controller.idle();
  }
  await state.cache.caughtUp();
}

function prefixes(server: Server): Record<RbacKind, string> {
  const registry = getResourceRegistry(server);
  const out = {} as Record<RbacKind, string>;
  for (const kind of RBAC_KINDS) out[kind] = registry.get(RBAC_GROUP, kind)?.prefix() ?? `/registry/${RBAC_GROUP}/${kind}/`;
  return out;
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authz',
  description: 'RBAC authorizer (roles and bindings from an in-memory cache fed by the storage watch), clusterrole aggregation, escalation prevention',
  dependencies: ['authz/Authorization'],
  apply(server) {
    let state: RbacState | undefined;
    const hooks = getAuthzHooks(server);

    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.REGISTRY + 10 }, async () => {
      const cache = new RbacCache(prefixes(server));
      const controller = new AggregationController(
        cache,
        (name, rules) => setClusterRoleRules(server, name, rules),
        (err) => server.logger.warn({ err }, 'clusterrole aggregation failed'),
      );
      state = { cache, controller, started: false };
      states.set(server, state);
      cache.onChange((kind) => {
        if (kind === 'clusterroles') controller.enqueue();
      });
      await cache.start(server.storage);
      state.started = true;
    });

    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => {
      state?.controller.stop();
    });
    server.hooks.shutdown.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      state?.controller.stop();
      state?.cache.stop();
    });

    hooks.authorize.tap({ name: PLUGIN_NAME, stage: AuthorizerStage.RBAC }, (attrs) => (state?.started ? rbacDecision(state.cache, attrs) : undefined));

    hooks.rules.tapPromise({ name: PLUGIN_NAME, stage: AuthorizerStage.RBAC }, async (query) => {
      if (!state?.started) {
        query.incomplete = true;
        return;
      }
      const errors: string[] = [];
      for (const rule of rulesFor(state.cache, query.user, query.namespace, errors)) {
        if (rule.nonResourceURLs) query.nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
        else query.resourceRules.push({ verbs: rule.verbs, apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [], ...(rule.resourceNames ? { resourceNames: rule.resourceNames } : {}) });
      }
      if (errors.length > 0) {
        query.incomplete = true;
        query.evaluationErrors.push(...errors);
      }
    });

    const check = escalationCheck(server, () => (state?.started ? state.cache : undefined));
    getApiHooks(server).validatingAdmission.tapPromise(PLUGIN_NAME, check);
  },
});
