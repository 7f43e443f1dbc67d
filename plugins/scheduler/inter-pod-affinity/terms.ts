/** Pod (anti-)affinity terms, parsed once: which pods a term selects and its topology key. */
import { labelSelectorFromObject, type LabelSelector } from '../../../core/api/selectors';
import { records } from '../shared/pod';
import type { Json, Pod, PodInfo } from '../shared/types';

export interface AffinityTerm {
  topologyKey: string;
  selector?: LabelSelector;
  /** undefined = every namespace */
  namespaces?: Set<string>;
  weight: number;
}

export function parseTerm(t: Json, ownerNamespace: string, weight = 1): AffinityTerm {
  const list: string[] = Array.isArray(t.namespaces) ? t.namespaces.map(String) : [];
  let namespaces: Set<string> | undefined;
  if (list.length) namespaces = new Set(list);
  else if (t.namespaceSelector && Object.keys(t.namespaceSelector).length === 0) namespaces = undefined; // {} = all namespaces
  else namespaces = new Set([ownerNamespace]);
  return { topologyKey: String(t.topologyKey ?? ''), selector: t.labelSelector ? labelSelectorFromObject(t.labelSelector) : undefined, namespaces, weight };
}

/** Does `term` (of some pod) select the pod `pi`? A term without a selector selects nothing. */
export function termMatches(term: AffinityTerm, labels: Record<string, string>, namespace: string): boolean {
  if (!term.selector) return false;
  if (term.namespaces && !term.namespaces.has(namespace)) return false;
  return term.selector.matches(labels);
}

export interface PodTerms {
  requiredAffinity: AffinityTerm[];
  requiredAnti: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAnti: AffinityTerm[];
}

const cache = new WeakMap<Pod, PodTerms>();

export function termsOf(pod: Pod): PodTerms {
  let t = cache.get(pod);
  if (t) return t;
  const ns = pod.metadata?.namespace ?? '';
  const a = pod.spec?.affinity ?? {};
  t = {
    requiredAffinity: records(a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).map((x) => parseTerm(x, ns)),
    requiredAnti: records(a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).map((x) => parseTerm(x, ns)),
    preferredAffinity: records(a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution).map((x) => parseTerm(x.podAffinityTerm ?? {}, ns, Number(x.weight ?? 0))),
    preferredAnti: records(a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).map((x) => parseTerm(x.podAffinityTerm ?? {}, ns, Number(x.weight ?? 0))),
  };
  cache.set(pod, t);
  return t;
}

export const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

export type { PodInfo };
