/**
 * SystemMasters: the privileged group `system:masters` may do anything (kube-apiserver's
 * privileged-groups authorizer, first in the union); its rules are `*` on everything.
 */
import { definePlugin } from '../../../core/plugin/define';
import { AuthorizerStage, getAuthzHooks } from '../authorization';

const PLUGIN_NAME = 'SystemMasters';
export const SYSTEM_MASTERS = 'system:masters';

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authz',
  description: 'Allows everything to members of system:masters (first authorizer)',
  dependencies: ['authz/Authorization'],
  apply(server) {
    const hooks = getAuthzHooks(server);
    hooks.authorize.tap({ name: PLUGIN_NAME, stage: AuthorizerStage.SYSTEM_MASTERS }, (attrs) =>
      attrs.user.groups.includes(SYSTEM_MASTERS) ? { allowed: true, reason: '' } : undefined,
    );
    hooks.rules.tapPromise({ name: PLUGIN_NAME, stage: AuthorizerStage.SYSTEM_MASTERS }, async (query) => {
      if (!query.user.groups.includes(SYSTEM_MASTERS)) return;
      query.resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
      query.nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
    });
  },
});
