/**
 * AuthenticationReviews: authentication.k8s.io/v1 SelfSubjectReview (`kubectl auth whoami`: who
 * am I, as the server sees me) and TokenReview (is this bearer token valid, and whose is it). Both
 * are create-only, cluster-scoped and never stored: registered so discovery lists them, served at
 * HandlerStage.VIRTUAL before the generic store. Bodies may be JSON, YAML or protobuf.
 */
import { checkTypeMeta, decodeBody } from '../../../core/api/decode';
import { fieldRequired, invalidError } from '../../../core/api/field-errors';
import { failure } from '../../../core/api/status';
import type { ApiResponse, RequestContext, UserInfo } from '../../../core/pipeline/types';
import { definePlugin } from '../../../core/plugin/define';
import { getResourceRegistry } from '../../../core/registry/registry';
import type { KObject, ResourceDefinition } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { HandlerStage } from '../../../hooks/stages';
import { authenticate } from '../authentication/hooks';
import { getServiceAccountTokenSigner } from '../service-account-token';

const PLUGIN_NAME = 'AuthenticationReviews';
export const GROUP = 'authentication.k8s.io';
const API_VERSION = `${GROUP}/v1`;

function review(plural: string, kind: string, description: string): ResourceDefinition {
  return {
    group: GROUP,
    versions: [{ name: 'v1', served: true, storage: true, schemaRef: `io.k8s.api.authentication.v1.${kind}` }],
    names: { plural, singular: plural.replace(/s$/, ''), kind },
    namespaced: false,
    verbs: ['create'],
    generation: 'none',
    description,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function userInfo(u: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: u.username };
  if (u.uid) out.uid = u.uid;
  out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length > 0) out.extra = u.extra;
  return out;
}

function created(body: KObject): ApiResponse {
  return { status: 201, headers: { 'Content-Type': 'application/json' }, body };
}

function selfSubjectReview(ctx: RequestContext): ApiResponse {
  const { obj } = decodeBody(ctx.body, ctx.headers['content-type']);
  checkTypeMeta(obj, [API_VERSION], 'SelfSubjectReview');
  const user = ctx.user;
  if (!user) {
    const s = failure('Unauthorized', 'Unauthorized');
    return { status: s.code, body: s };
  }
  return created({ kind: 'SelfSubjectReview', apiVersion: API_VERSION, metadata: { creationTimestamp: null }, status: { userInfo: userInfo(user) } });
}

async function tokenReview(server: Server, ctx: RequestContext): Promise<ApiResponse> {
  const { obj } = decodeBody(ctx.body, ctx.headers['content-type']);
  checkTypeMeta(obj, [API_VERSION], 'TokenReview');
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const token = typeof spec.token === 'string' ? spec.token : '';
  if (token === '') throw invalidError('TokenReview', GROUP, '', [fieldRequired('spec.token', 'token must be specified')]);
  const wanted = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string' && a !== '') : [];
  // the token alone: no TLS socket, no transport, so only token authenticators can answer
  const probe: RequestContext = { ...ctx, headers: {}, tlsSocket: undefined, transport: undefined, user: undefined, state: new Map() };
  const attempt = { bearerToken: token, clientCertificate: false, audiences: wanted.length > 0 ? wanted : undefined, errors: [] as Array<{ authenticator: string; message: string }> };
  const result = await authenticate(server, probe, attempt);
  const status: Record<string, unknown> = result
    ? { authenticated: true, user: userInfo(result.user), audiences: result.audiences ?? (wanted.length > 0 ? wanted : getServiceAccountTokenSigner(server)?.apiAudiences ?? []) }
    : { user: {}, error: attempt.errors.length > 0 ? attempt.errors.map((e) => e.message).join(', ') : 'invalid bearer token' };
  return created({ kind: 'TokenReview', apiVersion: API_VERSION, metadata: { creationTimestamp: null }, spec: { ...spec, token }, status });
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authn',
  description: 'authentication.k8s.io/v1 SelfSubjectReview (kubectl auth whoami) and TokenReview: create-only, never stored',
  dependencies: ['authn/Authentication'],
  apply(server) {
    const registry = getResourceRegistry(server);
    registry.register(review('selfsubjectreviews', 'SelfSubjectReview', 'SelfSubjectReview: the user attributes the server sees for the caller'));
    registry.register(review('tokenreviews', 'TokenReview', 'TokenReview: authenticate a bearer token'));

    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.VIRTUAL }, (ctx) => {
      const info = ctx.requestInfo;
      if (!info?.isResourceRequest || info.apiPrefix !== 'apis' || info.apiGroup !== GROUP || info.apiVersion !== 'v1') return undefined;
      if (info.resource !== 'selfsubjectreviews' && info.resource !== 'tokenreviews') return undefined;
      return async (c) => {
        if (c.requestInfo.verb !== 'create' || c.requestInfo.name || c.requestInfo.namespace) {
          const s = failure('MethodNotAllowed', `${c.requestInfo.resource}.${GROUP} only supports create`);
          return { status: s.code, body: s };
        }
        return c.requestInfo.resource === 'selfsubjectreviews' ? selfSubjectReview(c) : tokenReview(server, c);
      };
    });
  },
});
