/**
 * Protobuf wire-format reader: just enough of the encoding
 * (https://protobuf.dev/programming-guides/encoding/) to walk the messages
 * Kubernetes clients send. It knows nothing about schemas; see schema.ts.
 *
 * Every malformed input raises WireError. decode.ts turns it into a 400.
 */

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  Bytes = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

/** One field occurrence: varints as bigint (exact for every 64-bit value), the rest as raw bytes. */
export type WireField =
  | { field: number; wireType: WireType.Varint; value: bigint }
  | { field: number; wireType: WireType.Fixed64 | WireType.Fixed32 | WireType.Bytes; value: Buffer };

const U64_MASK = (1n << 64n) - 1n;

/** Reads a varint at `pos`; returns [value, nextPos]. At most 10 bytes, as the spec allows. */
export function readVarint(buf: Buffer, pos: number): [bigint, number] {
  // Fast path: up to 7 bytes fit exactly into a double (49 bits).
  let result = 0;
  let shift = 1;
  for (let i = 0; i < 7; i++) {
    if (pos >= buf.length) throw new WireError('truncated varint');
    const b = buf[pos++];
    result += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) return [BigInt(result), pos];
    shift *= 128;
  }
  let big = BigInt(result);
  let bigShift = 49n;
  for (let i = 7; i < 10; i++) {
    if (pos >= buf.length) throw new WireError('truncated varint');
    const b = buf[pos++];
    big |= BigInt(b & 0x7f) << bigShift;
    if ((b & 0x80) === 0) return [big & U64_MASK, pos];
    bigShift += 7n;
  }
  throw new WireError('varint longer than 10 bytes');
}

/** Splits one message's bytes into its field occurrences, in wire order. Groups are rejected. */
export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    pos = afterTag;
    if (tag > 0xffffffffn) throw new WireError('field tag out of range');
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field === 0) throw new WireError('field number 0');
    switch (wireType) {
      case WireType.Varint: {
        const [value, next] = readVarint(buf, pos);
        pos = next;
        out.push({ field, wireType, value });
        break;
      }
      case WireType.Fixed64:
      case WireType.Fixed32: {
        const size = wireType === WireType.Fixed64 ? 8 : 4;
        if (pos + size > buf.length) throw new WireError(`truncated fixed${size * 8} in field ${field}`);
        out.push({ field, wireType, value: buf.subarray(pos, pos + size) });
        pos += size;
        break;
      }
      case WireType.Bytes: {
        const [len, next] = readVarint(buf, pos);
        if (len > BigInt(buf.length - next)) throw new WireError(`length ${len} of field ${field} runs past the end of the message`);
        pos = next + Number(len);
        out.push({ field, wireType, value: buf.subarray(next, pos) });
        break;
      }
      default:
        throw new WireError(`unsupported wire type ${wireType} in field ${field}`);
    }
  }
  return out;
}

/**
 * Schema-less dump, for debugging and for reading captured fixtures:
 * nested messages are guessed (a bytes field that parses cleanly and is not printable text).
 */
export function dumpWire(buf: Buffer, indent = ''): string {
  const lines: string[] = [];
  for (const f of readFields(buf)) {
    if (f.wireType === WireType.Varint) {
      lines.push(`${indent}${f.field}: ${f.value}`);
    } else if (f.wireType === WireType.Bytes) {
      const text = f.value.toString('utf8');
      const printable = f.value.length > 0 && /^[\x20-\x7e\n]*$/.test(text);
      let nested: string | undefined;
      if (!printable && f.value.length > 0) {
        try {
          nested = dumpWire(f.value, indent + '  ');
        } catch {
          nested = undefined;
        }
      }
      if (nested !== undefined) lines.push(`${indent}${f.field}: {`, nested, `${indent}}`);
      else lines.push(`${indent}${f.field}: ${JSON.stringify(printable || f.value.length === 0 ? text : f.value.toString('hex'))}`);
    } else {
      lines.push(`${indent}${f.field}: 0x${f.value.toString('hex')}`);
    }
  }
  return lines.join('\n');
}
