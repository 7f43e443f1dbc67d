import assert from 'node:assert/strict';
import { WireError, WireType, dumpWire, readFields, readVarint } from './wire';
import { pb } from './testing';

describe('protobuf: wire reader', () => {
  it('reads varints of every length, exactly', () => {
    for (const v of [0n, 1n, 127n, 128n, 300n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]) {
      const buf = pb.varint(v);
      assert.deepEqual(readVarint(buf, 0), [v, buf.length], String(v));
    }
    assert.deepEqual(readVarint(pb.varint(-1), 0), [2n ** 64n - 1n, 10]);
  });

  it('rejects truncated and over-long varints', () => {
    assert.throws(() => readVarint(Buffer.from([0x80, 0x80]), 0), WireError);
    assert.throws(() => readVarint(Buffer.alloc(11, 0xff), 0), WireError);
  });

  it('splits a message into fields', () => {
    const buf = Buffer.concat([pb.str(1, 'a'), pb.int(2, 7), pb.fixed64(3, 2.5), Buffer.from([0x25, 1, 2, 3, 4])]);
    const fields = readFields(buf);
    assert.deepEqual(
      fields.map((f) => [f.field, f.wireType]),
      [
        [1, WireType.Bytes],
        [2, WireType.Varint],
        [3, WireType.Fixed64],
        [4, WireType.Fixed32],
      ],
    );
    assert.equal((fields[0].value as Buffer).toString(), 'a');
    assert.equal(fields[1].value, 7n);
  });

  it('rejects lengths past the end, groups, field 0 and truncated fixed fields', () => {
    assert.throws(() => readFields(Buffer.from([0x0a, 0x05, 0x61])), /runs past the end/);
    assert.throws(() => readFields(Buffer.from([0x0b])), /wire type 3/);
    assert.throws(() => readFields(Buffer.from([0x0c])), /wire type 4/);
    assert.throws(() => readFields(Buffer.from([0x02, 0x00])), /field number 0/);
    assert.throws(() => readFields(Buffer.from([0x09, 1, 2, 3])), /truncated fixed64/);
    assert.throws(() => readFields(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), /runs past the end/);
  });

  it('dumps unknown bytes for debugging', () => {
    const text = dumpWire(Buffer.concat([pb.msg(1, pb.str(1, 'v1'), pb.str(2, 'Namespace')), pb.int(3, 5)]));
    assert.equal(text, '1: {\n  1: "v1"\n  2: "Namespace"\n}\n3: 5');
  });
});
