/**
 * Authentication: the filter at FilterStage.AUTHENTICATION that runs the authenticator union
 * (`authn.authenticate`) and sets ctx.user. A request that already has a user (in-process inject)
 * keeps it. Credentials presented but recognised by no authenticator → 401 Unauthorized; no
 * credentials and no authenticator (Anonymous disabled) → 401 as well.
 */
import { failure } from '../../../core/api/status';
import { definePlugin } from '../../../core/plugin/define';
import { FilterStage } from '../../../hooks/stages';
import { attemptFor, authenticate, getAuthnHooks } from './hooks';

const PLUGIN_NAME = 'Authentication';

/** ctx.state key: which authenticator recognised the request (`X509`, `ServiceAccountToken`...) */
export const AUTHENTICATED_BY = 'authn.authenticator';

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authn',
  description: 'The authenticator union: the first authenticator (authn.authenticate) to recognise the request sets ctx.user; invalid credentials are 401',
  apply(server) {
    // declare the hook record now so authenticator plugins and tools find `authn.authenticate`
    getAuthnHooks(server);
    server.hooks.filter.tapPromise({ name: PLUGIN_NAME, stage: FilterStage.AUTHENTICATION }, async (ctx) => {
      if (ctx.user) return undefined;
      const attempt = attemptFor(ctx);
      const result = await authenticate(server, ctx, attempt);
      if (result) {
        ctx.user = result.user;
        ctx.state.set(AUTHENTICATED_BY, result.authenticator);
        // the credential is not passed on (proxies, audit)
        delete ctx.headers.authorization;
        return undefined;
      }
      if (attempt.errors.length > 0) {
        server.logger.debug({ path: ctx.path, errors: attempt.errors }, 'authentication failed');
      }
      const status = failure('Unauthorized', 'Unauthorized');
      return { status: status.code, body: status };
    });
  },
});
