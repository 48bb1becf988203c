const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;

/**
 * Splits a byte stream into UTF-8 lines. Chunks may end anywhere, even inside a
 * multi-byte character: only complete lines are decoded, and a newline byte never
 * occurs inside a UTF-8 sequence. A line longer than `maxLineBytes` is dropped as it
 * streams in, so memory stays bounded by the cap, not by the line.
 */
export class LineSplitter {
  private lineNumber = 0;
  /** Bytes of the unfinished line, kept as parts to avoid quadratic copying. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while the rest of an oversize line is being skipped. */
  private skipping = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (text: string, lineNumber: number) => void,
    private readonly onOversize: (lineNumber: number) => void,
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
    const completed = chunk.subarray(start, lastNewline);
    const bytes = this.pendingBytes === 0 ? completed : Buffer.concat([...this.pending, completed]);
    this.pending = [];
    this.pendingBytes = 0;
    this.emitLines(bytes);
    this.keep(chunk, lastNewline + 1);
  }

  /** Emits the last line if the input did not end with a newline. */
  end(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.pendingBytes === 0) return;
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.emitLines(bytes);
  }

  /** Decodes newline-separated complete lines in one call, then slices the string. */
  private emitLines(bytes: Buffer): void {
    const text = bytes.toString('utf8');
    // A line can only be over the cap in bytes if it is over a third of it in UTF-16 units.
    const mayBeOversize = text.length * 3 > this.maxLineBytes;
    let from = 0;
    for (;;) {
      const newline = text.indexOf('\n', from);
      const end = newline < 0 ? text.length : newline;
      const lineEnd = end > from && text.charCodeAt(end - 1) === CARRIAGE_RETURN ? end - 1 : end;
      const line = text.slice(from, lineEnd);
      this.lineNumber++;
      if (mayBeOversize && line.length * 3 > this.maxLineBytes && Buffer.byteLength(line) > this.maxLineBytes) {
        this.onOversize(this.lineNumber);
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
    // One byte of slack for a '\r' that the line's end will strip; emitLines checks exactly.
    if (this.pendingBytes + length > this.maxLineBytes + 1) {
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = true;
      this.onOversize(++this.lineNumber);
      return;
    }
    this.pending.push(chunk.subarray(from));
    this.pendingBytes += length;
  }
}
