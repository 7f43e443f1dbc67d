/**
 * V8 heap growth for a long-running k8ts. On a machine with memory to spare V8 lets the old
 * generation grow to up to 4 times what survived the last full GC before the next one, so a
 * k8ts holding 1 GiB of live objects (1,000 nodes, 100,000 pods) can reach several GiB of heap,
 * most of it garbage. k8ts sets the growing factor to 2 (`--heap-growing-percent=100`), as kube-apiserver runs
 * with Go's default GOGC=100: a full GC when the heap has doubled since the last one. Nothing else
 * changes (more frequent full GCs, each as long as before). A value given on the node command
 * line or in NODE_OPTIONS wins.
 */
import v8 from 'node:v8';

export const DEFAULT_HEAP_GROWING_PERCENT = 100;

export interface HeapGrowthEnv {
  execArgv: readonly string[];
  nodeOptions?: string;
  setFlags(flags: string): void;
}

const FLAG = /--heap[-_]growing[-_]percent\b/;

/** Set V8's heap growing factor unless the node command line or NODE_OPTIONS sets it; returns whether it set it. */
export function tuneHeapGrowth(
  percent = DEFAULT_HEAP_GROWING_PERCENT,
  env: HeapGrowthEnv = { execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS, setFlags: (f) => v8.setFlagsFromString(f) },
): boolean {
  if (env.execArgv.some((a) => FLAG.test(a)) || FLAG.test(env.nodeOptions ?? '')) return false;
  env.setFlags(`--heap-growing-percent=${percent}`);
  return true;
}
