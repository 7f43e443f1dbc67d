/**
 * ServiceAccountToken: bound ServiceAccount tokens (ES256 JWTs, jose). Issues them through the
 * `serviceaccounts/token` subresource (TokenRequest, `kubectl create token`) and authenticates
 * bearer tokens it issued: signature, issuer, audience, time, and that the ServiceAccount (and the
 * bound object) still exists with the uid in the token.
 */
import path from 'node:path';
import type { UserInfo } from '../../../core/pipeline/types';
import { definePlugin } from '../../../core/plugin/define';
import { getResourceRegistry } from '../../../core/registry/registry';
import type { HasHookIndex } from '../../../core/server/hook-index';
import type { Server } from '../../../core/server/server';
import { AuthenticatorStage, LifecycleStage } from '../../../hooks/stages';
import { getAuthnHooks, serviceAccountGroups } from '../authentication/hooks';
import { loadOrCreateSigningKey, ServiceAccountTokenSigner, type VerifiedToken } from './jwt';
import { readObject } from './lookup';
import { tokenSubresource } from './token-request';

const PLUGIN_NAME = 'ServiceAccountToken';
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface ServiceAccountTokenOptions {
  /** `iss` of issued tokens; only tokens of this issuer are checked */
  issuer?: string;
  /** the API's audiences (a token must be good for one); default [issuer] */
  audiences?: string[];
  /** PKCS#8 PEM P-256 signing key; default `<data-dir>/pki/sa.key` (generated when missing) */
  keyFile?: string;
}

const signers = new WeakMap<HasHookIndex, ServiceAccountTokenSigner>();

/** The server's token signer (from `initialize` on); undefined when the plugin is not enabled. */
export function getServiceAccountTokenSigner(server: HasHookIndex): ServiceAccountTokenSigner | undefined {
  return signers.get(server);
}

/** Extra keys Kubernetes puts on a ServiceAccount user. */
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';
export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';

/** Check that what the token names still exists, with the same uid; throws saying why not. */
async function checkLive(server: Server, verified: VerifiedToken): Promise<void> {
  const { namespace, serviceaccount, pod, secret, node } = verified.claims;
  const sa = await readObject(server, 'serviceaccounts', namespace, serviceaccount.name);
  if (!sa) throw new Error(`service account ${namespace}/${serviceaccount.name} has been deleted`);
  if (sa.metadata.uid !== serviceaccount.uid) throw new Error(`service account UID (${sa.metadata.uid}) does not match claim (${serviceaccount.uid})`);
  if (sa.metadata.deletionTimestamp) throw new Error(`service account ${namespace}/${serviceaccount.name} is being deleted`);
  const bound: Array<[string, string, { name: string; uid: string } | undefined]> = [
    ['pods', namespace, pod],
    ['secrets', namespace, secret],
    ['nodes', '', node],
  ];
  for (const [plural, ns, ref] of bound) {
    if (!ref) continue;
    const obj = await readObject(server, plural, ns, ref.name);
    if (!obj || obj.metadata.uid !== ref.uid || obj.metadata.deletionTimestamp) throw new Error(`the token is bound to ${plural} "${ref.name}", which no longer exists`);
  }
}

function userOf(verified: VerifiedToken, uid: string): UserInfo {
  const { namespace, serviceaccount, pod, node } = verified.claims;
  const extra: Record<string, string[]> = {};
  if (verified.jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${verified.jti}`];
  if (pod) Object.assign(extra, { [EXTRA_POD_NAME]: [pod.name], [EXTRA_POD_UID]: [pod.uid] });
  if (node) Object.assign(extra, { [EXTRA_NODE_NAME]: [node.name], [EXTRA_NODE_UID]: [node.uid] });
  const user: UserInfo = { username: `system:serviceaccount:${namespace}:${serviceaccount.name}`, uid, groups: serviceAccountGroups(namespace) };
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}

export default definePlugin<ServiceAccountTokenOptions>({
  name: PLUGIN_NAME,
  area: 'authn',
  description: 'ServiceAccount tokens: TokenRequest (serviceaccounts/token) issues ES256 JWTs; bearer JWTs are checked against the ServiceAccount',
  dependencies: ['authn/Authentication'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      issuer: { type: 'string', minLength: 1, default: DEFAULT_ISSUER },
      audiences: { type: 'array', items: { type: 'string', minLength: 1 } },
      keyFile: { type: 'string', minLength: 1 },
    },
  },
  apply(server, options) {
    const issuer = options?.issuer ?? DEFAULT_ISSUER;
    const audiences = options?.audiences?.length ? options.audiences : [issuer];
    const signer = () => {
      const s = signers.get(server);
      if (!s) throw new Error('the ServiceAccount token signer is not initialized yet');
      return s;
    };

    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      const file = options?.keyFile ? path.resolve(options.keyFile) : path.join(server.dataDir, 'pki', 'sa.key');
      signers.set(server, await ServiceAccountTokenSigner.create(loadOrCreateSigningKey(file), issuer, audiences));
    });

    // serviceaccounts is another plugin's resource: add the token subresource once all are registered
    server.hooks.afterPlugins.tap(PLUGIN_NAME, () => {
      const registry = getResourceRegistry(server);
      if (!registry.get('', 'serviceaccounts')) {
        server.logger.warn('ServiceAccountToken: core/v1 serviceaccounts is not registered; serviceaccounts/token is not served');
        return;
      }
      registry.addSubresource('', 'serviceaccounts', tokenSubresource(server, signer));
    });

    getAuthnHooks(server).authenticate.tapPromise({ name: PLUGIN_NAME, stage: AuthenticatorStage.SERVICE_ACCOUNT }, async (_ctx, attempt) => {
      const token = attempt.bearerToken;
      const s = signers.get(server);
      if (!token || !s || !s.claimsIssuer(token)) return undefined;
      try {
        const verified = await s.verify(token, attempt.audiences ?? s.apiAudiences);
        await checkLive(server, verified);
        return { user: userOf(verified, verified.claims.serviceaccount.uid), authenticator: PLUGIN_NAME, audiences: verified.audiences };
      } catch (err) {
        attempt.errors.push({ authenticator: PLUGIN_NAME, message: (err as Error).message });
        return undefined;
      }
    });
  },
});
