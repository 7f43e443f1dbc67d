/**
 * The authenticator union's hook record (owner `authn`) and what authenticators share: the
 * credentials a request presents, the well-known user and group names, and `authenticate`, the
 * union itself (also used by TokenReview on a token that did not come with a request).
 */
import { AsyncSeriesBailHook } from 'tapable';
import type { RequestContext, UserInfo } from '../../../core/pipeline/types';
import { defineComponentHooks, type HasHookIndex } from '../../../core/server/hook-index';

export const SYSTEM_AUTHENTICATED = 'system:authenticated';
export const SYSTEM_UNAUTHENTICATED = 'system:unauthenticated';
export const SYSTEM_MASTERS = 'system:masters';
export const ANONYMOUS_USER = 'system:anonymous';
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

/** A recognised caller: who, and which authenticator said so. */
export interface AuthResult {
  user: UserInfo;
  /** the plugin name of the authenticator (X509, TokenFile, ServiceAccountToken, Anonymous...) */
  authenticator: string;
  /** audiences the credential is good for (audience-bound tokens), for TokenReview */
  audiences?: string[];
}

/** One authentication attempt: what was presented, and the errors the authenticators recorded. */
export interface AuthAttempt {
  /** `Authorization: Bearer <token>` (or the token a TokenReview asks about) */
  bearerToken?: string;
  /** a client certificate came with the TLS handshake */
  clientCertificate: boolean;
  /** audiences the caller wants the credential checked against (TokenReview spec.audiences) */
  audiences?: string[];
  /** why an authenticator refused a credential it was responsible for; recorded, never thrown */
  errors: Array<{ authenticator: string; message: string }>;
}

/** The `authn` hooks: each authenticator is a plugin tapping `authenticate` by AuthenticatorStage. */
export const getAuthnHooks = defineComponentHooks('authn', () => ({
  /** the authenticator union by AuthenticatorStage: the first tap to return an AuthResult wins; undefined = not mine (record refusals in attempt.errors) */
  authenticate: new AsyncSeriesBailHook<[RequestContext, AuthAttempt], AuthResult | undefined>(['ctx', 'attempt']),
}));

/** The bearer token of a request (`Authorization: Bearer x`), or undefined. */
export function bearerTokenOf(ctx: RequestContext): string | undefined {
  const header = ctx.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(value);
  return m ? m[1] : undefined;
}

/** Did the TLS handshake carry a client certificate? */
export function hasClientCertificate(ctx: RequestContext): boolean {
  const socket = ctx.tlsSocket;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return false;
  const cert = socket.getPeerCertificate();
  return !!cert && Object.keys(cert).length > 0 && !!cert.raw;
}

/** Build the attempt for a request (its bearer token and client certificate). */
export function attemptFor(ctx: RequestContext): AuthAttempt {
  return { bearerToken: bearerTokenOf(ctx), clientCertificate: hasClientCertificate(ctx), errors: [] };
}

/** Run the authenticator union once. */
export async function authenticate(server: HasHookIndex, ctx: RequestContext, attempt: AuthAttempt = attemptFor(ctx)): Promise<AuthResult | undefined> {
  const result = await getAuthnHooks(server).authenticate.promise(ctx, attempt);
  return result ? withAuthenticatedGroup(result) : undefined;
}

/** Everyone recognised, except system:anonymous, is in system:authenticated (added once). */
export function withAuthenticatedGroup(result: AuthResult): AuthResult {
  const user = result.user;
  if (user.username === ANONYMOUS_USER || user.groups.includes(SYSTEM_UNAUTHENTICATED) || user.groups.includes(SYSTEM_AUTHENTICATED)) return result;
  return { ...result, user: { ...user, groups: [...user.groups, SYSTEM_AUTHENTICATED] } };
}

/** The ServiceAccount a username names (`system:serviceaccount:<ns>:<name>`), or undefined. */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** The groups every ServiceAccount of a namespace is in. */
export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
}
