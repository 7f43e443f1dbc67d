/**
 * Kubernetes validates `pattern` with Go's RE2; JavaScript's RegExp reads most RE2 patterns the
 * same way. The common differences are translated: leading flag groups `(?i)`, `(?s)`, `(?m)`
 * become RegExp flags, POSIX classes inside brackets (`[[:alpha:]]`) become ranges, `\A` and `\z`
 * become `^` and `$`. Lookaround and backreferences are refused as RE2 refuses them. Patterns that
 * do not compile are refused at CRD create.
 */

const POSIX: Readonly<Record<string, string>> = Object.freeze({
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: '0-9A-Fa-f',
});

const cache = new Map<string, RegExp>();

/** An RE2 pattern as a JavaScript RegExp; throws when it does not compile. */
export function re2(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let p = pattern;
  let flags = '';
  const m = /^\(\?([ims]+)\)/.exec(p);
  if (m) {
    flags = [...new Set(m[1])].join('');
    p = p.slice(m[0].length);
  }
  // RE2 has no lookaround and no backreferences
  if (/\(\?<?[=!]/.test(p)) throw new Error('invalid or unsupported Perl syntax: lookaround');
  if (/(^|[^\\])\\[1-9]/.test(p)) throw new Error('invalid escape sequence: backreference');
  p = p.replace(/\[:([a-z]+):\]/g, (all, name: string) => POSIX[name] ?? all);
  p = p.replace(/(^|[^\\])\\A/g, '$1^').replace(/(^|[^\\])\\z/g, '$1$');
  const rx = new RegExp(p, flags);
  if (cache.size > 2000) cache.clear();
  cache.set(pattern, rx);
  return rx;
}

/** ajv's regExp engine option (`code` names it in generated code). */
export const re2Engine = Object.assign((pattern: string) => re2(pattern), { code: 're2' });
