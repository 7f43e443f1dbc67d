/** Test support (not a test): CRD objects and polling helpers for the APIExtensionServer tests. */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { gvr, isStatusReason, type Client, type GVR } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { eventually } from '../../controllers/shared/test-cluster';
import type { CustomResourceDefinition } from '../schema';

export const CRDS = gvr('apiextensions.k8s.io/v1', 'customresourcedefinitions');
export const CRONTABS = gvr('stable.example.com/v1', 'crontabs');

/** The repository's examples/crds folder (from dist/ or from the sources). */
export function examplesDir(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const p = path.join(dir, 'examples', 'crds');
    if (fs.existsSync(p)) return p;
  }
  throw new Error('examples/crds not found');
}

/** examples/crds/crontab.yaml as an object. */
export function crontabCrd(): CustomResourceDefinition {
  return parse(fs.readFileSync(path.join(examplesDir(), 'crontab.yaml'), 'utf8')) as CustomResourceDefinition;
}

/** A minimal CRD: group, kind (plural = lower-case kind + s), with an open schema. */
export function simpleCrd(group: string, kind: string, extra: { shortNames?: string[]; scope?: 'Namespaced' | 'Cluster'; plural?: string; singular?: string } = {}): CustomResourceDefinition {
  const plural = extra.plural ?? `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: extra.scope ?? 'Namespaced',
      names: { plural, singular: extra.singular ?? kind.toLowerCase(), kind, ...(extra.shortNames ? { shortNames: extra.shortNames } : {}) },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

export function crontab(name: string, spec: Record<string, unknown> = {}, namespace = 'default'): KObject {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name, namespace }, spec: { cronSpec: '*/5 * * * *', image: 'busybox', replicas: 1, ...spec } };
}

type Cond = { type: string; status: string; reason: string; message: string };

/** The condition `type` of a CRD. */
export function conditionOf(crd: KObject, type: string): Cond | undefined {
  return ((crd.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

/** Create a CRD and wait until its resource answers a LIST. */
export async function createAndServe(client: Client, crd: CustomResourceDefinition, resource: GVR): Promise<void> {
  await client.create(CRDS, crd);
  await eventually(`${resource.resource}.${resource.group} served`, async () => {
    try {
      await client.list(resource);
      return true;
    } catch (err) {
      if (isStatusReason(err, 'NotFound')) return false;
      throw err;
    }
  }, 10_000);
}

/** Wait for the CRD's condition `type` to have `status`. */
export async function waitCondition(client: Client, name: string, type: string, status: string): Promise<KObject> {
  return eventually(`${name} ${type}=${status}`, async () => {
    const crd = await client.get(CRDS, { name });
    return conditionOf(crd, type)?.status === status ? crd : undefined;
  }, 10_000);
}

/** Resolves true once GET of `ref` is 404. */
export async function isGone(client: Client, g: GVR, ref: { namespace?: string; name: string }): Promise<boolean> {
  try {
    await client.get(g, ref);
    return false;
  } catch (err) {
    if (isStatusReason(err, 'NotFound')) return true;
    throw err;
  }
}
