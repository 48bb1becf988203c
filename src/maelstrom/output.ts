import { writeSync, writevSync } from 'node:fs';
import { Writable } from 'node:stream';
import { MAX_OUTPUT_BACKLOG_BYTES } from './limits.js';

/**
 * Text this long goes out at once. Measured on the small-message bench: 64 KiB beat
 * 16 KiB (a write's fixed cost, 4x as often) and 256 KiB (long strings outliving a
 * scavenge) by about 12%.
 */
const FLUSH_TEXT_LENGTH = 64 * 1024;
/** Buffers are cached state, not garbage, so they may gather longer: fewer, larger writes. */
const FLUSH_BYTES = 1024 * 1024;
/** Held text up to this long is kept as bytes (see hold); V8 makes a longer string in its large-object space. */
const HELD_AS_BYTES_LENGTH = 128 * 1024;

/**
 * Gathers what is written in one turn of the event loop (up to the limits above) and
 * hands it to the stream in one write: one syscall per batch instead of one per
 * reply. Big Buffers go through as their own parts (one vectored write) uncopied.
 */
export class BatchedWriter {
  private text = '';
  private parts: (string | Buffer)[] = [];
  /** UTF-16 units of text waiting, in parts and text. */
  private textLength = 0;
  /** Bytes of Buffers waiting in parts. */
  private bufferBytes = 0;
  private scheduled = false;
  private beforeFlush: (() => void) | undefined;

  constructor(private readonly stream: Writable) {}

  /**
   * From now on `beforeFlush` runs before each flush of something, and may replace what is
   * about to go out; output then leaves only when flushed (drained(), or a microtask), not by size.
   */
  setBeforeFlush(beforeFlush: () => void): void {
    this.beforeFlush = beforeFlush;
  }

  write(part: string | Buffer): void {
    if (typeof part === 'string') {
      this.text += part;
      this.textLength += part.length;
    } else {
      if (this.text !== '') this.parts.push(this.text);
      this.text = '';
      this.parts.push(part);
      this.bufferBytes += part.length;
    }
    if (this.text.length >= FLUSH_TEXT_LENGTH && this.beforeFlush) {
      // Output behind a gate leaves once per batch of input, not per 64 KiB: a gate may cost a sync.
      // isBackedUp still bounds what waits.
      this.hold(this.text);
      this.text = '';
    } else if (!this.beforeFlush && (this.textLength >= FLUSH_TEXT_LENGTH || this.bufferBytes >= FLUSH_BYTES)) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  /**
   * Holds `text` until the gate passes. Held that long, text outlives young-generation
   * collections, which copy it and the many small strings it is joined from; as bytes it
   * is copied once, off the heap (durable small: collections 190-300 ms, not 320-440).
   * A longer text, a large reply, stays as it is: V8 keeps so long a string where
   * collections do not copy it, and copying it would take memory for nothing.
   */
  private hold(text: string): void {
    if (text.length > HELD_AS_BYTES_LENGTH) {
      this.parts.push(text);
      return;
    }
    const bytes = Buffer.from(text);
    this.parts.push(bytes);
    this.textLength -= text.length;
    this.bufferBytes += bytes.length;
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.stream.destroyed || (this.text === '' && this.parts.length === 0)) return;
    this.beforeFlush?.();
    if (this.parts.length === 0) {
      if (this.text !== '') this.stream.write(this.text);
    } else {
      if (this.text !== '') this.parts.push(this.text);
      this.stream.cork();
      for (const part of this.parts) this.stream.write(part);
      this.stream.uncork();
    }
    this.discard();
  };

  /** Forgets everything written since the last flush. */
  discard(): void {
    this.text = '';
    this.parts = [];
    this.textLength = 0;
    this.bufferBytes = 0;
  }

  /** Whether more output waits, here and in the stream, than a reader should be allowed to leave behind. */
  get isBackedUp(): boolean {
    return this.textLength + this.bufferBytes + this.stream.writableLength > MAX_OUTPUT_BACKLOG_BYTES;
  }

  /** Whether the stream holds more than it wants to, so that what writes to it should wait for it to drain. */
  get needsDrain(): boolean {
    return this.stream.writableNeedDrain && !this.stream.destroyed;
  }

  /** Flushes, then waits while the reader is behind, so input is read no faster than output drains. */
  async drained(): Promise<void> {
    this.flush();
    if (!this.needsDrain) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done).off('close', done);
        resolve();
      };
      this.stream.on('drain', done).on('close', done);
    });
  }
}

/**
 * A string this long is written by itself rather than copied into a Buffer for a vectored
 * write: the copy would cost as much as the write's own encoding of it.
 */
const LONE_STRING_LENGTH = 16 * 1024;

/**
 * A Writable over a regular file that writes what was corked together in one
 * vectored, synchronous write, and a lone string as it is. Node's own stream for a
 * file stdout writes each part with its own syscall: three per reply that carries a
 * cached state.
 */
export class FileOutput extends Writable {
  constructor(private readonly fd: number) {
    // Strings come through as they are: a batch of text is written without a Buffer made for it.
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this._writev([{ chunk }], done);
  }

  override _writev(chunks: { chunk: string | Buffer }[], done: (error?: Error | null) => void): void {
    try {
      // Short strings join the Buffers around them in one vectored write; a long one is written as it is.
      let group: Buffer[] = [];
      for (const { chunk } of chunks) {
        if (typeof chunk === 'string' && (chunks.length === 1 || chunk.length >= LONE_STRING_LENGTH)) {
          if (group.length > 0) this.writeAll(group, 0);
          group = [];
          this.writeString(chunk);
        } else {
          group.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        }
      }
      if (group.length > 0) this.writeAll(group, 0);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private writeString(text: string): void {
    const written = writeSync(this.fd, text);
    // A short write counts bytes, not characters: the rest goes out as bytes.
    if (written < text.length || written < Buffer.byteLength(text)) this.writeAll([Buffer.from(text)], written);
  }

  /** Writes `parts` past their first `written` bytes, in vectored writes; a short one leaves the rest to write again. */
  private writeAll(parts: Buffer[], written: number): void {
    let left = written === 0 ? parts : unwritten(parts, written);
    while (left.length > 0) left = unwritten(left, writevSync(this.fd, left));
  }
}

/** What is left of `parts` once their first `written` bytes are out. */
function unwritten(parts: Buffer[], written: number): Buffer[] {
  let index = 0;
  let left = written;
  while (index < parts.length && left >= parts[index]!.length) left -= parts[index++]!.length;
  if (index === parts.length) return [];
  if (written === 0) throw new Error('a write to the output file made no progress');
  return [parts[index]!.subarray(left), ...parts.slice(index + 1)];
}
