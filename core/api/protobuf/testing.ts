/**
 * A tiny protobuf writer for tests: builds bodies field by field, the way gogo would write them.
 * Not used by the server.
 */

import assert from 'node:assert/strict';
import { StatusError } from '../status';

function varint(value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Buffer.from(out);
}

function tag(field: number, wireType: number): Buffer {
  return varint((BigInt(field) << 3n) | BigInt(wireType));
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(payload.length), payload]);
}

export const pb = {
  varint,
  /** A varint field (int32/int64/bool/enum). Negative numbers take 10 bytes, as Go writes them. */
  int(field: number, value: number | bigint): Buffer {
    return Buffer.concat([tag(field, 0), varint(value)]);
  },
  bool(field: number, value: boolean): Buffer {
    return pb.int(field, value ? 1 : 0);
  },
  str(field: number, value: string): Buffer {
    return lengthDelimited(field, Buffer.from(value, 'utf8'));
  },
  bytes(field: number, value: Buffer): Buffer {
    return lengthDelimited(field, value);
  },
  /** A nested message from already-encoded fields. */
  msg(field: number, ...parts: Buffer[]): Buffer {
    return lengthDelimited(field, Buffer.concat(parts));
  },
  /** A map entry: key = 1, value = 2 (the value part is an encoded field 2, or omitted). */
  entry(field: number, key: string, value?: Buffer): Buffer {
    return pb.msg(field, pb.str(1, key), ...(value ? [value] : []));
  },
  /** Packed repeated varints. */
  packed(field: number, values: Array<number | bigint>): Buffer {
    return lengthDelimited(field, Buffer.concat(values.map(varint)));
  },
  fixed64(field: number, value: number): Buffer {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    return Buffer.concat([tag(field, 1), b]);
  },
  /** The "k8s\0" envelope around an object's bytes. */
  envelope(apiVersion: string, kind: string, raw: Buffer, extra: { contentEncoding?: string; contentType?: string } = {}): Buffer {
    const parts = [pb.msg(1, pb.str(1, apiVersion), pb.str(2, kind)), pb.bytes(2, raw)];
    if (extra.contentEncoding !== undefined) parts.push(pb.str(3, extra.contentEncoding));
    if (extra.contentType !== undefined) parts.push(pb.str(4, extra.contentType));
    return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), ...parts]);
  },
};

/** Hex with spaces, comments and ["quoted"] ASCII allowed, as written in docs: `0a02"v1"`. */
export function hexDoc(text: string): Buffer {
  const chunks: Buffer[] = [];
  const re = /"([^"]*)"|([0-9a-fA-F]{2})|[\s[\]]+/g;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(text)) !== null) {
    if (m.index !== last) throw new Error(`unexpected text at ${last}: ${text.slice(last, m.index)}`);
    last = re.lastIndex;
    if (m[1] !== undefined) chunks.push(Buffer.from(m[1], 'utf8'));
    else if (m[2] !== undefined) chunks.push(Buffer.from(m[2], 'hex'));
  }
  if (last !== text.length) throw new Error(`unexpected text at ${last}`);
  return Buffer.concat(chunks);
}

/** Runs fn and asserts it throws a StatusError with this reason (400 / 415); returns the error. */
export function expectStatus(fn: () => unknown, reason: 'BadRequest' | 'UnsupportedMediaType'): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    assert.equal(err.code, reason === 'BadRequest' ? 400 : 415);
    return err;
  }
  assert.fail(`expected ${reason}`);
}

/** ObjectMeta the way gogo writes it for a new object: every non-pointer field, empty. */
export function meta(name: string, ...extra: Buffer[]): Buffer {
  return pb.msg(
    1,
    pb.str(1, name),
    pb.str(2, ''),
    pb.str(3, ''),
    pb.str(4, ''),
    pb.str(5, ''),
    pb.str(6, ''),
    pb.int(7, 0),
    pb.bytes(8, Buffer.alloc(0)),
    ...extra,
  );
}
