/**
 * The authorization component's hooks (owner `authz`): the union of authorizers and the union of
 * rule resolvers. Authorizers tap by AuthorizerStage; "no opinion" is `undefined`.
 */
import { AsyncSeriesBailHook, AsyncSeriesHook } from 'tapable';
import type { AuthorizationAttributes, Decision, UserInfo } from '../../../core/auth/types';
import { defineComponentHooks } from '../../../core/server/hook-index';

/** Stages of `authz.authorize` and `authz.rules` (lower runs first). */
export const AuthorizerStage = Object.freeze({
  /** the privileged group system:masters (always allowed) */
  SYSTEM_MASTERS: -1000,
  /** node authorizer (kubelets), when there is one */
  NODE: -500,
  /** RBAC roles and bindings */
  RBAC: 0,
  /** webhooks and anything else */
  DEFAULT: 500,
});

/** A resource rule as SelfSubjectRulesReview reports it. */
export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

/** A non-resource rule as SelfSubjectRulesReview reports it. */
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs: string[];
}

/** What `authz.rules` taps fill: every rule `user` holds in `namespace` ('' = cluster-wide only). */
export interface RulesQuery {
  readonly user: UserInfo;
  readonly namespace: string;
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  /** set when a resolver could not list everything (an unknown role, an error) */
  incomplete: boolean;
  evaluationErrors: string[];
}

export const getAuthzHooks = defineComponentHooks('authz', () => ({
  /** the authorizer union by AuthorizerStage: a Decision with allowed or denied stops; undefined passes on; nothing -> deny */
  authorize: new AsyncSeriesBailHook<[AuthorizationAttributes], Decision | undefined>(['attrs']),
  /** the rule resolver union (SelfSubjectRulesReview): every tap adds the rules it knows for query.user */
  rules: new AsyncSeriesHook<[RulesQuery]>(['query']),
}));
