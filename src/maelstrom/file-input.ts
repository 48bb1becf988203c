import { readSync } from 'node:fs';
import { Readable } from 'node:stream';

/** Bytes per read: a 100 MB rebuild line takes 100 reads, not 1600. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * A Readable over a regular file that reads synchronously: a read of a file waits on
 * nothing but the disk, so it needs no trip through the thread pool and the wake-up
 * of the loop that follows. Each read waits for the next turn of the loop, so timers
 * and signals still run between chunks.
 */
export class FileInput extends Readable {
  constructor(private readonly fd: number) {
    super({ highWaterMark: CHUNK_BYTES });
  }

  override _read(): void {
    setImmediate(this.readChunk);
  }

  private readonly readChunk = (): void => {
    if (this.destroyed) return;
    let chunk: Buffer | null;
    try {
      const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      const n = readSync(this.fd, buffer, 0, CHUNK_BYTES, null);
      chunk = n === 0 ? null : n === CHUNK_BYTES ? buffer : buffer.subarray(0, n);
    } catch (error) {
      this.destroy(error as Error);
      return;
    }
    this.push(chunk);
  };
}
