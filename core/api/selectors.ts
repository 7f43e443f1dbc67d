/**
 * Label selectors (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`, `>`, `<`) and field selectors
 * (`=`, `==`, `!=` over fields a resource declares). Parse errors are 400 BadRequest.
 */
import type { KObject } from '../registry/types';
import { statusError } from './status';
import { labelValue, qualifiedName } from './validation';

export type LabelOperator = 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  /** true for the empty selector (matches everything) */
  readonly empty: boolean;
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  toString(): string;
}

type Tok = { t: 'id' | 'op' | ','| '(' | ')' | 'end'; v: string; pos: number };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);

function lex(input: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === ',' || c === '(' || c === ')') {
      toks.push({ t: c, v: c, pos: i });
      i++;
    } else if (c === '=' || c === '!' || c === '>' || c === '<') {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        toks.push({ t: 'op', v: two, pos: i });
        i += 2;
      } else {
        toks.push({ t: 'op', v: c, pos: i });
        i++;
      }
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j]) && !/\s/.test(input[j])) j++;
      toks.push({ t: 'id', v: input.slice(i, j), pos: i });
      i = j;
    }
  }
  toks.push({ t: 'end', v: '', pos: input.length });
  return toks;
}

function bad(message: string): Error {
  return statusError('BadRequest', message);
}

function checkKey(key: string): void {
  const errs = qualifiedName(key);
  if (errs.length) throw bad(`unable to parse requirement: key: Invalid value: ${JSON.stringify(key)}: ${errs.join('; ')}`);
}

function checkValue(value: string): void {
  const errs = labelValue(value);
  if (errs.length) throw bad(`unable to parse requirement: values[0]: Invalid value: ${JSON.stringify(value)}: ${errs.join('; ')}`);
}

/** Parse a label selector string; throws a 400 StatusError. */
export function parseLabelSelector(input: string | null | undefined): LabelSelector {
  const text = (input ?? '').trim();
  if (text === '') return makeSelector([]);
  const toks = lex(text);
  let p = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];
  const reqs: LabelRequirement[] = [];
  for (;;) {
    let t = next();
    if (t.t === 'op' && t.v === '!') {
      const k = next();
      if (k.t !== 'id') throw bad(`found '${k.v}', expected: identifier after '!'`);
      checkKey(k.v);
      reqs.push({ key: k.v, operator: '!', values: [] });
    } else if (t.t === 'id') {
      const key = t.v;
      checkKey(key);
      const op = peek();
      if (op.t === 'end' || op.t === ',') {
        reqs.push({ key, operator: 'exists', values: [] });
      } else if (op.t === 'id' && (op.v === 'in' || op.v === 'notin')) {
        next();
        if (next().t !== '(') throw bad(`found '${toks[p - 1].v}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          const v = peek();
          if (v.t === 'id') {
            next();
            checkValue(v.v);
            values.push(v.v);
          } else if (v.t === ',' || v.t === ')') {
            values.push('');
          } else {
            throw bad(`found '${v.v}', expected: ',', ')' or identifier`);
          }
          const sep = next();
          if (sep.t === ')') break;
          if (sep.t !== ',') throw bad(`found '${sep.v}', expected: ',' or ')'`);
        }
        if (values.length === 1 && values[0] === '') {
          throw bad(`unable to parse requirement: values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
        }
        reqs.push({ key, operator: op.v as 'in' | 'notin', values });
      } else if (op.t === 'op' && (op.v === '=' || op.v === '==' || op.v === '!=' || op.v === '>' || op.v === '<')) {
        next();
        const v = peek();
        let value = '';
        if (v.t === 'id') {
          next();
          value = v.v;
        } else if (v.t !== ',' && v.t !== 'end') {
          throw bad(`found '${v.v}', expected: identifier`);
        }
        if (op.v === '>' || op.v === '<') {
          if (!/^-?\d+$/.test(value)) throw bad(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
          reqs.push({ key, operator: op.v === '>' ? 'gt' : 'lt', values: [value] });
        } else {
          checkValue(value);
          reqs.push({ key, operator: op.v as '=' | '==' | '!=', values: [value] });
        }
      } else {
        throw bad(`found '${op.v}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    } else {
      throw bad(`found '${t.v}', expected: !, identifier, or 'end of string'`);
    }
    t = next();
    if (t.t === 'end') break;
    if (t.t !== ',') throw bad(`found '${t.v}', expected: ',' or 'end of string'`);
    const after = peek();
    if (after.t === 'end') throw bad(`found '', expected: !, identifier`);
  }
  return makeSelector(reqs);
}

function matchOne(r: LabelRequirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v!)) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${[...r.values].sort().join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

function makeSelector(reqs: LabelRequirement[]): LabelSelector {
  const sorted = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: sorted,
    empty: sorted.length === 0,
    matches: (labels) => {
      for (const r of sorted) if (!matchOne(r, labels)) return false;
      return true;
    },
    toString: () => sorted.map(requirementString).join(','),
  };
}

/** metav1.LabelSelector (matchLabels + matchExpressions) as a selector; undefined or invalid -> undefined. */
export function labelSelectorFromObject(sel: unknown): LabelSelector | undefined {
  if (typeof sel === 'string') {
    try {
      return parseLabelSelector(sel);
    } catch {
      return undefined;
    }
  }
  if (typeof sel !== 'object' || sel === null) return undefined;
  const { matchLabels, matchExpressions } = sel as { matchLabels?: unknown; matchExpressions?: unknown };
  const reqs: LabelRequirement[] = [];
  if (matchLabels && typeof matchLabels === 'object') {
    for (const [k, v] of Object.entries(matchLabels)) reqs.push({ key: k, operator: '=', values: [String(v)] });
  }
  if (Array.isArray(matchExpressions)) {
    for (const e of matchExpressions as Array<{ key?: unknown; operator?: unknown; values?: unknown }>) {
      if (!e || typeof e.key !== 'string') return undefined;
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      const op = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : e.operator === 'DoesNotExist' ? '!' : undefined;
      if (!op) return undefined;
      reqs.push({ key: e.key, operator: op, values });
    }
  }
  return makeSelector(reqs);
}

// ---------------------------------------------------------------- field selectors

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

export type FieldGetter = (obj: KObject) => string | undefined;

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  readonly empty: boolean;
  matches(obj: KObject): boolean;
  /** the exact name required by `metadata.name=x`, if any */
  readonly name?: string;
}

/** Split on `sep` where it is not escaped with a backslash. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

function unescapeValue(v: string, term: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\') {
      const n = v[i + 1];
      if (n === '\\' || n === ',' || n === '=') {
        out += n;
        i++;
        continue;
      }
      throw bad(`invalid field selector: invalid escape sequence in '${term}'`);
    }
    if (v[i] === ',' || v[i] === '=') throw bad(`invalid field selector: unescaped '${v[i]}' in '${term}'`);
    out += v[i];
  }
  return out;
}

/** The fields every resource supports. */
export const STANDARD_FIELDS: Readonly<Record<string, FieldGetter>> = Object.freeze({
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
});

/**
 * Parse a field selector over `metadata.name`, `metadata.namespace` and `extra` fields.
 * Unknown field -> 400 `field label not supported: X`.
 */
export function parseFieldSelector(input: string | null | undefined, extra?: Readonly<Record<string, FieldGetter>>): FieldSelector {
  const text = (input ?? '').trim();
  const reqs: FieldRequirement[] = [];
  if (text !== '') {
    for (const term of splitUnescaped(text, ',')) {
      let at = -1;
      let op: FieldRequirement['operator'] | undefined;
      for (let i = 0; i < term.length && at < 0; i++) {
        if (term[i] === '\\') i++;
        else if (term.startsWith('!=', i)) [at, op] = [i, '!='];
        else if (term.startsWith('==', i)) [at, op] = [i, '=='];
        else if (term[i] === '=') [at, op] = [i, '='];
      }
      if (at <= 0 || !op) throw bad(`invalid selector: '${text}'; can't understand '${term}'`);
      const field = term.slice(0, at).trim();
      const value = unescapeValue(term.slice(at + op.length).trim(), term);
      if (!field) throw bad(`invalid selector: '${text}'; can't understand '${term}'`);
      reqs.push({ field, operator: op, value });
    }
  }
  const getters: Record<string, FieldGetter> = {};
  for (const r of reqs) {
    const g = STANDARD_FIELDS[r.field] ?? extra?.[r.field];
    if (!g) throw bad(`field label not supported: ${r.field}`);
    getters[r.field] = g;
  }
  const nameReq = reqs.find((r) => r.field === 'metadata.name' && r.operator !== '!=');
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    name: nameReq?.value,
    matches: (obj) => {
      for (const r of reqs) {
        let v: string | undefined;
        try {
          v = getters[r.field](obj);
        } catch {
          v = undefined;
        }
        const eq = (v ?? '') === r.value;
        if (r.operator === '!=' ? eq : !eq) return false;
      }
      return true;
    },
  };
}
