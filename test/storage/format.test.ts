import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/storage/crc32.js';
import {
  checksum,
  decodeText,
  END_FRAME_BYTES,
  END_MARK,
  FRAME_HEAD_BYTES,
  FrameBuffer,
} from '../../src/storage/format.js';

/** The records framed in `bytes`, checking every frame's length and checksum. */
function unframe(bytes: Buffer): string[] {
  const records: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes.readUInt32LE(at + 4);
    expect(bytes.readUInt32LE(at)).toBe(zlibCrc32(bytes.subarray(at + 4, at + FRAME_HEAD_BYTES + length)));
    records.push(bytes.toString('utf8', at + FRAME_HEAD_BYTES, at + FRAME_HEAD_BYTES + length));
    at += FRAME_HEAD_BYTES + length;
  }
  return records;
}

describe('decodeText', () => {
  // A record of more UTF-8 bytes than V8's longest string has characters is decoded in pieces.
  it('decodes in pieces as in one go, a character split between pieces and bytes that are not UTF-8 included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }).map((text) => Buffer.from(text)),
          fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
        ),
        fc.integer({ min: 1, max: 9 }),
        (bytes, pieceBytes) => {
          const from = Math.min(1, bytes.length);
          expect(decodeText(bytes, from, bytes.length, pieceBytes)).toBe(bytes.toString('utf8', from));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('crc32', () => {
  it('matches zlib at every length and alignment, on both sides of the switch to zlib', () => {
    const bytes = Buffer.from(Array.from({ length: 1200 }, (_, index) => (index * 7919 + index * index) & 0xff));
    for (let from = 0; from < 9; from++) {
      for (let length = 0; length < 1100; length++) {
        expect(crc32(bytes, from, from + length)).toBe(zlibCrc32(bytes.subarray(from, from + length)));
      }
    }
  });

  it('gives a run of zeros with a zero length field a nonzero checksum', () => {
    expect(checksum(Buffer.alloc(8), 4, 8)).not.toBe(0);
  });
});

/** Records up to 2 MB, to cross the 1 MiB buffers and take buffers of their own. */
const LONG_RECORD = fc.integer({ min: 0, max: 2_000_000 }).map((length) => 'x'.repeat(length));

describe('FrameBuffer', () => {
  it('frames each record as checksum, length, UTF-8 bytes', () => {
    const frames = new FrameBuffer();
    frames.add('h€llo');
    const [bytes] = frames.buffers();
    expect(bytes?.readUInt32LE(4)).toBe(7);
    expect(bytes?.toString('utf8', 8)).toBe('h€llo');
    expect(frames.byteLength).toBe(15);
  });

  it('keeps records of any size, in order, across chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), LONG_RECORD), { maxLength: 12 }), (records) => {
        const frames = new FrameBuffer();
        for (const record of records) frames.add(record);
        const bytes = Buffer.concat(frames.buffers());
        expect(bytes.length).toBe(frames.byteLength);
        // Lone surrogates, as UTF-8 always does, become U+FFFD.
        expect(unframe(bytes)).toEqual(records.map((record) => Buffer.from(record).toString()));
      }),
      { numRuns: 40 },
    );
  });

  it('starts over after clear(), reusing its buffer', () => {
    const frames = new FrameBuffer();
    frames.add('first');
    frames.clear();
    expect(frames.byteLength).toBe(0);
    expect(frames.buffers()).toEqual([]);
    frames.add('second');
    expect(unframe(Buffer.concat(frames.buffers()))).toEqual(['second']);
  });

  it('ends a snapshot with an end frame counting its records', () => {
    const frames = new FrameBuffer();
    frames.addEnd(3);
    const bytes = Buffer.concat(frames.buffers());
    expect(bytes.length).toBe(END_FRAME_BYTES);
    expect(bytes.readUInt32LE(4)).toBe(END_MARK);
    expect(bytes.readBigUInt64LE(8)).toBe(3n);
    expect(bytes.readUInt32LE(0)).toBe(zlibCrc32(bytes.subarray(4)));
  });
});
