/**
 * Ask the authorizers a question without being one: taps nothing. Reads the hook point
 * `authz.authorize` (AsyncSeriesBailHook<[AuthorizationAttributes], Decision | undefined>, owned by
 * the authorization plugins) from the server's hook index when it is registered. `system:masters`
 * is always allowed (Kubernetes' privileged group); when no authorizer has an opinion — or none is
 * registered — the answer is no.
 */
import type { AuthorizationAttributes, Decision } from '../../../core/auth/types';
import type { HasHookIndex } from '../../../core/server/hook-index';
import { SYSTEM_MASTERS } from '../authentication/hooks';

/** The dotted name of the authorizer union's hook point. */
export const AUTHORIZE_HOOK = 'authz.authorize';

interface AuthorizeHook {
  promise(attrs: AuthorizationAttributes): Promise<Decision | undefined>;
}

export async function authorize(server: HasHookIndex, attrs: AuthorizationAttributes): Promise<Decision> {
  if (attrs.user.groups.includes(SYSTEM_MASTERS)) return { allowed: true, reason: `${SYSTEM_MASTERS} may do anything` };
  const point = server.hookIndex.get(AUTHORIZE_HOOK);
  const hook = point?.hook as unknown as AuthorizeHook | undefined;
  if (hook && typeof hook.promise === 'function') {
    const decision = await hook.promise(attrs);
    if (decision) return decision;
    return { allowed: false, reason: '' };
  }
  return { allowed: false, reason: 'no authorizer is configured' };
}
