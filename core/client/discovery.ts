/**
 * Discovery through the API (works in-process and over HTTPS): every resource of every group's
 * preferred version, with its kind, scope and verbs — what the garbage collector and the
 * namespace controller iterate over, custom resources included.
 */
import type { Client, GVR } from './types';

export interface DiscoveredResource {
  readonly gvr: GVR;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

interface APIResourceList {
  groupVersion?: string;
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

interface APIGroupList {
  groups?: Array<{ name: string; preferredVersion?: { version: string }; versions?: Array<{ version: string }> }>;
}

/**
 * Every top-level resource of the preferred version of every group. Groups whose discovery fails
 * are reported in `failed` (group/version) and left out of `resources`.
 */
export async function discoverResources(client: Client): Promise<{ resources: DiscoveredResource[]; failed: string[] }> {
  const resources: DiscoveredResource[] = [];
  const failed: string[] = [];
  const gvs: Array<{ group: string; version: string }> = [];
  const core = await client.request<{ versions?: string[] }>({ method: 'GET', path: '/api' });
  for (const v of core.versions ?? ['v1']) gvs.push({ group: '', version: v });
  const groups = await client.request<APIGroupList>({ method: 'GET', path: '/apis' });
  for (const g of groups.groups ?? []) {
    const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    if (version) gvs.push({ group: g.name, version });
  }
  await Promise.all(
    gvs.map(async ({ group, version }) => {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      try {
        const list = await client.request<APIResourceList>({ method: 'GET', path });
        for (const r of list.resources ?? []) {
          if (r.name.includes('/')) continue;
          resources.push({ gvr: Object.freeze({ group, version, resource: r.name }), kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] });
        }
      } catch {
        failed.push(group ? `${group}/${version}` : version);
      }
    }),
  );
  return { resources, failed };
}

/** `apps/v1` -> 'apps', `v1` -> '' */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}
