/**
 * CRD manifests applied at start: the package's own `crds/` folder (found from this file, not the
 * working directory) and any configured directories. Every `*.yaml`, `*.yml` and `*.json` file
 * (multi-document YAML too) is read; each CustomResourceDefinition is created, or updated when
 * its spec, labels or annotations differ (idempotent: a second start writes nothing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isStatusReason, type Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { CRD_GVR } from './controller';

/** The package's `crds/` folder: the first ancestor of this file with a package.json named k8ts. */
export function builtinCrdsDir(from = __dirname): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'k8ts') return path.join(dir, 'crds');
      } catch {
        // not ours: keep looking
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Every CRD object in the manifest files of `dir` (recursively, sorted by path). */
export function readCrdManifests(dir: string): { crds: KObject[]; errors: string[] } {
  const crds: KObject[] = [];
  const errors: string[] = [];
  if (!fs.existsSync(dir)) return { crds, errors };
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/i.test(e.name)) files.push(p);
    }
  };
  walk(dir);
  for (const file of files.sort()) {
    try {
      for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        if (doc.errors.length > 0) throw doc.errors[0];
        const obj = doc.toJS() as KObject | null;
        if (!obj || typeof obj !== 'object') continue;
        if (obj.kind === 'CustomResourceDefinition' && obj.apiVersion === 'apiextensions.k8s.io/v1') crds.push(obj);
      }
    } catch (err) {
      errors.push(`${file}: ${(err as Error).message}`);
    }
  }
  return { crds, errors };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Create or update one CRD; returns what was done. */
export async function applyCrd(client: Client, crd: KObject): Promise<'created' | 'updated' | 'unchanged'> {
  const name = crd.metadata?.name ?? '';
  for (let attempt = 0; ; attempt++) {
    try {
      await client.create(CRD_GVR, structuredClone(crd));
      return 'created';
    } catch (err) {
      if (!isStatusReason(err, 'AlreadyExists')) throw err;
    }
    const live = await client.get(CRD_GVR, { name });
    const want = structuredClone(crd);
    // the server fills defaults (conversion, singular, listKind): compare what the server would store
    const dry: KObject = await client.update<KObject>(CRD_GVR, { ...want, metadata: { ...live.metadata, labels: want.metadata.labels ?? live.metadata.labels, annotations: want.metadata.annotations ?? live.metadata.annotations }, status: live.status }, { dryRun: true });
    if (same(dry.spec, live.spec) && same(dry.metadata.labels, live.metadata.labels) && same(dry.metadata.annotations, live.metadata.annotations)) return 'unchanged';
    try {
      await client.update(CRD_GVR, { ...dry, metadata: { ...dry.metadata, resourceVersion: live.metadata.resourceVersion } });
      return 'updated';
    } catch (err) {
      if (!isStatusReason(err, 'Conflict') || attempt >= 5) throw err;
    }
  }
}
