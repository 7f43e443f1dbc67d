/**
 * Reviews (authorization.k8s.io/v1): SelfSubjectAccessReview (`kubectl auth can-i`),
 * SelfSubjectRulesReview (`kubectl auth can-i --list`), SubjectAccessReview and
 * LocalSubjectAccessReview. Registered for discovery with the single verb `create` and served here,
 * before the generic store, never stored: each POST asks the authorizer union and answers 201.
 */
import type { AuthorizationAttributes, UserInfo } from '../../../core/auth/types';
import { decodeBody } from '../../../core/api/decode';
import { failure, StatusError, statusError, toStatus } from '../../../core/api/status';
import { definePlugin } from '../../../core/plugin/define';
import type { ApiResponse, RequestContext } from '../../../core/pipeline/types';
import { getResourceRegistry } from '../../../core/registry/registry';
import type { ResourceDefinition } from '../../../core/registry/types';
import type { HasHookIndex } from '../../../core/server/hook-index';
import { HandlerStage } from '../../../hooks/stages';
import { ANONYMOUS_USER, authorize, getAuthzHooks, type RulesQuery } from '../authorization';

const PLUGIN_NAME = 'AuthorizationReviews';
export const GROUP = 'authorization.k8s.io';
const VERSION = 'v1';

type Obj = Record<string, any>;
type Kind = 'SelfSubjectAccessReview' | 'SelfSubjectRulesReview' | 'SubjectAccessReview' | 'LocalSubjectAccessReview';

const KINDS: Record<string, { kind: Kind; namespaced: boolean }> = {
  selfsubjectaccessreviews: { kind: 'SelfSubjectAccessReview', namespaced: false },
  selfsubjectrulesreviews: { kind: 'SelfSubjectRulesReview', namespaced: false },
  subjectaccessreviews: { kind: 'SubjectAccessReview', namespaced: false },
  localsubjectaccessreviews: { kind: 'LocalSubjectAccessReview', namespaced: true },
};

function definition(plural: string, kind: Kind, namespaced: boolean): ResourceDefinition {
  return {
    group: GROUP,
    versions: [{ name: VERSION, served: true, storage: true, schemaRef: `io.k8s.api.authorization.v1.${kind}` }],
    names: { plural, singular: plural.replace(/s$/, ''), kind },
    namespaced,
    verbs: ['create'],
    generation: 'none',
    description: `${kind}: answered by the authorizers, never stored`,
  };
}

const rec = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function invalid(kind: Kind, field: string, message: string, type = 'FieldValueRequired'): StatusError {
  return statusError('Invalid', `${kind}.${GROUP} "" is invalid: ${field}: ${message}`, { group: GROUP, kind, causes: [{ reason: type, message, field }] });
}

/** The attributes a review's spec asks about; the scope of a resource comes from the registry. */
function specAttributes(server: HasHookIndex, kind: Kind, spec: Obj, user: UserInfo): AuthorizationAttributes {
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if ((ra === undefined) === (nra === undefined)) {
    throw invalid(kind, 'spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  }
  if (nra !== undefined) {
    if (kind === 'LocalSubjectAccessReview') throw invalid(kind, 'spec.nonResourceAttributes', 'disallowed on this kind of request', 'FieldValueInvalid');
    const n = rec(nra);
    return { user, verb: str(n.verb), apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path: str(n.path), isResourceRequest: false };
  }
  const a = rec(ra);
  const group = str(a.group);
  const resource = str(a.resource);
  let namespace = str(a.namespace);
  const registered = getResourceRegistry(server).get(group, resource);
  if (registered && !registered.definition.namespaced) namespace = '';
  return {
    user,
    verb: str(a.verb),
    apiGroup: group,
    apiVersion: str(a.version),
    resource,
    subresource: str(a.subresource),
    namespace,
    name: str(a.name),
    path: '',
    isResourceRequest: true,
  };
}

function specUser(spec: Obj, kind: Kind): UserInfo {
  const groups = Array.isArray(spec.groups) ? spec.groups.filter((g: unknown): g is string => typeof g === 'string') : [];
  const username = str(spec.user);
  if (!username && groups.length === 0) throw invalid(kind, 'spec.user', 'at least one of user or group must be specified', 'FieldValueInvalid');
  const extra = rec(spec.extra) as Record<string, string[]>;
  return { username, groups, ...(spec.uid ? { uid: str(spec.uid) } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}

async function accessReview(server: HasHookIndex, kind: Kind, body: Obj, ctx: RequestContext, urlNamespace: string): Promise<Obj> {
  const spec = rec(body.spec);
  let user: UserInfo;
  if (kind === 'SelfSubjectAccessReview') user = ctx.user ?? ANONYMOUS_USER;
  else user = specUser(spec, kind);
  if (kind === 'LocalSubjectAccessReview') {
    const ra = rec(spec.resourceAttributes);
    if (spec.resourceAttributes !== undefined) {
      if (ra.namespace && ra.namespace !== urlNamespace) {
        throw statusError('BadRequest', `spec.resourceAttributes.namespace must match namespace: ${urlNamespace}`);
      }
      spec.resourceAttributes = { ...ra, namespace: urlNamespace };
    }
  }
  const decision = await authorize(server, specAttributes(server, kind, spec, user));
  const status: Obj = { allowed: decision.allowed };
  if (decision.denied) status.denied = true;
  if (decision.reason) status.reason = decision.reason;
  const metadata = kind === 'LocalSubjectAccessReview' ? { namespace: urlNamespace, creationTimestamp: null } : { creationTimestamp: null };
  return { kind, apiVersion: `${GROUP}/${VERSION}`, metadata, spec, status };
}

async function rulesReview(server: HasHookIndex, body: Obj, ctx: RequestContext): Promise<Obj> {
  const spec = rec(body.spec);
  const query: RulesQuery = { user: ctx.user ?? ANONYMOUS_USER, namespace: str(spec.namespace), resourceRules: [], nonResourceRules: [], incomplete: false, evaluationErrors: [] };
  await getAuthzHooks(server).rules.promise(query);
  const status: Obj = { resourceRules: query.resourceRules, nonResourceRules: query.nonResourceRules, incomplete: query.incomplete };
  if (query.evaluationErrors.length > 0) status.evaluationError = query.evaluationErrors.join(', ');
  return { kind: 'SelfSubjectRulesReview', apiVersion: `${GROUP}/${VERSION}`, metadata: { creationTimestamp: null }, spec, status };
}

async function serve(server: HasHookIndex, plural: string, ctx: RequestContext): Promise<ApiResponse> {
  const { kind } = KINDS[plural];
  const info = ctx.requestInfo;
  try {
    if (info.verb !== 'create' || info.name || info.subresource) {
      throw statusError('MethodNotAllowed', `${info.verb} is not supported on resources of kind "${plural}.${GROUP}"`, { group: GROUP, kind: plural });
    }
    if (KINDS[plural].namespaced && !info.namespace) throw statusError('MethodNotAllowed', `create is not supported on resources of kind "${plural}.${GROUP}" without a namespace`, { group: GROUP, kind: plural });
    const body = decodeBody(ctx.body, ctx.headers['content-type']).obj as Obj;
    const out = kind === 'SelfSubjectRulesReview' ? await rulesReview(server, body, ctx) : await accessReview(server, kind, body, ctx, info.namespace);
    return { status: 201, body: out };
  } catch (err) {
    const s = err instanceof StatusError ? err.status : toStatus(err);
    return { status: s.code, body: s };
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'authz',
  description: 'authorization.k8s.io/v1 SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview, LocalSubjectAccessReview (create only, never stored)',
  dependencies: ['authz/Authorization'],
  apply(server) {
    const registry = getResourceRegistry(server);
    for (const [plural, { kind, namespaced }] of Object.entries(KINDS)) registry.register(definition(plural, kind, namespaced));
    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.VIRTUAL }, (ctx) => {
      const info = ctx.requestInfo;
      if (!info?.isResourceRequest || info.apiPrefix !== 'apis' || info.apiGroup !== GROUP || info.apiVersion !== VERSION) return undefined;
      if (!Object.hasOwn(KINDS, info.resource)) return undefined;
      if (KINDS[info.resource].namespaced === false && info.namespace) {
        return async () => {
          const s = failure('NotFound', 'the server could not find the requested resource');
          return { status: s.code, body: s };
        };
      }
      return (c) => serve(server, info.resource, c);
    });
  },
});
