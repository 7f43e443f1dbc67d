/**
 * Authorization: the filter at FilterStage.AUTHORIZATION that asks the authorizer union
 * (`authz.authorize`) whether ctx.user may do what the request asks, and answers 403 Forbidden
 * with Kubernetes' message otherwise. `authorize(server, attrs)` is the same question for others
 * (impersonation, SubjectAccessReview, escalation checks).
 */
import type { AuthorizationAttributes, Decision, UserInfo } from '../../../core/auth/types';
import { failure, type Status } from '../../../core/api/status';
import { definePlugin } from '../../../core/plugin/define';
import type { ApiResponse, RequestContext } from '../../../core/pipeline/types';
import { getResourceRegistry } from '../../../core/registry/registry';
import type { HasHookIndex } from '../../../core/server/hook-index';
import { FilterStage } from '../../../hooks/stages';
import { getAuthzHooks } from './hooks';

export { AuthorizerStage, getAuthzHooks, type NonResourceRule, type ResourceRule, type RulesQuery } from './hooks';

const PLUGIN_NAME = 'Authorization';

/** Who a request without a user is (authentication leaves anonymous requests without one or sets this). */
export const ANONYMOUS_USER: Readonly<UserInfo> = Object.freeze({ username: 'system:anonymous', groups: ['system:unauthenticated'] });

/** The union's answer: the first authorizer with an opinion, or a denial when none has one. */
export async function authorize(server: HasHookIndex, attrs: AuthorizationAttributes): Promise<Decision> {
  const decision = await getAuthzHooks(server).authorize.promise(attrs);
  if (decision && (decision.allowed || decision.denied)) return decision;
  return { allowed: false, reason: decision?.reason ?? '' };
}

/** Kubernetes' authorizer.Attributes of a request. */
export function attributesFor(ctx: RequestContext): AuthorizationAttributes {
  const info = ctx.requestInfo;
  const user = ctx.user ?? ANONYMOUS_USER;
  return {
    user,
    verb: info.verb,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
    path: info.path,
    isResourceRequest: info.isResourceRequest,
  };
}

/** `User "bob" cannot get resource "pods" in API group "" in the namespace "ns1"` (responsewriters' forbiddenMessage). */
export function forbiddenMessage(attrs: AuthorizationAttributes): string {
  const who = JSON.stringify(attrs.user.username);
  if (!attrs.isResourceRequest) return `User ${who} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
  return `User ${who} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${where}`;
}

/** The 403 Forbidden Status for a denied request (apierrors.NewForbidden). */
export function forbiddenStatus(attrs: AuthorizationAttributes, reason: string): Status {
  let message = forbiddenMessage(attrs);
  if (reason) message += `: ${reason}`;
  if (!attrs.isResourceRequest) return failure('Forbidden', `forbidden: ${message}`, {});
  const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  const head = attrs.name ? `${qualified} ${JSON.stringify(attrs.name)}` : qualified;
  return failure('Forbidden', `${head} is forbidden: ${message}`, { name: attrs.name || undefined, group: attrs.apiGroup, kind: attrs.resource });
}

/**
 * CVE-2019-11247: the scope comes from the registered resource, never from the URL shape. A
 * cluster-scoped resource reached through a namespaced path is 404 (as kube-apiserver answers)
 * before any namespaced RoleBinding could be consulted. The namespace object itself
 * (/api/v1/namespaces/x[/status|/finalize]) is the one cluster-scoped resource with a namespace.
 */
function clusterScopedThroughNamespace(server: HasHookIndex, ctx: RequestContext): boolean {
  const info = ctx.requestInfo;
  if (!info.isResourceRequest || !info.namespace) return false;
  const resource = getResourceRegistry(server).get(info.apiGroup, info.resource);
  if (!resource || resource.definition.namespaced) return false;
  return !(info.apiGroup === '' && info.resource === 'namespaces' && info.name === info.namespace);
}

function respond(status: Status): ApiResponse {
  return { status: status.code, body: status };
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authz',
  description: 'Authorization filter: asks the authorizer union (authz.authorize) and answers 403 Forbidden; 404 for cluster-scoped resources behind namespaced paths',
  apply(server) {
    getAuthzHooks(server);
    server.hooks.filter.tapPromise({ name: PLUGIN_NAME, stage: FilterStage.AUTHORIZATION }, async (ctx) => {
      if (clusterScopedThroughNamespace(server, ctx)) return respond(failure('NotFound', 'the server could not find the requested resource'));
      const attrs = attributesFor(ctx);
      const decision = await authorize(server, attrs);
      if (decision.allowed) return undefined;
      return respond(forbiddenStatus(attrs, decision.reason));
    });
  },
});
