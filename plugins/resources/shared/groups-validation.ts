/**
 * Validators the API-group resource plugins (networking, discovery, storage, scheduling, rbac,
 * apiextensions, apiregistration...) share beyond names.ts: wildcard hosts, domain-prefixed paths,
 * IPv4/IPv6 and non-special addresses, FQDNs, enums, and typed field checks. Each returns the
 * problems found ([] when valid) in apimachinery's wording, or pushes FieldErrors.
 */
import { isIP } from 'node:net';
import { immutable, invalid, notSupported, required, type FieldError } from './field-errors';
import { isDNS1123Label, isDNS1123Subdomain } from './names';
import { getPath, semanticEqual } from './object';

const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const WILDCARD_RE = new RegExp(`^\\*\\.${DNS1123_SUBDOMAIN_FMT}$`);
const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const HTTP_PATH_RE = new RegExp(`^${HTTP_PATH_FMT}$`);

/** IsWildcardDNS1123Subdomain: `*.example.com`. */
export function isWildcardDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!WILDCARD_RE.test(v)) {
    errs.push(
      `a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.${DNS1123_SUBDOMAIN_FMT}')`,
    );
  }
  return errs;
}

/** A host that is a DNS subdomain, or a wildcard one when it contains `*`. */
export function hostProblems(host: string): string[] {
  return host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
}

/** IsDomainPrefixedPath (IngressClass controller): `acme.io/foo`. */
export function validateDomainPrefixedPath(value: string, path: string, errors: FieldError[]): void {
  if (value === '') {
    errors.push(required(path));
    return;
  }
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host === '' || rest === '') {
    errors.push(invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    return;
  }
  for (const msg of isDNS1123Subdomain(host)) errors.push(invalid(path, host, msg));
  if (!HTTP_PATH_RE.test(rest)) errors.push(invalid(path, rest, `Invalid path (regex used for validation is '${HTTP_PATH_FMT}')`));
}

export function isValidIPv4(v: string): string[] {
  return isIP(v) === 4 ? [] : ['must be a valid IPv4 address'];
}

export function isValidIPv6(v: string): string[] {
  return isIP(v) === 6 ? [] : ['must be a valid IPv6 address'];
}

function ipv4Octets(v: string): number[] {
  return v.split('.').map(Number);
}

/** ValidateNonSpecialIP: no unspecified, loopback, link-local or link-local multicast addresses. */
export function nonSpecialIPProblems(v: string): string[] {
  const family = isIP(v);
  if (!family) return ['must be a valid IP address'];
  const errs: string[] = [];
  if (family === 4) {
    const [a, b, c] = ipv4Octets(v);
    if (v === '0.0.0.0') errs.push(`may not be unspecified (${v})`);
    if (a === 127) errs.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
    if (a === 169 && b === 254) errs.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
    if (a === 224 && b === 0 && c === 0) errs.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
    return errs;
  }
  const expanded = expandIPv6(v.toLowerCase());
  // IPv4-mapped (::ffff:a.b.c.d) addresses are judged as the IPv4 address, as Go's net.IP does
  if (/^0{20}ffff/.test(expanded)) {
    const tail = expanded.slice(24);
    const v4 = [0, 2, 4, 6].map((i) => parseInt(tail.slice(i, i + 2), 16)).join('.');
    return nonSpecialIPProblems(v4).map((m) => m.replace(`(${v4})`, `(${v})`));
  }
  if (/^0+$/.test(expanded)) errs.push(`may not be unspecified (${v})`);
  if (/^0{31}1$/.test(expanded)) errs.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  const first = parseInt(expanded.slice(0, 4), 16);
  if ((first & 0xffc0) === 0xfe80) errs.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if ((first & 0xff0f) === 0xff02) errs.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errs;
}

/** 32 hex digits of an IPv6 address (embedded IPv4 tails converted). */
function expandIPv6(v: string): string {
  let s = v;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const o = ipv4Octets(v4[1]);
    s = s.slice(0, -v4[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0')).join('');
}

/** IsFullyQualifiedDomainName: at least two labels, each a DNS-1123 label (a trailing dot allowed). */
export function validateFQDN(value: string, path: string, errors: FieldError[]): void {
  if (value === '') {
    errors.push(required(path));
    return;
  }
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length) {
    errors.push(invalid(path, name, sub.join(',')));
    return;
  }
  const labels = name.split('.');
  if (labels.length < 2) {
    errors.push(invalid(path, name, 'should be a domain with at least two segments separated by dots'));
    return;
  }
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length) {
      errors.push(invalid(path, label, errs.join(',')));
      return;
    }
  }
}

/** Required enum (validateEnumStrings): Required when empty, NotSupported when not one of `valid`. */
export function validateEnum(value: unknown, path: string, valid: readonly string[], errors: FieldError[], opts: { optional?: boolean } = {}): void {
  if (value === undefined || value === null || value === '') {
    if (!opts.optional) errors.push(required(path));
    return;
  }
  if (typeof value !== 'string' || !valid.includes(value)) errors.push(notSupported(path, value, valid));
}

/** The value at `path` must not change (`field is immutable`). */
export function validateImmutable(obj: unknown, old: unknown, path: string, errors: FieldError[]): void {
  const now = getPath(obj, path);
  if (!semanticEqual(now, getPath(old, path))) errors.push(immutable(path, now ?? null));
}

/** A string field that, when set, must pass `check`. */
export function validateOptionalString(value: unknown, path: string, check: (v: string) => string[], errors: FieldError[]): void {
  if (value === undefined || value === null || value === '') return;
  const s = typeof value === 'string' ? value : String(value);
  for (const msg of check(s)) errors.push(invalid(path, s, msg));
}

/** An int32 field: must be an integer. */
export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

