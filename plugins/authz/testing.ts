/**
 * Test support for the authz plugins (not a test): a started Server with every resource plugin and
 * every authz plugin (the bootstrap policy in place), users, and request helpers that name the user.
 */
import type { UserInfo } from '../../core/auth/types';
import type { InjectResponse } from '../../core/pipeline/types';
import { startTestServer } from '../../core/registry/testing';
import type { Server } from '../../core/server/server';
import { resourcePlugins } from '../resources';
import { authzPlugins } from '.';
import { rbacSynced } from './rbac';

export type Obj = Record<string, any>;
export const RBAC = '/apis/rbac.authorization.k8s.io/v1';

/** A started Server with the resources and authz plugins; `server.stop()` when done. */
export async function startAuthzServer(): Promise<Server> {
  return startTestServer({
    setup: (server) => {
      for (const p of resourcePlugins) p.apply(server, {});
      for (const p of authzPlugins) p.apply(server, {});
    },
  });
}

export function user(username: string, ...groups: string[]): UserInfo {
  return { username, groups: [...groups, 'system:authenticated'] };
}

export function serviceAccount(namespace: string, name: string): UserInfo {
  return { username: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

/** server.inject as `who` ('anonymous' = no user at all) */
export function call(server: Server, who: UserInfo | 'anonymous', method: string, url: string, body?: unknown, headers?: Record<string, string>, signal?: AbortSignal): Promise<InjectResponse> {
  return server.inject({ method, url, body, headers, user: who, signal });
}

/** As the loopback identity (system:masters): expect a 2xx; returns the body. */
export async function admin(server: Server, method: string, url: string, body?: unknown): Promise<Obj> {
  const r = await server.inject({ method, url, body });
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${r.text()}`);
  return r.json<Obj>();
}

/** Create a binding or role as admin and wait until RBAC sees it. */
export async function grant(server: Server, url: string, obj: Obj): Promise<void> {
  await admin(server, 'POST', url, obj);
  await rbacSynced(server);
}

export function roleBinding(namespace: string, name: string, roleRef: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Obj[]): Obj {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

export function clusterRoleBinding(name: string, role: string, subjects: Obj[]): Obj {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects };
}

export const userSubject = (name: string) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
export const saSubject = (namespace: string, name: string) => ({ kind: 'ServiceAccount', name, namespace });

/** poll `check` until it is true (aggregation is asynchronous) */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
