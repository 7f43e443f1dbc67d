/**
 * audit.k8s.io/v1 Policy: validation and evaluation. The first rule that matches a request decides
 * its level and omitted stages; no match (or no policy) is level None.
 */
import YAML from 'yaml';

export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export const LEVELS: readonly Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
export const STAGES: readonly Stage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export interface GroupResources {
  /** '' is the core group */
  group?: string;
  /** `pods`, `pods/log`, `pods/*`, `*\/scale`, `*` */
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  /** '' matches cluster-scoped (non-namespaced) requests */
  namespaces?: string[];
  /** `/healthz`, `/apis/*` (a trailing `*` is a prefix) */
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

export interface Policy {
  apiVersion?: string;
  kind?: string;
  rules: PolicyRule[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** What the policy needs to know about a request. */
export interface RequestAttributes {
  username?: string;
  groups: readonly string[];
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface Decision {
  level: Level;
  omitStages: ReadonlySet<Stage>;
  omitManagedFields: boolean;
}

const NONE: Decision = Object.freeze({ level: 'None', omitStages: new Set<Stage>(), omitManagedFields: false });

/** Parse and validate a Policy document (YAML or JSON); throws an Error naming the bad field. */
export function parsePolicy(text: string, source: string): Policy {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new Error(`${source}: not a YAML document: ${(err as Error).message}`);
  }
  return validatePolicy(doc, source);
}

export function validatePolicy(doc: unknown, source: string): Policy {
  const fail = (path: string, msg: string): never => {
    throw new Error(`${source}: ${path}: ${msg}`);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('', 'a Policy must be an object');
  const p = doc as Record<string, unknown>;
  if (p.apiVersion !== undefined && p.apiVersion !== 'audit.k8s.io/v1') fail('apiVersion', `unsupported apiVersion ${JSON.stringify(p.apiVersion)} (audit.k8s.io/v1)`);
  if (p.kind !== undefined && p.kind !== 'Policy') fail('kind', `must be Policy`);
  const stages = (v: unknown, path: string): Stage[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return fail(path, 'must be a list');
    v.forEach((s, i) => STAGES.includes(s as Stage) || fail(`${path}[${i}]`, `unknown stage ${JSON.stringify(s)}`));
    return v as Stage[];
  };
  const strings = (v: unknown, path: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return fail(path, 'must be a list');
    v.forEach((s, i) => typeof s === 'string' || fail(`${path}[${i}]`, 'must be a string'));
    return v as string[];
  };
  const rulesIn = p.rules ?? [];
  if (!Array.isArray(rulesIn)) fail('rules', 'must be a list');
  const rules = (rulesIn as unknown[]).map((r, i): PolicyRule => {
    const path = `rules[${i}]`;
    if (typeof r !== 'object' || r === null) return fail(path, 'must be an object');
    const rule = r as Record<string, unknown>;
    if (!LEVELS.includes(rule.level as Level)) fail(`${path}.level`, `must be one of ${LEVELS.join(', ')}`);
    const resources = rule.resources === undefined || rule.resources === null ? undefined : rule.resources;
    if (resources !== undefined && !Array.isArray(resources)) fail(`${path}.resources`, 'must be a list');
    const groupResources = (resources as unknown[] | undefined)?.map((g, j): GroupResources => {
      const gp = `${path}.resources[${j}]`;
      if (typeof g !== 'object' || g === null) return fail(gp, 'must be an object');
      const gr = g as Record<string, unknown>;
      if (gr.group !== undefined && typeof gr.group !== 'string') fail(`${gp}.group`, 'must be a string');
      return { group: gr.group as string | undefined, resources: strings(gr.resources, `${gp}.resources`), resourceNames: strings(gr.resourceNames, `${gp}.resourceNames`) };
    });
    const out: PolicyRule = {
      level: rule.level as Level,
      users: strings(rule.users, `${path}.users`),
      userGroups: strings(rule.userGroups, `${path}.userGroups`),
      verbs: strings(rule.verbs, `${path}.verbs`),
      resources: groupResources,
      namespaces: strings(rule.namespaces, `${path}.namespaces`),
      nonResourceURLs: strings(rule.nonResourceURLs, `${path}.nonResourceURLs`),
      omitStages: stages(rule.omitStages, `${path}.omitStages`),
      omitManagedFields: rule.omitManagedFields === undefined ? undefined : Boolean(rule.omitManagedFields),
    };
    const hasResourceFields = (out.resources?.length ?? 0) > 0 || (out.namespaces?.length ?? 0) > 0;
    if (hasResourceFields && (out.nonResourceURLs?.length ?? 0) > 0) fail(path, 'rules can apply to resources or nonResourceURLs, not both');
    return out;
  });
  return { rules, omitStages: stages(p.omitStages, 'omitStages'), omitManagedFields: Boolean(p.omitManagedFields) };
}

/** A compiled policy: `decide(attrs)` is the first matching rule's level and omitted stages. */
export class PolicyEvaluator {
  private readonly decisions: Decision[];
  constructor(private readonly policy: Policy | undefined) {
    const top = policy?.omitStages ?? [];
    this.decisions = (policy?.rules ?? []).map((r) => ({
      level: r.level,
      omitStages: new Set([...top, ...(r.omitStages ?? [])]),
      omitManagedFields: r.omitManagedFields ?? policy?.omitManagedFields ?? false,
    }));
  }

  /** true when no request can be audited (no policy, or every rule is None) */
  get silent(): boolean {
    return this.decisions.every((d) => d.level === 'None');
  }

  decide(attrs: RequestAttributes): Decision {
    const rules = this.policy?.rules ?? [];
    for (let i = 0; i < rules.length; i++) if (ruleMatches(rules[i], attrs)) return this.decisions[i];
    return NONE;
  }
}

function listed(list: readonly string[] | undefined, value: string): boolean {
  return list === undefined || list.length === 0 || list.includes(value) || list.includes('*');
}

export function ruleMatches(rule: PolicyRule, a: RequestAttributes): boolean {
  if (rule.users?.length && !(a.username !== undefined && rule.users.includes(a.username))) return false;
  if (rule.userGroups?.length && !a.groups.some((g) => rule.userGroups!.includes(g))) return false;
  if (!listed(rule.verbs, a.verb)) return false;
  if (a.isResourceRequest) {
    if (rule.nonResourceURLs?.length) return false;
    if (rule.namespaces?.length && !rule.namespaces.includes(a.namespace)) return false;
    if (!rule.resources?.length) return true;
    return rule.resources.some((gr) => groupResourceMatches(gr, a));
  }
  if (rule.resources?.length || rule.namespaces?.length) return false;
  if (!rule.nonResourceURLs?.length) return true;
  return rule.nonResourceURLs.some((u) => (u.endsWith('*') ? a.path.startsWith(u.slice(0, -1)) : a.path === u));
}

function groupResourceMatches(gr: GroupResources, a: RequestAttributes): boolean {
  if ((gr.group ?? '') !== a.apiGroup && gr.group !== '*') return false;
  if (gr.resources?.length) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const ok = gr.resources.some(
      (r) =>
        r === '*' ||
        r === combined ||
        (a.subresource !== '' && (r === `*/${a.subresource}` || r === `${a.resource}/*`)),
    );
    if (!ok) return false;
  }
  if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) return false;
  return true;
}
