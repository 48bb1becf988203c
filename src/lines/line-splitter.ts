import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;
/**
 * Complete lines are decoded at most about this many bytes at a time. A decoded string
 * past V8's regular-object limit (about 128 KiB of text) is made in its large-object
 * space, which is several times slower to fill, and one of a megabyte or more is kept
 * outside the heap, where it makes V8 collect the whole heap early and often.
 */
export const BLOCK_BYTES = 64 * 1024;

/** How much of a line over the cap is kept for its diagnostic and its reply: its head names the sender. */
export const HEAD_CHARS = 4096;

/** Takes a line's text piece by piece as it arrives, in place of the whole line. */
export interface LineStream {
  /** The next piece of the line's text; `bytesRead` counts the line's bytes so far. */
  piece(text: string, bytesRead: number): void;
  /** The line has ended (its newline, or the end of input). */
  end(): void;
}

/**
 * Splits a byte stream into UTF-8 lines. Chunks may end anywhere, even inside a
 * multi-byte character: a newline byte never occurs inside a UTF-8 sequence, and the
 * unfinished line is decoded as it arrives, so a 100 MB line is never held as bytes
 * and text at once. A line longer than `maxLineBytes` is dropped as it streams in, so
 * memory stays bounded by the cap, not by the line.
 */
export class LineSplitter {
  private lineNumber = 0;
  /** Text of the unfinished line, kept as parts to avoid quadratic copying. */
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Holds a character split between chunks. */
  private readonly decoder = new StringDecoder('utf8');
  /** Whether the decoder has taken part of the unfinished line, and so may hold bytes of it. */
  private decoding = false;
  /** True while the rest of an oversize line is being skipped. */
  private skipping = false;
  /** Where the rest of a streamed line goes. */
  private stream: LineStream | undefined;
  private streamedBytes = 0;
  /** Whether the unfinished line was offered as a stream already. */
  private offered = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (text: string, lineNumber: number) => void,
    /** Gets the number of a line over the cap, and its first HEAD_CHARS characters. */
    private readonly onOversize: (lineNumber: number, head: string) => void,
    /** Gets each decoded block of complete lines before its lines: a check may run once per block, not per line. */
    private readonly onBlock: (text: string) => void = () => {},
    /**
     * Offered the head of a line once it grows past a block (or the cap): a stream
     * returned takes that line's text from then on, and the cap no longer applies to it.
     */
    private readonly onLongLine?: (head: string, lineNumber: number) => LineStream | undefined,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.skipping) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) return;
      this.skipping = false;
      start = newline + 1;
    }
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < start) {
      this.keep(chunk, start);
      return;
    }
    if (this.stream) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.endStream(chunk.subarray(start, newline));
      start = newline + 1;
    } else if (this.pendingBytes > 0) {
      // The unfinished line ends first, on its own: the lines after it need not be copied into it.
      const newline = chunk.indexOf(NEWLINE, start);
      let last = chunk.subarray(start, newline);
      let streams = false;
      if (this.onLongLine && !this.offered && this.pendingBytes + last.length > this.longLine()) {
        // Long only with its last piece: offered whole, so that where the line was cut does not matter.
        this.addPending(last);
        last = last.subarray(last.length);
        streams = this.offer();
      }
      if (streams) {
        this.endStream(last);
      } else if (this.pendingBytes + last.length > this.maxLineBytes + 1) {
        // Over the cap even without a '\r': dropped unjoined (an offered line was joined only up to
        // a block and a piece), since joining a line near the cap could pass V8's longest string.
        const head = this.pendingHead();
        this.dropPending();
        this.onOversize(++this.lineNumber, head);
      } else {
        this.emitLines(this.takePending(last));
      }
      start = newline + 1;
    }
    this.emitBlocks(chunk, start, lastNewline);
    this.keep(chunk, lastNewline + 1);
  }

  /** Emits the lines from `start` to the newline at `lastNewline`, decoded in blocks of about BLOCK_BYTES. */
  private emitBlocks(chunk: Buffer, start: number, lastNewline: number): void {
    while (start <= lastNewline) {
      let end = lastNewline;
      if (end - start > BLOCK_BYTES) {
        end = chunk.lastIndexOf(NEWLINE, start + BLOCK_BYTES);
        // One line longer than a block is a block of its own.
        if (end < start) end = chunk.indexOf(NEWLINE, start + BLOCK_BYTES);
      }
      this.emitLines(decodeUtf8(chunk.subarray(start, end)));
      start = end + 1;
    }
  }

  /** Emits the last line if the input did not end with a newline. */
  end(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.stream) {
      this.endStream(Buffer.alloc(0));
      return;
    }
    if (this.pendingBytes === 0) return;
    this.emitLines(this.takePending(Buffer.alloc(0)));
  }

  /** The unfinished line's text followed by `completed`, which ends at a newline; the line is then no longer pending. */
  private takePending(completed: Buffer): string {
    // end() flushes a sequence cut short by the newline as U+FFFD, as toString() would.
    this.pending.push(this.decoding ? this.decoder.end(completed) : decodeUtf8(completed));
    const text = this.pending.join('');
    this.dropPending();
    return text;
  }

  /** The first HEAD_CHARS characters of the unfinished line. */
  private pendingHead(): string {
    let head = '';
    for (const part of this.pending) {
      head += part.slice(0, HEAD_CHARS - head.length);
      if (head.length >= HEAD_CHARS) break;
    }
    return head;
  }

  /** Forgets the unfinished line, and any character the decoder holds of it. */
  private dropPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
    if (this.decoding) this.decoder.end();
    this.decoding = false;
    this.offered = false;
  }

  /** The last piece of a streamed line, up to its newline: the line ends. */
  private endStream(last: Buffer): void {
    const stream = this.stream as LineStream;
    this.streamedBytes += last.length;
    const text = this.decoding ? this.decoder.end(last) : decodeUtf8(last);
    this.stream = undefined;
    this.decoding = false;
    this.offered = false;
    this.lineNumber++;
    if (text.length > 0) stream.piece(text, this.streamedBytes);
    stream.end();
  }

  /** Decodes a piece of the unfinished line, keeping a character cut at its end for the next piece. */
  private decodePiece(piece: Buffer): string {
    if (!this.decoding && isAscii(piece)) return piece.toString('latin1');
    this.decoding = true;
    return this.decoder.write(piece);
  }

  /** How long an unfinished line grows before it is offered as a stream. */
  private longLine(): number {
    return Math.min(BLOCK_BYTES, this.maxLineBytes);
  }

  /** Offers the unfinished line, once, as a stream; true if it is one now. */
  private offer(): boolean {
    this.offered = true;
    const head = this.pending.join('');
    const stream = this.onLongLine?.(head, this.lineNumber + 1);
    if (!stream) return false;
    this.stream = stream;
    this.streamedBytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    stream.piece(head, this.streamedBytes);
    return true;
  }

  /** Emits newline-separated complete lines, sliced from one decoded string. */
  private emitLines(text: string): void {
    this.onBlock(text);
    // A line can only be over the cap in bytes if it is over a third of it in UTF-16 units.
    const mayBeOversize = text.length * 3 > this.maxLineBytes;
    let from = 0;
    for (;;) {
      const newline = text.indexOf('\n', from);
      const end = newline < 0 ? text.length : newline;
      const lineEnd = end > from && text.charCodeAt(end - 1) === CARRIAGE_RETURN ? end - 1 : end;
      this.lineNumber++;
      // An empty line asks nothing: it costs its count, not a string and a callback.
      if (lineEnd === from) {
        if (newline < 0) return;
        from = newline + 1;
        continue;
      }
      const line = text.slice(from, lineEnd);
      if (mayBeOversize && line.length * 3 > this.maxLineBytes && Buffer.byteLength(line) > this.maxLineBytes) {
        this.onOversize(this.lineNumber, line.slice(0, HEAD_CHARS));
      } else {
        this.onLine(line, this.lineNumber);
      }
      if (newline < 0) return;
      from = newline + 1;
    }
  }

  /** Holds the unfinished tail of a chunk, or starts skipping it once it passes the cap. */
  private keep(chunk: Buffer, from: number): void {
    const length = chunk.length - from;
    if (length === 0) return;
    if (this.stream) {
      this.streamedBytes += length;
      this.stream.piece(this.decodePiece(chunk.subarray(from)), this.streamedBytes);
      return;
    }
    if (this.onLongLine && !this.offered && this.pendingBytes + length > this.longLine()) {
      this.addPending(chunk.subarray(from));
      if (this.offer()) return;
      if (this.pendingBytes <= this.maxLineBytes + 1) return;
      const head = this.pendingHead();
      this.dropPending();
      this.skipping = true;
      this.onOversize(++this.lineNumber, head);
      return;
    }
    // One byte of slack for a '\r' that the line's end will strip; emitLines checks exactly.
    if (this.pendingBytes + length > this.maxLineBytes + 1) {
      const head = this.pendingBytes > 0 ? this.pendingHead() : chunk.toString('utf8', from, from + HEAD_CHARS);
      this.dropPending();
      this.skipping = true;
      this.onOversize(++this.lineNumber, head);
      return;
    }
    this.addPending(chunk.subarray(from));
  }

  /** Adds a piece to the unfinished line. */
  private addPending(piece: Buffer): void {
    this.pending.push(this.decodePiece(piece));
    this.pendingBytes += piece.length;
  }
}

/** UTF-8 bytes as text. ASCII, the usual case, is copied rather than decoded, several times faster. */
function decodeUtf8(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}
