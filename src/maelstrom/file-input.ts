import { readSync } from 'node:fs';
import { Readable } from 'node:stream';

/** Bytes per read: a 100 MB rebuild line takes 100 reads, not 1600. */
const CHUNK_BYTES = 1024 * 1024;
/** Buffers kept for reuse: the reader holds one while the stream may hold one more. */
const SPARE_BUFFERS = 2;

/**
 * A Readable over a regular file that reads synchronously: a read of a file waits on
 * nothing but the disk, so it needs no trip through the thread pool and the wake-up
 * of the loop that follows. Each read waits for the next turn of the loop, so timers
 * and signals still run between chunks.
 */
export class FileInput extends Readable {
  /** Buffers given back by the reader, to be read into again. */
  private readonly spare: Buffer[] = [];
  /** Each buffer this input read into, by its memory: a chunk may be a view of the start of one. */
  private readonly owned = new WeakMap<ArrayBufferLike, Buffer>();

  constructor(private readonly fd: number) {
    super({ highWaterMark: CHUNK_BYTES });
  }

  /**
   * Takes back a chunk this input gave out, once its reader holds no view of it any more.
   * Reading into memory used before saves touching new pages, which cost more than the
   * read itself on small requests (a fault per 4 KiB page).
   */
  readonly recycle = (chunk: Buffer): void => {
    const buffer = this.owned.get(chunk.buffer);
    if (buffer !== undefined && this.spare.length < SPARE_BUFFERS && !this.spare.includes(buffer))
      this.spare.push(buffer);
  };

  override _read(): void {
    setImmediate(this.readChunk);
  }

  private readonly readChunk = (): void => {
    if (this.destroyed) return;
    let chunk: Buffer | null;
    try {
      const buffer = this.spare.pop() ?? this.allocate();
      const n = readSync(this.fd, buffer, 0, CHUNK_BYTES, null);
      chunk = n === 0 ? null : n === CHUNK_BYTES ? buffer : buffer.subarray(0, n);
    } catch (error) {
      this.destroy(error as Error);
      return;
    }
    this.push(chunk);
  };

  private allocate(): Buffer {
    const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.owned.set(buffer.buffer, buffer);
    return buffer;
  }
}
