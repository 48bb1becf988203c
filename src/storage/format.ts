/**
 * The bytes of the store's files.
 *
 * A file starts with an 8-byte header naming its kind and format version: `PNRLOG1\n` for a
 * log segment, `PNRSNP1\n` for a snapshot. Frames follow, back to back, integers little-endian:
 *
 *     [u32 checksum][u32 length][length bytes: the record, UTF-8]
 *
 * The checksum is the CRC-32 (zlib's) of the length field and the record together: a damaged
 * length is caught like a damaged record, and the zero bytes a crash can leave at the end of a
 * file never pass for a frame (the CRC-32 of four zero bytes is not zero).
 *
 * A snapshot ends with an end frame: length field 0xFFFFFFFF, then 8 bytes holding the number
 * of records as a u64, its checksum computed like any frame's. A snapshot without it was cut
 * short. A log has no end frame; it ends where its last commit did. (No record reaches 4 GiB:
 * a V8 string is at most 2^29 UTF-16 units, so at most 1.5 GiB of UTF-8.)
 */
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { crc32 } from './crc32.js';

export const HEADER_BYTES = 8;
export const LOG_HEADER = Buffer.from('PNRLOG1\n', 'latin1');
export const SNAPSHOT_HEADER = Buffer.from('PNRSNP1\n', 'latin1');

/** Checksum and length fields. */
export const FRAME_HEAD_BYTES = 8;
/** The length field of a snapshot's end frame. */
export const END_MARK = 0xffffffff;
export const END_FRAME_BYTES = FRAME_HEAD_BYTES + 8;

/** The checksum of a frame whose length field starts at `from` and whose record ends at `to`. */
export function checksum(bytes: Buffer, from: number, to: number): number {
  return crc32(bytes, from, to);
}

/**
 * UTF-8 is decoded at most this many bytes at a time: Node refuses to decode more bytes than
 * V8's longest string has characters, though a record of up to three times as many bytes is
 * text V8 can hold.
 */
const DECODE_PIECE_BYTES = 2 ** 28;

/** UTF-8 bytes as text. ASCII, the usual case, is copied rather than decoded, several times faster. */
export function decodeText(bytes: Buffer, from: number, to: number, pieceBytes = DECODE_PIECE_BYTES): string {
  if (isAscii(bytes.subarray(from, to))) return bytes.toString('latin1', from, to);
  if (to - from <= pieceBytes) return bytes.toString('utf8', from, to);
  // A character split between two pieces is decoded whole, with the second.
  const decoder = new StringDecoder('utf8');
  let text = '';
  for (let at = from; at < to; at += pieceBytes)
    text += decoder.write(bytes.subarray(at, Math.min(at + pieceBytes, to)));
  return text + decoder.end();
}

/** New buffers for small frames are this large; a larger frame gets a buffer of its own. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Frames records into a few large buffers, ready to be written with one writev. After
 * `clear()` the current buffer is reused, so its bytes must be written before the next `add`.
 */
export class FrameBuffer {
  /** Finished buffers, in order, not counting the unfinished tail of `chunk`. */
  private parts: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  /** Where the part of `chunk` not yet in `parts` starts, and where its frames end. */
  private partStart = 0;
  private used = 0;
  /** Bytes framed since the last `clear()`. */
  byteLength = 0;

  add(record: string): void {
    // A UTF-16 unit takes at most 3 bytes of UTF-8, so this bound never cuts a record short.
    const bound = FRAME_HEAD_BYTES + record.length * 3;
    if (this.used + bound > this.chunk.length) {
      this.seal();
      if (bound > CHUNK_BYTES) {
        const frame = Buffer.allocUnsafe(FRAME_HEAD_BYTES + Buffer.byteLength(record));
        const length = frame.write(record, FRAME_HEAD_BYTES, 'utf8');
        this.parts.push(finishFrame(frame, 0, length));
        this.byteLength += frame.length;
        return;
      }
      this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      this.partStart = this.used = 0;
    }
    const length = this.chunk.write(record, this.used + FRAME_HEAD_BYTES, 'utf8');
    finishFrame(this.chunk, this.used, length);
    this.used += FRAME_HEAD_BYTES + length;
    this.byteLength += FRAME_HEAD_BYTES + length;
  }

  /** Adds bytes as they are, such as a file header. */
  addRaw(bytes: Buffer): void {
    this.seal();
    this.parts.push(bytes);
    this.byteLength += bytes.length;
  }

  /** Adds a snapshot's end frame, which counts its records. */
  addEnd(records: number): void {
    const frame = Buffer.allocUnsafe(END_FRAME_BYTES);
    frame.writeUInt32LE(END_MARK, 4);
    frame.writeBigUInt64LE(BigInt(records), FRAME_HEAD_BYTES);
    frame.writeUInt32LE(checksum(frame, 4, END_FRAME_BYTES), 0);
    this.addRaw(frame);
  }

  /** The framed bytes, in order. */
  buffers(): Buffer[] {
    this.seal();
    return this.parts;
  }

  clear(): void {
    this.parts = [];
    this.partStart = this.used = 0;
    this.byteLength = 0;
  }

  private seal(): void {
    if (this.used === this.partStart) return;
    this.parts.push(this.chunk.subarray(this.partStart, this.used));
    this.partStart = this.used;
  }
}

/** Fills in the length and checksum of the frame at `at` whose record of `length` bytes is in place. */
function finishFrame(bytes: Buffer, at: number, length: number): Buffer {
  bytes.writeUInt32LE(length, at + 4);
  bytes.writeUInt32LE(checksum(bytes, at + 4, at + FRAME_HEAD_BYTES + length), at);
  return bytes;
}
