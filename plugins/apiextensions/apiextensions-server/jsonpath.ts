/**
 * The JSONPath subset CRD `additionalPrinterColumns` and `selectableFields` use (client-go's
 * jsonpath inside `{...}`): `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `..` is not supported,
 * filters `[?(@.type=="Ready")]` with `==`/`!=` against a string, number or boolean.
 */

type Step = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'all' } | { kind: 'filter'; path: Step[]; op: '==' | '!=' | 'exists'; value?: unknown };

const cache = new Map<string, Step[]>();

/** Parse a path (`.spec.replicas`, `{.spec.replicas}`); throws on what it does not understand. */
export function parseJsonPath(path: string): Step[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '.') {
      if (p[i + 1] === '.') throw new Error(`recursive descent is not supported in ${path}`);
      let j = i + 1;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      const name = p.slice(i + 1, j);
      if (name === '*') steps.push({ kind: 'all' });
      else if (name) steps.push({ kind: 'field', name });
      i = j;
    } else if (c === '[') {
      const end = matchingBracket(p, i);
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1).trim(), path));
      else throw new Error(`unsupported JSONPath segment [${inner}] in ${path}`);
    } else if (/\s/.test(c)) {
      i++;
    } else if (steps.length === 0) {
      // a path without the leading dot: spec.replicas
      p = `.${p.slice(i)}`;
      i = 0;
    } else {
      throw new Error(`unexpected ${JSON.stringify(c)} in JSONPath ${path}`);
    }
  }
  return steps;
}

function matchingBracket(p: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < p.length; i++) {
    const c = p[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return i;
    }
  }
  throw new Error(`unterminated [ in JSONPath ${p}`);
}

function parseFilter(expr: string, path: string): Step {
  const m = /^@((?:\.[^.=!\s]+)+)\s*(==|!=)\s*(.+)$/.exec(expr);
  if (!m) {
    const e = /^@((?:\.[^.=!\s]+)+)$/.exec(expr);
    if (e) return { kind: 'filter', path: parseJsonPath(e[1]), op: 'exists' };
    throw new Error(`unsupported JSONPath filter ${expr} in ${path}`);
  }
  const raw = m[3].trim();
  let value: unknown;
  if (/^'.*'$|^".*"$/.test(raw)) value = raw.slice(1, -1);
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else if (!Number.isNaN(Number(raw))) value = Number(raw);
  else throw new Error(`unsupported JSONPath filter value ${raw} in ${path}`);
  return { kind: 'filter', path: parseJsonPath(m[1]), op: m[2] as '==' | '!=', value };
}

function compiled(path: string): Step[] {
  let steps = cache.get(path);
  if (!steps) {
    steps = parseJsonPath(path);
    if (cache.size > 1000) cache.clear();
    cache.set(path, steps);
  }
  return steps;
}

function run(steps: readonly Step[], values: unknown[]): unknown[] {
  let cur = values;
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || typeof v !== 'object') continue;
      switch (s.kind) {
        case 'field':
          if (!Array.isArray(v) && (v as Record<string, unknown>)[s.name] !== undefined) next.push((v as Record<string, unknown>)[s.name]);
          break;
        case 'index':
          if (Array.isArray(v)) {
            const i = s.index < 0 ? v.length + s.index : s.index;
            if (i >= 0 && i < v.length) next.push(v[i]);
          }
          break;
        case 'all':
          next.push(...(Array.isArray(v) ? v : Object.values(v)));
          break;
        case 'filter':
          for (const item of Array.isArray(v) ? v : Object.values(v)) {
            const found = run(s.path, [item]);
            if (s.op === 'exists' ? found.length > 0 : s.op === '==' ? found.some((f) => f === s.value) : !found.some((f) => f === s.value)) next.push(item);
          }
          break;
      }
    }
    cur = next;
  }
  return cur;
}

/** Every value the path selects in `obj` (empty when none). */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  return run(compiled(path), [obj]);
}
