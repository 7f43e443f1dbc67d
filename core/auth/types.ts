/**
 * Types shared by authentication (plugins/authn) and authorization (plugins/authz): what is asked of
 * an authorizer (Kubernetes' authorizer.Attributes) and what it answers (its Decision). Data only:
 * nothing here taps a hook.
 */
import type { UserInfo } from '../pipeline/types';

export type { UserInfo };

/** One question for the authorizers: may `user` do `verb` on this resource or path? */
export interface AuthorizationAttributes {
  user: UserInfo;
  /**
   * get list watch create update patch delete deletecollection (resource requests), the special
   * verbs `impersonate`, `bind`, `escalate`, `use`, or the lower-cased HTTP verb for non-resource
   * requests (get, post, put, patch, delete, head, options)
   */
  verb: string;
  /** '' for the core group */
  apiGroup: string;
  apiVersion?: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** the URL path (non-resource requests: /healthz, /version, /api ...) */
  path: string;
  isResourceRequest: boolean;
}

/**
 * An authorizer's answer. `allowed` stops the union with Allow; `denied` stops it with Deny; neither
 * is "no opinion" (the next authorizer decides; when none has an opinion the request is denied).
 */
export interface Decision {
  allowed: boolean;
  denied?: boolean;
  /** why (RBAC: the binding that allowed it; printed by `kubectl auth can-i` after `no - `) */
  reason: string;
}
