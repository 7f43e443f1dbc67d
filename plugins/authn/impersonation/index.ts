/**
 * Impersonation at FilterStage.IMPERSONATION: `Impersonate-User`, `Impersonate-Group` (repeated),
 * `Impersonate-Uid` and `Impersonate-Extra-<key>` headers (`kubectl --as`, `--as-group`,
 * `--as-uid`) replace ctx.user, once the caller may `impersonate` each of them (users, groups,
 * serviceaccounts, uids, userextras/<key>). Forbidden → 403; groups/uid/extra without a user → 400.
 */
import { failure, type Status } from '../../../core/api/status';
import type { AuthorizationAttributes } from '../../../core/auth/types';
import type { RequestContext, UserInfo } from '../../../core/pipeline/types';
import { definePlugin } from '../../../core/plugin/define';
import { FilterStage } from '../../../hooks/stages';
import { ANONYMOUS_USER, parseServiceAccountUsername, serviceAccountGroups, SYSTEM_AUTHENTICATED, SYSTEM_UNAUTHENTICATED } from '../authentication/hooks';
import { authorize } from './authorize';

const PLUGIN_NAME = 'Impersonation';

/** ctx.state key: the user who sent the Impersonate-* headers (audit's impersonatedUser is ctx.user) */
export const IMPERSONATOR = 'authn.impersonator';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHN_GROUP = 'authentication.k8s.io';

/** Header values: repeated headers arrive joined by ', ' (node), or as an array. */
function values(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

function unescapeKey(k: string): string {
  try {
    return decodeURIComponent(k).toLowerCase();
  } catch {
    return k.toLowerCase();
  }
}

interface Requested {
  username?: string;
  groups: string[];
  uid?: string;
  extra: Record<string, string[]>;
}

/** Does any header name start with `impersonate-` (any case)? Most requests have none. */
function hasImpersonationHeader(h: RequestContext['headers']): boolean {
  for (const name of Object.keys(h)) if (name.length > 11 && name.toLowerCase().startsWith('impersonate-')) return true;
  return false;
}

function requested(ctx: RequestContext): Requested | undefined {
  const h = ctx.headers;
  if (!hasImpersonationHeader(h)) return undefined;
  const user = values(h[USER])[0];
  const groups = values(h[GROUP]);
  const uid = values(h[UID])[0];
  const extra: Record<string, string[]> = {};
  for (const [name, v] of Object.entries(h)) {
    if (name.toLowerCase().startsWith(EXTRA_PREFIX)) extra[unescapeKey(name.slice(EXTRA_PREFIX.length))] = values(v as string | string[]);
  }
  if (user === undefined && groups.length === 0 && uid === undefined && Object.keys(extra).length === 0) return undefined;
  return { username: user, groups, uid, extra };
}

function respond(status: Status) {
  return { status: status.code, body: status };
}

function forbidden(a: AuthorizationAttributes, by: UserInfo, reason: string): Status {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = reason ? `: ${reason}` : '';
  return failure('Forbidden', `${a.resource} "${a.name}" is forbidden: User "${by.username}" cannot impersonate resource "${resource}" in API group "${a.apiGroup}" ${scope}${why}`, {
    name: a.name,
    group: a.apiGroup,
    kind: a.resource,
  });
}

/** The checks Kubernetes makes, one per impersonated attribute. */
function checks(by: UserInfo, req: Requested & { username: string }, ctx: RequestContext): AuthorizationAttributes[] {
  const base = { user: by, verb: 'impersonate', subresource: '', namespace: '', path: ctx.path, isResourceRequest: true };
  const out: AuthorizationAttributes[] = [];
  const sa = parseServiceAccountUsername(req.username);
  if (sa) out.push({ ...base, apiGroup: '', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name });
  else out.push({ ...base, apiGroup: '', resource: 'users', name: req.username });
  for (const g of req.groups) out.push({ ...base, apiGroup: '', resource: 'groups', name: g });
  if (req.uid !== undefined) out.push({ ...base, apiGroup: AUTHN_GROUP, resource: 'uids', name: req.uid });
  for (const [key, vals] of Object.entries(req.extra)) {
    for (const v of vals) out.push({ ...base, apiGroup: AUTHN_GROUP, resource: 'userextras', subresource: key, name: v });
  }
  return out;
}

/** The impersonated user: SA groups for a ServiceAccount without groups, system:authenticated added as Kubernetes does. */
export function impersonatedUser(req: Requested & { username: string }): UserInfo {
  let groups = [...req.groups];
  const sa = parseServiceAccountUsername(req.username);
  if (sa && groups.length === 0) groups = serviceAccountGroups(sa.namespace);
  if (req.username === ANONYMOUS_USER) {
    if (!groups.includes(SYSTEM_UNAUTHENTICATED)) groups.push(SYSTEM_UNAUTHENTICATED);
  } else if (!groups.includes(SYSTEM_AUTHENTICATED) && !groups.includes(SYSTEM_UNAUTHENTICATED)) {
    groups.push(SYSTEM_AUTHENTICATED);
  }
  const user: UserInfo = { username: req.username, groups };
  if (req.uid !== undefined) user.uid = req.uid;
  if (Object.keys(req.extra).length > 0) user.extra = req.extra;
  return user;
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authn',
  description: 'Impersonate-User/-Group/-Uid/-Extra-* headers (kubectl --as), subject to the impersonate verb',
  apply(server) {
    server.hooks.filter.tapPromise({ name: PLUGIN_NAME, stage: FilterStage.IMPERSONATION }, async (ctx) => {
      const req = requested(ctx);
      if (!req) return undefined;
      const by = ctx.user;
      if (!by) return respond(failure('Unauthorized', 'Unauthorized'));
      if (req.username === undefined) {
        return respond(failure('BadRequest', 'requested impersonation of groups, a uid or extra fields without impersonating a user'));
      }
      const wanted = { ...req, username: req.username };
      for (const attrs of checks(by, wanted, ctx)) {
        const decision = await authorize(server, attrs);
        if (!decision.allowed) return respond(forbidden(attrs, by, decision.reason));
      }
      ctx.state.set(IMPERSONATOR, by);
      ctx.user = impersonatedUser(wanted);
      for (const name of Object.keys(ctx.headers)) {
        if (name === USER || name === GROUP || name === UID || name.startsWith(EXTRA_PREFIX)) delete ctx.headers[name];
      }
      return undefined;
    });
  },
});
