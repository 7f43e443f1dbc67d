/**
 * Shared by the client-node*.test.ts suites: the namespace they use, the Status of a failed call,
 * a pod manifest, and `useClientNode()`, which starts one `k8ts up` for the calling describe and
 * loads its kubeconfig into @kubernetes/client-node.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { useCluster, type Cluster, type UseClusterOptions } from '../helpers/kubectl';

export const NS = 'cn';

/** the Status of a failed client-node call (ApiException.body is the parsed or raw body) */
export function statusOf(err: unknown): { code: number; reason?: string; message?: string; details?: any; raw: unknown } {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (typeof e?.code !== 'number') throw err;
  let body: any = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON
    }
  }
  return { code: e.code, reason: body?.reason, message: body?.message, details: body?.details, raw: e.body };
}

export async function rejects(p: Promise<unknown>): Promise<ReturnType<typeof statusOf>> {
  try {
    const v = await p;
    assert.fail(`expected an error, got ${JSON.stringify(v)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return statusOf(err);
  }
}

export const pod = (name: string, labels: Record<string, string> = { app: 'cn' }): k8s.V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

/** Content-Type: merge-patch for a typed client call */
export const mergePatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export interface ClientNodeCluster {
  c: Cluster;
  /** valid inside tests: the cluster's admin kubeconfig, loaded */
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
}

/** Call inside a top-level describe: one `k8ts up` (namespace NS ensured) and client-node on it. */
export function useClientNode(opts: UseClusterOptions = {}): ClientNodeCluster {
  // no simulated node and no scheduler: the suites write pod statuses themselves, and a kubelet running
  // the pods or the scheduler writing PodScheduled=False (0/0 nodes) would race them
  const c = useCluster({ ensureNamespaces: [NS], config: 'nodes: []\nplugins:\n  scheduler:\n    disabled: ["*"]\n', ...opts });
  const cn = { c } as ClientNodeCluster;
  before(() => {
    cn.kc = new k8s.KubeConfig();
    cn.kc.loadFromFile(c.kubeconfig);
    cn.core = cn.kc.makeApiClient(k8s.CoreV1Api);
  });
  return cn;
}
