/**
 * Response content negotiation. JSON is the answer for anything kubectl sends; Table when the
 * Accept header asks for `application/json;as=Table;v=v1;g=meta.k8s.io` (get/list/watch),
 * PartialObjectMetadata(List) for metadata-only clients, YAML for `application/yaml`.
 * Never 406 when `application/json` or `* / *` appears anywhere in Accept.
 */
import { statusError } from './status';

export type OutputKind = 'json' | 'yaml' | 'table' | 'metadata';

export interface OutputFormat {
  kind: OutputKind;
  /** meta.k8s.io version of a Table or PartialObjectMetadata answer (v1 or v1beta1) */
  metaVersion: string;
}

export interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

export const JSON_OUTPUT: OutputFormat = Object.freeze({ kind: 'json', metaVersion: 'v1' }) as OutputFormat;

/** Parse an Accept header into media ranges ordered by q (stable). */
export function parseAccept(header: string | string[] | undefined): MediaRange[] {
  const text = Array.isArray(header) ? header.join(',') : header ?? '';
  const out: MediaRange[] = [];
  for (const part of text.split(',')) {
    const [mt, ...rawParams] = part.split(';');
    const [type, subtype] = mt.trim().toLowerCase().split('/');
    if (!type || subtype === undefined) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number.isFinite(Number(v)) ? Number(v) : 1;
      else params[k] = v;
    }
    if (q > 0) out.push({ type, subtype: subtype.trim(), params, q });
  }
  return out.map((m, i) => ({ m, i })).sort((a, b) => b.m.q - a.m.q || a.i - b.i).map((x) => x.m);
}

const META_VERSIONS = new Set(['v1', 'v1beta1']);

/**
 * Choose the response format. `allowTransforms` is true for reads (get/list/watch), where Table and
 * PartialObjectMetadata are served; writes answer JSON.
 */
export function negotiateOutput(accept: string | string[] | undefined, allowTransforms: boolean): OutputFormat {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return JSON_OUTPUT;
  let sawJson = false;
  for (const r of ranges) {
    const anyType = r.type === '*' && r.subtype === '*';
    const appAny = r.type === 'application' && r.subtype === '*';
    const json = r.type === 'application' && r.subtype === 'json';
    if (anyType || appAny || json) sawJson = true;
    if (r.type === 'application' && (r.subtype === 'yaml' || r.subtype === 'x-yaml') && !r.params.as) {
      return { kind: 'yaml', metaVersion: 'v1' };
    }
    if (!(anyType || appAny || json)) continue;
    const as = r.params.as;
    if (!as) return JSON_OUTPUT;
    if (!allowTransforms) continue;
    const g = r.params.g ?? '';
    const v = r.params.v ?? '';
    if (g !== 'meta.k8s.io' || !META_VERSIONS.has(v)) continue;
    if (as === 'Table') return { kind: 'table', metaVersion: v };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { kind: 'metadata', metaVersion: v };
  }
  if (sawJson) return JSON_OUTPUT;
  throw statusError('NotAcceptable', 'only the following media types are accepted: application/json, application/yaml');
}

/** The media type of a request body, lower-cased, without parameters ('' when absent). */
export function requestMediaType(contentType: string | string[] | undefined): string {
  const ct = Array.isArray(contentType) ? contentType[0] : contentType;
  return (ct ?? '').split(';')[0].trim().toLowerCase();
}
