import type { Writable } from 'node:stream';

/**
 * Gathers everything written in one turn of the event loop and hands it to the
 * stream in one write: one syscall per input chunk instead of one per reply. Big
 * Buffers go through as their own parts (one vectored write) without being copied.
 */
export class BatchedWriter {
  private text = '';
  private parts: (string | Buffer)[] = [];
  private scheduled = false;

  constructor(private readonly stream: Writable) {}

  write(part: string | Buffer): void {
    if (typeof part === 'string') {
      this.text += part;
    } else {
      if (this.text !== '') this.parts.push(this.text);
      this.text = '';
      this.parts.push(part);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.stream.destroyed) return;
    if (this.parts.length === 0) {
      if (this.text !== '') this.stream.write(this.text);
    } else {
      if (this.text !== '') this.parts.push(this.text);
      this.stream.cork();
      for (const part of this.parts) this.stream.write(part);
      this.stream.uncork();
    }
    this.text = '';
    this.parts = [];
  };

  /** Flushes, then waits while the reader is behind, so input is read no faster than output drains. */
  async drained(): Promise<void> {
    this.flush();
    if (!this.stream.writableNeedDrain || this.stream.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done).off('close', done);
        resolve();
      };
      this.stream.on('drain', done).on('close', done);
    });
  }
}
