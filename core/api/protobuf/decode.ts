/**
 * Decode `application/vnd.kubernetes.protobuf` request bodies into the JSON object shape.
 *
 * Envelope: the 4 magic bytes "k8s\0", then a runtime.Unknown message:
 *   1: typeMeta {1: apiVersion, 2: kind}   2: raw (the object)   3: contentEncoding   4: contentType
 * The raw object is decoded with the tables in schema.ts and converted to the REST API's JSON:
 *   - JSON field names, apiVersion/kind set from the envelope;
 *   - Time/MicroTime -> RFC 3339 string, Quantity -> string, IntOrString -> number | string,
 *     RawExtension / FieldsV1 -> parsed JSON, bytes -> base64;
 *   - scalars at their zero value ("" / 0 / false) and empty Time are omitted, except fields
 *     flagged '*' (pointers such as replicas, where an explicit 0 must survive);
 *   - messages present on the wire are kept, even when empty ({}). gogo writes a non-pointer
 *     struct always and a pointer struct only when set, so this reproduces the JSON kubectl would
 *     have sent for the same object (e.g. Namespace -> spec: {}, status: {}) and keeps presence
 *     semantics such as `emptyDir: {}` or a PodDisruptionBudget `selector: {}`;
 *   - repeated and map entries are always kept, empty strings included (apiGroups: [""]).
 * Unknown field numbers are skipped, as protobuf readers do.
 *
 * Errors: unknown apiVersion/kind or unsupported envelope -> 415 UnsupportedMediaType;
 * anything malformed -> 400 BadRequest. Nothing else is ever thrown.
 */

import { StatusError, statusError } from '../status';
import { messageFor } from './kinds';
import { MESSAGES, isScalar, isSpecial, parseType, type FieldDef, type ScalarType, type SpecialType } from './schema';
import { WireError, WireType, readFields, readVarint, type WireField } from './wire';

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export interface DecodedProtobufObject {
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}

export interface DecodeOptions {
  /**
   * apiVersion/kind to use when the envelope's TypeMeta leaves them empty
   * (the real apiserver fills them from the request URL the same way).
   */
  defaults?: { apiVersion?: string; kind?: string };
}

/** Nesting guard (RawExtension can carry another envelope). */
const MAX_DEPTH = 64;

/** Seconds range Go's RFC 3339 formatting accepts: 0001-01-01 .. 9999-12-31T23:59:59. */
const MIN_SECONDS = -62135596800;
const MAX_SECONDS = 253402300799;

type Json = unknown;

export function decodeProtobufObject(body: Buffer | Uint8Array, options: DecodeOptions = {}): DecodedProtobufObject {
  try {
    return decodeEnvelope(toBuffer(body), options, 0);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw statusError('BadRequest', `unable to decode protobuf body: ${message}`);
  }
}

/** True when the buffer starts with the "k8s\0" magic. */
export function hasProtobufMagic(body: Buffer | Uint8Array): boolean {
  return body.length >= 4 && PROTOBUF_MAGIC.equals(Buffer.from(body.buffer, body.byteOffset, 4));
}

function toBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new WireError('request body is not binary data');
}

function decodeEnvelope(buf: Buffer, options: DecodeOptions, depth: number): DecodedProtobufObject {
  if (depth > MAX_DEPTH) throw new WireError('objects nested too deeply');
  if (!hasProtobufMagic(buf)) throw new WireError('body does not start with the Kubernetes protobuf prefix "k8s\\0"');

  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  let contentEncoding = '';
  let contentType = '';
  for (const f of readFields(buf.subarray(4))) {
    switch (f.field) {
      case 1:
        for (const t of readFields(bytesOf(f, 'Unknown.typeMeta'))) {
          if (t.field === 1) apiVersion = bytesOf(t, 'TypeMeta.apiVersion').toString('utf8');
          else if (t.field === 2) kind = bytesOf(t, 'TypeMeta.kind').toString('utf8');
        }
        break;
      case 2:
        raw = bytesOf(f, 'Unknown.raw');
        break;
      case 3:
        contentEncoding = bytesOf(f, 'Unknown.contentEncoding').toString('utf8');
        break;
      case 4:
        contentType = bytesOf(f, 'Unknown.contentType').toString('utf8');
        break;
      default:
        break;
    }
  }
  apiVersion ||= options.defaults?.apiVersion ?? '';
  kind ||= options.defaults?.kind ?? '';
  if (!apiVersion || !kind) throw new WireError('the envelope does not name an apiVersion and kind');

  if (contentEncoding !== '') {
    throw statusError('UnsupportedMediaType', `protobuf content encoding "${contentEncoding}" is not supported`);
  }
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/json') {
    return { apiVersion, kind, object: fromEmbeddedJson(raw, apiVersion, kind) };
  }
  if (mediaType !== '' && mediaType !== PROTOBUF_CONTENT_TYPE) {
    throw statusError('UnsupportedMediaType', `protobuf envelope content type "${contentType}" is not supported`);
  }

  const message = messageFor(apiVersion, kind);
  if (!message) {
    throw statusError(
      'UnsupportedMediaType',
      `the protobuf encoding of ${kind} in ${apiVersion} is not supported by this server; send application/json`,
      { kind },
    );
  }
  const decoded = decodeMessage(raw, message, depth + 1);
  const object: Record<string, unknown> = { apiVersion, kind, ...decoded };
  // Go always writes ObjectMeta (a non-pointer struct); keep `metadata` even for an empty raw.
  if (hasField(message, 'metadata') && object.metadata === undefined) object.metadata = {};
  return { apiVersion, kind, object };
}

function fromEmbeddedJson(raw: Buffer, apiVersion: string, kind: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new WireError(`embedded JSON is invalid: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WireError('embedded JSON is not an object');
  }
  return { ...(parsed as Record<string, unknown>), apiVersion, kind };
}

function hasField(message: string, jsonName: string): boolean {
  return Object.values(MESSAGES[message] ?? {}).some(([name]) => name === jsonName);
}

function bytesOf(f: WireField, what: string): Buffer {
  if (f.wireType !== WireType.Bytes) throw new WireError(`${what}: expected a length-delimited field, got wire type ${f.wireType}`);
  return f.value;
}

/** Decodes one message into a JSON object (never undefined: a present message is kept). */
function decodeMessage(buf: Buffer, typeName: string, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new WireError('objects nested too deeply');
  const def = MESSAGES[typeName];
  if (!def) throw new WireError(`no schema for message ${typeName}`);

  const byNumber = new Map<number, WireField[]>();
  for (const f of readFields(buf)) {
    if (!(f.field in def)) continue; // unknown field: skip
    const list = byNumber.get(f.field);
    if (list) list.push(f);
    else byNumber.set(f.field, [f]);
  }

  const out: Record<string, unknown> = {};
  for (const [numStr, fieldDef] of Object.entries(def)) {
    const occurrences = byNumber.get(Number(numStr));
    if (!occurrences) continue;
    decodeField(out, occurrences, fieldDef, `${typeName}.${fieldDef[0] || fieldDef[1]}`, depth);
  }
  return out;
}

function decodeField(out: Record<string, unknown>, occ: WireField[], def: FieldDef, where: string, depth: number): void {
  const [name, type, flags = ''] = def;
  const ref = parseType(type);

  if (ref.shape === 'repeated') {
    const items: Json[] = [];
    for (const f of occ) {
      if (isScalar(ref.base) && isPackable(ref.base) && f.wireType === WireType.Bytes) {
        items.push(...unpack(f.value, ref.base, where));
      } else {
        items.push(element(f, ref.base, where, depth));
      }
    }
    out[name] = items;
    return;
  }

  if (ref.shape === 'map') {
    const map: Record<string, Json> = {};
    for (const f of occ) {
      let key = '';
      let valueField: WireField | undefined;
      for (const e of readFields(bytesOf(f, where))) {
        if (e.field === 1) key = bytesOf(e, `${where} key`).toString('utf8');
        else if (e.field === 2) valueField = e;
      }
      const value = valueField ? element(valueField, ref.base, where, depth) : zeroElement(ref.base, where, depth);
      // defineProperty, not assignment: a key such as "__proto__" must stay an ordinary own key.
      Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    }
    out[name] = map;
    return;
  }

  // Singular field.
  if (isScalar(ref.base)) {
    const value = scalar(occ[occ.length - 1], ref.base, where);
    if (flags === '*' || !isZero(value)) out[name] = value;
    return;
  }
  // Messages: repeated occurrences of a singular message merge, which is what decoding their concatenation does.
  const bytes = occ.length === 1 ? bytesOf(occ[0], where) : Buffer.concat(occ.map((f) => bytesOf(f, where)));
  if (isSpecial(ref.base)) {
    const value = special(bytes, ref.base, where, depth, false);
    if (value !== undefined) out[name] = value;
    return;
  }
  const value = decodeMessage(bytes, ref.base, depth + 1);
  if (flags === '^') Object.assign(out, value);
  else out[name] = value;
}

/** One element of a repeated field or a map value: always present. */
function element(f: WireField, base: string, where: string, depth: number): Json {
  if (isScalar(base)) return scalar(f, base, where);
  const bytes = bytesOf(f, where);
  if (isSpecial(base)) return special(bytes, base, where, depth, true);
  return decodeMessage(bytes, base, depth + 1);
}

/** A map entry without a value field: the type's zero value. */
function zeroElement(base: string, where: string, depth: number): Json {
  if (isScalar(base)) {
    switch (base) {
      case 'string':
      case 'bytes':
        return '';
      case 'bool':
        return false;
      default:
        return 0;
    }
  }
  if (isSpecial(base)) return special(Buffer.alloc(0), base, where, depth, true);
  return decodeMessage(Buffer.alloc(0), base, depth + 1);
}

function isZero(v: Json): boolean {
  return v === '' || v === 0 || v === false;
}

function isPackable(base: ScalarType): boolean {
  return base !== 'string' && base !== 'bytes';
}

function scalar(f: WireField, base: ScalarType, where: string): Json {
  switch (base) {
    case 'string':
      return bytesOf(f, where).toString('utf8');
    case 'bytes':
      return bytesOf(f, where).toString('base64');
    case 'bool':
      return varintOf(f, where) !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, varintOf(f, where)));
    case 'int64':
      return Number(BigInt.asIntN(64, varintOf(f, where)));
    case 'double':
      if (f.wireType !== WireType.Fixed64) throw new WireError(`${where}: expected a 64-bit field, got wire type ${f.wireType}`);
      return finite(f.value.readDoubleLE(0), where);
    case 'float':
      if (f.wireType !== WireType.Fixed32) throw new WireError(`${where}: expected a 32-bit field, got wire type ${f.wireType}`);
      return finite(f.value.readFloatLE(0), where);
  }
}

function finite(n: number, where: string): number {
  if (!Number.isFinite(n)) throw new WireError(`${where}: ${n} cannot be represented in JSON`);
  return n;
}

function varintOf(f: WireField, where: string): bigint {
  if (f.wireType !== WireType.Varint) throw new WireError(`${where}: expected a varint field, got wire type ${f.wireType}`);
  return f.value;
}

/** Packed repeated scalars (proto3 style); proto2 writers send them unpacked, readers must accept both. */
function unpack(buf: Buffer, base: ScalarType, where: string): Json[] {
  const out: Json[] = [];
  if (base === 'double' || base === 'float') {
    const size = base === 'double' ? 8 : 4;
    if (buf.length % size !== 0) throw new WireError(`${where}: packed ${base} length ${buf.length} is not a multiple of ${size}`);
    for (let p = 0; p < buf.length; p += size) {
      out.push(finite(base === 'double' ? buf.readDoubleLE(p) : buf.readFloatLE(p), where));
    }
    return out;
  }
  let pos = 0;
  while (pos < buf.length) {
    const [v, next] = readVarint(buf, pos);
    pos = next;
    out.push(scalar({ field: 0, wireType: WireType.Varint, value: v }, base, where));
  }
  return out;
}

/** Special types. `present` = element of a list/map, where an empty value still yields a value. */
function special(buf: Buffer, base: SpecialType, where: string, depth: number, present: boolean): Json {
  switch (base) {
    case 'Time':
    case 'MicroTime': {
      if (buf.length === 0) return present ? null : undefined;
      let seconds = 0n;
      let nanos = 0n;
      for (const f of readFields(buf)) {
        if (f.field === 1) seconds = BigInt.asIntN(64, varintOf(f, `${where}.seconds`));
        else if (f.field === 2) nanos = BigInt.asIntN(32, varintOf(f, `${where}.nanos`));
      }
      const s = Number(seconds);
      if (s === MIN_SECONDS && nanos === 0n) return present ? null : undefined; // Go's zero time
      if (s < MIN_SECONDS || s > MAX_SECONDS) throw new WireError(`${where}: timestamp ${s} is out of range`);
      if (nanos < 0n || nanos > 999_999_999n) throw new WireError(`${where}: nanos ${nanos} is out of range`);
      const iso = new Date(s * 1000).toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
      if (base === 'Time') return `${iso}Z`; // metav1.Time keeps whole seconds only
      const micros = (nanos / 1000n).toString().padStart(6, '0');
      return `${iso}.${micros}Z`;
    }
    case 'Quantity': {
      let value = '';
      for (const f of readFields(buf)) if (f.field === 1) value = bytesOf(f, where).toString('utf8');
      if (value === '') return present ? '0' : undefined;
      return value;
    }
    case 'IntOrString': {
      let type = 0n;
      let intVal = 0n;
      let strVal = '';
      for (const f of readFields(buf)) {
        if (f.field === 1) type = varintOf(f, `${where}.type`);
        else if (f.field === 2) intVal = varintOf(f, `${where}.intVal`);
        else if (f.field === 3) strVal = bytesOf(f, `${where}.strVal`).toString('utf8');
      }
      return type === 1n ? strVal : Number(BigInt.asIntN(32, intVal));
    }
    case 'RawExtension':
    case 'FieldsV1': {
      let raw: Buffer = Buffer.alloc(0);
      for (const f of readFields(buf)) if (f.field === 1) raw = bytesOf(f, where);
      if (raw.length === 0) return present ? null : undefined;
      if (base === 'RawExtension' && hasProtobufMagic(raw)) return decodeEnvelope(raw, {}, depth + 1).object;
      try {
        return JSON.parse(raw.toString('utf8'));
      } catch (err) {
        throw new WireError(`${where}: invalid JSON: ${(err as Error).message}`);
      }
    }
    case 'StringList': {
      const items: string[] = [];
      for (const f of readFields(buf)) if (f.field === 1) items.push(bytesOf(f, where).toString('utf8'));
      return items;
    }
  }
}
