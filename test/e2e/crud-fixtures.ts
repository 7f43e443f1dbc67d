/**
 * Shared by the crud-*.test.ts suites: manifests, kubectl output helpers, and `useCrudCluster()`,
 * which starts one `k8ts up` for the calling describe (see test/helpers/kubectl.ts).
 */
import assert from 'node:assert/strict';
import { json, show, useCluster, type Cluster, type KubectlResult } from '../helpers/kubectl';

export const pod = (name: string, labels: Record<string, string> = { app: 'web' }, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra },
});

export const configMap = (name: string, data: Record<string, string> = { a: '1' }, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

export const deployment = (name: string, replicas = 2, image = 'nginx:1.27') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image }] } },
  },
});

/** kubectl's table output as rows of cells (split on 2+ spaces; fine for cells without double spaces) */
export function table(r: KubectlResult): { header: string[]; rows: string[][] } {
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const split = (l: string) => l.trim().split(/\s{2,}/);
  return { header: lines.length ? split(lines[0]) : [], rows: lines.slice(1).map(split) };
}

export function ok(r: KubectlResult): KubectlResult {
  assert.equal(r.code, 0, show(r));
  return r;
}

export function fails(r: KubectlResult, stderr: RegExp): void {
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, stderr, show(r));
}

export interface CrudCluster {
  c: Cluster;
  /** kubectl get ARGS -o json, parsed (fails the test on a non-zero exit) */
  get(args: string[]): Promise<any>;
  /** write obj to the suite dir as NAME and run kubectl apply -f NAME */
  apply(name: string, obj: object, extra?: string[]): Promise<KubectlResult>;
  /** write obj to the suite dir as NAME and run kubectl create -f NAME */
  create(name: string, obj: object, extra?: string[]): Promise<KubectlResult>;
  /** a namespace from a JSON manifest (the `create ns` generator's protobuf body is tested on its own) */
  namespace(name: string): Promise<KubectlResult>;
}

/** Call inside a top-level describe: one `k8ts up` (TLS, sqlite, namespace default) for it. */
export function useCrudCluster(): CrudCluster {
  const c = useCluster({ ensureNamespaces: ['default'] });
  const get = async (args: string[]) => json(ok(await c.kubectl(['get', ...args, '-o', 'json'])));
  // files are passed relative to kubectl's cwd (the suite dir), so messages name them as a user would see
  const apply = async (name: string, obj: object, extra: string[] = []) => (c.write(name, obj), c.kubectl(['apply', '-f', name, ...extra]));
  const create = async (name: string, obj: object, extra: string[] = []) => (c.write(name, obj), c.kubectl(['create', '-f', name, ...extra]));
  const namespace = async (name: string) => ok(await create(`ns-${name}.json`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  return { c, get, apply, create, namespace };
}
