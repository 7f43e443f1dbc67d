/**
 * Anonymous: a request that presents no credentials at all is `system:anonymous` in
 * `system:unauthenticated` (a request with a bad token or certificate is never anonymous: 401).
 * Whether anonymous may do something is authorization's call (RBAC's `system:public-info-viewer`
 * grants `allowedPaths`); while no authorizer is registered (`authz.authorize`), this plugin itself
 * answers 401 to anonymous requests outside `allowedPaths`.
 */
import { failure } from '../../../core/api/status';
import { definePlugin } from '../../../core/plugin/define';
import { AuthenticatorStage, FilterStage } from '../../../hooks/stages';
import { ANONYMOUS_USER, getAuthnHooks, SYSTEM_UNAUTHENTICATED } from '../authentication/hooks';
import { AUTHENTICATED_BY } from '../authentication';
import { AUTHORIZE_HOOK } from '../impersonation/authorize';

const PLUGIN_NAME = 'Anonymous';

export const DEFAULT_ALLOWED_PATHS = ['/healthz', '/livez', '/readyz', '/version'];

export interface AnonymousOptions {
  /** authenticate requests without credentials as system:anonymous (default true) */
  enabled?: boolean;
  /** paths anonymous may reach when no authorizer is registered; `/x/*` matches below /x/ */
  allowedPaths?: string[];
}

/** Is `path` one of `allowed` (exact, or below an entry ending in `/*`)? */
export function pathAllowed(path: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => (a.endsWith('/*') ? path.startsWith(a.slice(0, -1)) : path === a));
}

export default definePlugin<AnonymousOptions>({
  name: PLUGIN_NAME,
  area: 'authn',
  description: 'Requests without credentials are system:anonymous (group system:unauthenticated); limited to allowedPaths until an authorizer decides',
  dependencies: ['authn/Authentication'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      enabled: { type: 'boolean', default: true },
      allowedPaths: { type: 'array', items: { type: 'string', pattern: '^/' }, default: DEFAULT_ALLOWED_PATHS },
    },
  },
  apply(server, options) {
    if (options?.enabled === false) return;
    const allowed = options?.allowedPaths ?? DEFAULT_ALLOWED_PATHS;

    getAuthnHooks(server).authenticate.tap({ name: PLUGIN_NAME, stage: AuthenticatorStage.ANONYMOUS }, (_ctx, attempt) => {
      if (attempt.bearerToken || attempt.clientCertificate) return undefined;
      return { user: { username: ANONYMOUS_USER, groups: [SYSTEM_UNAUTHENTICATED] }, authenticator: PLUGIN_NAME };
    });

    // just before authorization: without an authorizer, anonymous only reaches allowedPaths
    server.hooks.filter.tap({ name: PLUGIN_NAME, stage: FilterStage.AUTHORIZATION - 1 }, (ctx) => {
      if (ctx.state.get(AUTHENTICATED_BY) !== PLUGIN_NAME || ctx.user?.username !== ANONYMOUS_USER) return undefined;
      if (server.hookIndex.get(AUTHORIZE_HOOK)) return undefined;
      if (pathAllowed(ctx.path, allowed)) return undefined;
      const status = failure('Unauthorized', 'Unauthorized');
      return { status: status.code, body: status };
    });
  },
});
