/**
 * Request body decoding: JSON, YAML (`application/yaml`), protobuf
 * (`application/vnd.kubernetes.protobuf`, via core/api/protobuf when that module is present).
 * A malformed body is 400 BadRequest, an unknown media type 415 UnsupportedMediaType. Bodies nested
 * deeper than MAX_NESTING_DEPTH are 400 before they are parsed (a cheap scan), and YAML aliases are
 * capped (`maxAliasCount`), so alias bombs and deep documents are refused before they cost memory.
 */
import YAML from 'yaml';
import { requestMediaType } from './negotiate';
import { decodeProtobufObject } from './protobuf';
import { statusError } from './status';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
/**
 * The deepest JSON/YAML body accepted. Real objects stay far below it (a deep CRD schema is ~50); it
 * keeps recursive code downstream (and the yaml composer, which overflows the stack near 900 levels)
 * safe.
 */
export const MAX_NESTING_DEPTH = 200;

const ACCEPTED = `application/json, application/yaml, ${PROTOBUF}`;


export interface DecodedBody {
  obj: Record<string, unknown>;
  /** duplicate fields found in a JSON body (dotted paths) */
  duplicates: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decode a request body into an object. `mediaTypeOverride` is used when the Content-Type is
 * absent (PUT /scale from kubectl has none; JSON is assumed).
 */
export function decodeBody(body: Buffer, contentType: string | string[] | undefined): DecodedBody {
  const mt = requestMediaType(contentType);
  let value: unknown;
  let duplicates: string[] = [];
  if (mt === '' || mt === 'application/json' || mt === '*/*') {
    const text = body.toString('utf8');
    if (text.trim() === '') throw statusError('BadRequest', 'the body of the request was empty');
    const keys = jsonKeyCount(text, MAX_NESTING_DEPTH);
    if (keys < 0) throw tooDeep();
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw statusError('BadRequest', `the body of the request could not be decoded as JSON: ${(err as Error).message}`);
    }
    // a duplicate key collapses into one property: as many properties as keys in the text = none
    if (isPlainObject(value) && countProperties(value) !== keys) duplicates = findDuplicateKeys(text);
  } else if (mt === 'application/yaml' || mt === 'application/x-yaml' || mt === 'text/yaml') {
    const text = body.toString('utf8');
    if (yamlDepthExceeds(text, MAX_NESTING_DEPTH)) throw tooDeep();
    try {
      const doc = YAML.parseDocument(text, { uniqueKeys: false });
      if (doc.errors.length > 0) throw doc.errors[0];
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw statusError('BadRequest', `the body of the request could not be decoded as YAML: ${(err as Error).message}`);
    }
  } else if (mt === PROTOBUF) {
    try {
      // core/api/protobuf answers { apiVersion, kind, object }: the object, with the envelope's TypeMeta
      const { apiVersion, kind, object } = decodeProtobufObject(body);
      value = { ...(apiVersion ? { apiVersion } : {}), ...(kind ? { kind } : {}), ...object };
    } catch (err) {
      if (err && typeof err === 'object' && 'status' in err) throw err;
      throw statusError('BadRequest', `the body of the request could not be decoded as protobuf: ${(err as Error).message}`);
    }
  } else {
    throw statusError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${ACCEPTED}`);
  }
  if (!isPlainObject(value)) throw statusError('BadRequest', 'the body of the request must be an object');
  return { obj: value, duplicates };
}

function tooDeep() {
  return statusError('BadRequest', `the body of the request is nested too deeply (more than ${MAX_NESTING_DEPTH} levels)`);
}

/**
 * The number of object keys in a JSON text (a string followed by `:`), or -1 when it nests
 * arrays/objects deeper than `max`: jsonDepthExceeds' single pass, counting keys as it goes.
 */
function jsonKeyCount(text: string, max: number): number {
  let depth = 0;
  let keys = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < n && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      let k = i + 1;
      let d = text.charCodeAt(k);
      while (d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) d = text.charCodeAt(++k);
      if (d === 0x3a /* : */) keys++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return -1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return keys;
}

/** Own properties of every object in a parsed JSON value. */
function countProperties(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) n += countProperties(v);
    return n;
  }
  for (const k in value) {
    n++;
    n += countProperties((value as Record<string, unknown>)[k]);
  }
  return n;
}

/** True when a JSON text nests arrays/objects deeper than `max` (one pass, strings skipped). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/**
 * True when a YAML text nests deeper than `max`, estimated from the yaml lexer's tokens (no document
 * is built): open flow collections + block indentation levels + compact `- `/`? ` indicators on a
 * line. Stops at the first token past the limit, so a hostile body costs one partial lexing pass.
 */
export function yamlDepthExceeds(text: string, max: number): boolean {
  let flow = 0;
  const indents: number[] = [];
  let lineStart = true;
  let column = 0;
  let lineExtra = 0;
  for (const token of new YAML.Lexer().lex(text)) {
    const type = YAML.CST.tokenType(token);
    if (type === 'newline') {
      lineStart = true;
      column = 0;
      lineExtra = 0;
      continue;
    }
    if (type === 'space' || type === 'comment' || type === 'doc-mode' || type === 'byte-order-mark') {
      if (lineStart && type === 'space') column += token.length;
      continue;
    }
    if (lineStart && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1] > column) indents.pop();
      if (indents.length === 0 || indents[indents.length - 1] < column) indents.push(column);
    }
    lineStart = false;
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flow > 0) flow--;
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind') lineExtra++;
    else if (type === 'doc-start') indents.length = 0;
    if (flow + indents.length + lineExtra > max) return true;
  }
  return false;
}

/**
 * Duplicate keys in a JSON text (JSON.parse silently keeps the last one), as dotted paths.
 * Assumes the text already parsed; a single pass, no allocation per value.
 */
export function findDuplicateKeys(text: string): string[] {
  const dups: string[] = [];
  // stack of open containers: for objects, the keys seen and the path
  const stack: Array<{ obj: boolean; keys?: Set<string>; path: string; idx: number }> = [];
  let i = 0;
  let pendingKey: string | undefined;
  const childPath = (top: { obj: boolean; path: string; idx: number }, key: string | undefined): string =>
    top.obj ? (top.path ? `${top.path}.${key}` : key ?? '') : `${top.path}[${top.idx}]`;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      let hasEscape = false;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          hasEscape = true;
          j++;
        }
        j++;
      }
      const raw = text.slice(i, j + 1);
      i = j + 1;
      let k = i;
      while (k < text.length && (text[k] === ' ' || text[k] === '\n' || text[k] === '\r' || text[k] === '\t')) k++;
      const top = stack[stack.length - 1];
      if (text[k] === ':' && top?.obj) {
        const key = hasEscape ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys!.has(key)) dups.push(top.path ? `${top.path}.${key}` : key);
        else top.keys!.add(key);
        pendingKey = key;
        i = k + 1;
      }
      continue;
    }
    if (c === '{' || c === '[') {
      const top = stack[stack.length - 1];
      const path = top ? childPath(top, pendingKey) : '';
      stack.push({ obj: c === '{', keys: c === '{' ? new Set() : undefined, path, idx: 0 });
      pendingKey = undefined;
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top && !top.obj) top.idx++;
    }
    i++;
  }
  return dups;
}

/**
 * Check the body's apiVersion/kind against what the URL serves; fill them in when absent.
 * `accepted` lists the apiVersions the endpoint takes (the request's first).
 */
export function checkTypeMeta(obj: Record<string, unknown>, accepted: readonly string[], kind: string): string {
  const av = obj.apiVersion;
  const k = obj.kind;
  if (av !== undefined && av !== null && av !== '' && (typeof av !== 'string' || !accepted.includes(av))) {
    throw statusError('BadRequest', `the API version in the data (${String(av)}) does not match the expected API version (${accepted[0]})`);
  }
  if (k !== undefined && k !== null && k !== '' && k !== kind) {
    throw statusError('BadRequest', `the kind in the data (${String(k)}) does not match the expected kind (${kind})`);
  }
  const version = typeof av === 'string' && av !== '' ? av : accepted[0];
  obj.apiVersion = version;
  obj.kind = kind;
  return version;
}
