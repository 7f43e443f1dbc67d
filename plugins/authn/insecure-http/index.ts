/**
 * InsecureHttp: with `apiserver.insecureHttp: true` the server listens on plain HTTP, where kubectl
 * never sends credentials (it drops tokens and certificates on http://). A request that arrives on
 * that listener WITHOUT credentials is `system:insecure` in `system:masters`: full access, as the
 * old kube-apiserver insecure port. Credentials that do come (client-node sends its bearer token)
 * are still checked; Impersonate-* headers still apply. Never expose such a listener.
 */
import { definePlugin } from '../../../core/plugin/define';
import { AuthenticatorStage } from '../../../hooks/stages';
import { getAuthnHooks, SYSTEM_MASTERS } from '../authentication/hooks';

const PLUGIN_NAME = 'InsecureHttp';

export const INSECURE_USER = 'system:insecure';

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authn',
  description: 'apiserver.insecureHttp: requests on the plain-HTTP listener without credentials are system:insecure in system:masters',
  dependencies: ['authn/Authentication'],
  apply(server) {
    const apiserver = server.config.apiserver as { insecureHttp?: boolean } | undefined;
    if (!apiserver?.insecureHttp) return;
    server.logger.warn('apiserver.insecureHttp: requests without credentials on the plain-HTTP listener have full access (system:masters)');
    getAuthnHooks(server).authenticate.tap({ name: PLUGIN_NAME, stage: AuthenticatorStage.INSECURE }, (ctx, attempt) => {
      if (ctx.transport !== 'http' || attempt.bearerToken || attempt.clientCertificate) return undefined;
      return { user: { username: INSECURE_USER, groups: [SYSTEM_MASTERS] }, authenticator: PLUGIN_NAME };
    });
  },
});
