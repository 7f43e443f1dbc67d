/**
 * The clusterrole-aggregation controller: an aggregated ClusterRole's rules are the union of the
 * rules of every other ClusterRole matched by its aggregationRule.clusterRoleSelectors (matched
 * roles sorted by name, duplicates dropped). Runs on every ClusterRole change in the cache, one
 * pass at a time; writes only when the rules differ, so it settles (view -> edit -> admin).
 */
import { labelSelectorFromObject } from '../../../core/api/selectors';
import type { KObject } from '../../../core/registry/types';
import type { RbacCache } from './cache';
import { normalizeRule, type PolicyRule } from './rules';

export type WriteRules = (name: string, rules: PolicyRule[]) => Promise<void>;

/** The rules `role` should have, or undefined when it is not aggregated. */
export function aggregatedRules(role: KObject, all: readonly KObject[]): PolicyRule[] | undefined {
  const rule = (role as { aggregationRule?: { clusterRoleSelectors?: unknown[] } }).aggregationRule;
  if (!rule || !Array.isArray(rule.clusterRoleSelectors)) return undefined;
  const selectors = rule.clusterRoleSelectors.map((s) => labelSelectorFromObject(s)).filter((s) => s !== undefined);
  const matched = all
    .filter((r) => r.metadata.name !== role.metadata.name && selectors.some((s) => !s.empty && s.matches(r.metadata.labels)))
    .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
  const seen = new Set<string>();
  const out: PolicyRule[] = [];
  for (const r of matched) {
    for (const raw of Array.isArray(r.rules) ? r.rules : []) {
      const n = normalizeRule(raw);
      const key = JSON.stringify(n);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(n);
    }
  }
  return out;
}

function sameRules(current: unknown, wanted: PolicyRule[]): boolean {
  const cur = Array.isArray(current) ? current.map((r) => JSON.stringify(normalizeRule(r))) : [];
  return cur.length === wanted.length && cur.every((c, i) => c === JSON.stringify(wanted[i]));
}

export class AggregationController {
  private running = false;
  private dirty = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly cache: RbacCache,
    private readonly write: WriteRules,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** a ClusterRole changed: run a pass (now, or after the running one) */
  enqueue(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (!this.running) void this.run();
  }

  stop(): void {
    this.stopped = true;
  }

  /** resolves when no pass is running or queued */
  idle(): Promise<void> {
    if (!this.running && !this.dirty) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        const all = this.cache.clusterRoles();
        for (const role of all) {
          const wanted = aggregatedRules(role, all);
          if (!wanted || sameRules(role.rules, wanted)) continue;
          try {
            await this.write(String(role.metadata.name), wanted);
          } catch (err) {
            this.onError(err);
          }
        }
      }
    } finally {
      this.running = false;
      if (!this.dirty) this.idleWaiters.splice(0).forEach((w) => w());
    }
  }
}
