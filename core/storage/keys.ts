/** Key-space helpers shared by the storage backends. */
import { StorageError } from './types';

/** The smallest key greater than every key starting with `prefix` ('' = no upper bound). */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '';
}

/** Index of the first element of the sorted `arr` that is >= `target` (by `cmp`). */
export function lowerBound<T, K>(arr: readonly T[], target: K, cmp: (a: T, b: K) => number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(arr[mid], target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Plain string order (UTF-16 code units; identical to byte order for the ASCII keys Kubernetes uses). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reading at a revision above the current one (etcd: "required revision is a future revision"). */
export function futureRevision(revision: number, current: number): StorageError {
  return new StorageError('Internal', `revision ${revision} is a future revision (current revision ${current})`);
}

/** Reading or watching below the compacted revision (Kubernetes answers 410 Gone). */
export function expiredError(what: string, compactedRevision: number): StorageError {
  return new StorageError('Expired', `${what}: required revision has been compacted (compacted revision ${compactedRevision})`, {
    compactedRevision,
  });
}
