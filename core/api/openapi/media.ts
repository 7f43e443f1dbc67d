/**
 * Accept-header parsing for the discovery and OpenAPI documents. Kubernetes clients list several
 * media ranges with parameters (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
 * application/json`); the first acceptable one wins (by q, then by position).
 */

export interface MediaRange {
  type: string;
  subtype: string;
  /** lower-cased parameter names; `q` removed */
  params: Record<string, string>;
  q: number;
}

/** Parse an Accept header; an absent or empty header is `*\/*`. */
export function parseAccept(header: string | string[] | undefined): MediaRange[] {
  const text = (Array.isArray(header) ? header.join(',') : header ?? '').trim();
  if (!text) return [{ type: '*', subtype: '*', params: {}, q: 1 }];
  const out: MediaRange[] = [];
  for (const part of text.split(',')) {
    const [mime, ...rest] = part.split(';').map((s) => s.trim());
    if (!mime) continue;
    const [type, subtype = '*'] = mime.toLowerCase().split('/');
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (key === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      else params[key] = value;
    }
    if (q > 0) out.push({ type, subtype, params, q });
  }
  // stable sort by q
  return out.map((m, i) => ({ m, i })).sort((a, b) => b.m.q - a.m.q || a.i - b.i).map((x) => x.m);
}

/** true for application/json, application/*, *\/* */
export function matchesJson(m: MediaRange): boolean {
  return (m.type === 'application' && (m.subtype === 'json' || m.subtype === '*')) || (m.type === '*' && m.subtype === '*');
}

/** What to answer a discovery request with. */
export type DiscoveryFormat = { aggregated: 'v2' | 'v2beta1' } | { aggregated: false };

/**
 * Aggregated discovery (APIGroupDiscoveryList, v2 or v2beta1) when a JSON range asks for it, else
 * the legacy documents when JSON or anything is accepted; undefined means 406.
 */
export function negotiateDiscovery(accept: string | string[] | undefined): DiscoveryFormat | undefined {
  for (const m of parseAccept(accept)) {
    if (!matchesJson(m)) continue;
    if (m.params.as !== undefined) {
      const v = m.params.v;
      if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && (v === 'v2' || v === 'v2beta1')) return { aggregated: v };
      continue; // some other server-side conversion (Table...) this document does not have
    }
    return { aggregated: false };
  }
  return undefined;
}

/** JSON (the only encoding k8ts serves documents in) is acceptable. */
export function acceptsJson(accept: string | string[] | undefined): boolean {
  return parseAccept(accept).some((m) => matchesJson(m) && m.params.as === undefined);
}

/** `If-None-Match` contains this (quoted) entity tag, or `*`. */
export function etagMatches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const text = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch;
  return text.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
