import { nodeZlib } from '../builtins.js';
import { describeError, StorageError } from './errors.js';
import type { FileSystem } from './files.js';
import { checksum, decodeText, END_FRAME_BYTES, END_MARK, FRAME_HEAD_BYTES, HEADER_BYTES } from './format.js';

/** Files are read this much at a time; a larger record is read on its own. */
const WINDOW_BYTES = 4 * 1024 * 1024;
/**
 * Telling a torn tail from damage checksums every place after the bad frame where a frame could
 * start. Random bytes make that cost grow with the cube of their length, so it stops here and
 * calls the file damaged: refusing to start is better than dropping records that might be good.
 */
const SCAN_BUDGET_BYTES = 256 * 1024 * 1024;

/** Random access to one open file through a window of a few MiB. */
export class FileWindow {
  readonly bytes: Buffer;
  /** The window holds the file's bytes from `start` to `end`. */
  private start = 0;
  private end = 0;

  constructor(
    private readonly fs: FileSystem,
    private readonly fd: number,
    readonly path: string,
    readonly size: number,
  ) {
    this.bytes = Buffer.allocUnsafe(Math.max(END_FRAME_BYTES, Math.min(WINDOW_BYTES, size)));
  }

  /** Makes the file's bytes from `at` to `at + length` (at most the window's size) present; returns the index of `at`. */
  hold(at: number, length: number): number {
    if (at >= this.start && at + length <= this.end) return at - this.start;
    if (at >= this.start && at < this.end) {
      this.bytes.copy(this.bytes, 0, at - this.start, this.end - this.start);
    } else {
      this.end = at;
    }
    this.start = at;
    const end = Math.min(at + this.bytes.length, this.size);
    this.readInto(this.bytes, this.end - at, end - this.end, this.end);
    this.end = end;
    return 0;
  }

  /** The file's bytes from `at` to `at + length` in a buffer of their own. */
  readOut(at: number, length: number): Buffer {
    const bytes = Buffer.allocUnsafe(length);
    this.readInto(bytes, 0, length, at);
    return bytes;
  }

  /** The checksum of the file's bytes from `from` to `to`, read a window at a time. */
  checksum(from: number, to: number): number {
    if (to - from <= this.bytes.length) {
      const index = this.hold(from, to - from);
      return checksum(this.bytes, index, index + to - from);
    }
    let sum = 0;
    for (let at = from; at < to; ) {
      const length = Math.min(this.bytes.length, to - at);
      const index = this.hold(at, length);
      sum = nodeZlib().crc32(this.bytes.subarray(index, index + length), sum);
      at += length;
    }
    return sum;
  }

  private readInto(target: Buffer, offset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      let read: number;
      try {
        read = this.fs.read(this.fd, target, offset + done, length - done, position + done);
      } catch (error) {
        const message = `${this.path}: reading at offset ${position + done} failed: ${describeError(error)}`;
        throw new StorageError('unavailable', message, { cause: error });
      }
      if (read === 0) {
        throw new StorageError(
          'unavailable',
          `${this.path}: the file shrank to ${position + done} bytes while being read`,
        );
      }
      done += read;
    }
  }
}

/** How a run of frames ended. */
export type FramesEnd =
  | { readonly kind: 'end-of-file' }
  | { readonly kind: 'end-frame'; readonly offset: number; readonly records: bigint }
  | { readonly kind: 'bad'; readonly offset: number; readonly reason: string };

/** Whether the file starts with `header`. */
export function hasHeader(window: FileWindow, header: Buffer): boolean {
  if (window.size < HEADER_BYTES) return false;
  const index = window.hold(0, HEADER_BYTES);
  return window.bytes.subarray(index, index + HEADER_BYTES).equals(header);
}

/**
 * Passes on the records of the frames after the header, until the end of the file, an end frame
 * or a bad frame; returns which of these ended them.
 */
export function readFrames(window: FileWindow, onRecord: (record: string) => void): FramesEnd {
  const { size, bytes } = window;
  let at = HEADER_BYTES;
  while (at < size) {
    if (size - at < FRAME_HEAD_BYTES) return bad(at, `a frame header cut short after ${size - at} bytes`);
    let index = window.hold(at, FRAME_HEAD_BYTES);
    const sum = bytes.readUInt32LE(index);
    const length = bytes.readUInt32LE(index + 4);
    if (length === END_MARK) {
      if (size - at < END_FRAME_BYTES) return bad(at, 'an end frame cut short');
      index = window.hold(at, END_FRAME_BYTES);
      if (checksum(bytes, index + 4, index + END_FRAME_BYTES) !== sum)
        return bad(at, 'an end frame with a wrong checksum');
      return { kind: 'end-frame', offset: at, records: bytes.readBigUInt64LE(index + FRAME_HEAD_BYTES) };
    }
    const frameBytes = FRAME_HEAD_BYTES + length;
    if (frameBytes > size - at) return bad(at, `a record of ${length} bytes that runs past the end of the file`);
    let text: string;
    if (frameBytes <= bytes.length) {
      index = window.hold(at, frameBytes);
      if (checksum(bytes, index + 4, index + frameBytes) !== sum) return bad(at, 'a record with a wrong checksum');
      text = decodeText(bytes, index + FRAME_HEAD_BYTES, index + frameBytes);
    } else {
      const record = window.readOut(at + 4, 4 + length);
      if (checksum(record, 0, record.length) !== sum) return bad(at, 'a record with a wrong checksum');
      text = decodeText(record, 4, record.length);
    }
    onRecord(text);
    at += frameBytes;
  }
  return { kind: 'end-of-file' };
}

/**
 * Where the first valid frame after the bad one at `from` starts; `undefined` if there is none,
 * so everything from `from` on is a torn tail; `'unknown'` if there was too much to check.
 */
export function findFrameAfter(window: FileWindow, from: number): number | 'unknown' | undefined {
  const { size, bytes } = window;
  let budget = SCAN_BUDGET_BYTES;
  for (let at = from + 1; at + FRAME_HEAD_BYTES <= size; at++) {
    const index = window.hold(at, FRAME_HEAD_BYTES);
    const length = bytes.readUInt32LE(index + 4);
    const frameBytes = length === END_MARK ? END_FRAME_BYTES : FRAME_HEAD_BYTES + length;
    if (frameBytes > size - at) continue;
    budget -= frameBytes;
    if (budget < 0) return 'unknown';
    const sum = bytes.readUInt32LE(index);
    if (window.checksum(at + 4, at + frameBytes) === sum) return at;
  }
  return undefined;
}

function bad(offset: number, reason: string): FramesEnd {
  return { kind: 'bad', offset, reason };
}
