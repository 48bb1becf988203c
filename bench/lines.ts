// Reading the bench's own files line by line: workload inputs and the replies
// the commands wrote. Lines may be hundreds of megabytes long.
import { closeSync, openSync, readSync } from 'node:fs';
import { relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const SHOW_CHARS = 300;

/** Thrown for a failed check; the runner reports it against the workload it was checking. */
export class BenchError extends Error {}

/** Reads a file line by line without holding it all. */
export class LineReader {
  private buf = Buffer.alloc(0);
  private start = 0;
  private eof = false;
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  /**
   * The next line without its newline, or undefined at end of file. The bytes stay
   * valid after later calls: a refill reads into a new buffer, never the old one.
   */
  next(): Buffer | undefined {
    for (;;) {
      const nl = this.buf.indexOf(10, this.start);
      if (nl !== -1) {
        const line = this.buf.subarray(this.start, nl);
        this.start = nl + 1;
        return line;
      }
      if (this.eof) {
        if (this.start === this.buf.length) return undefined;
        const line = this.buf.subarray(this.start);
        this.start = this.buf.length;
        return line;
      }
      this.fill();
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private fill(): void {
    const rest = this.buf.subarray(this.start);
    // Doubling keeps reading a very long line linear overall.
    const next = Buffer.allocUnsafeSlow(Math.max(1 << 20, rest.length * 2));
    rest.copy(next);
    const n = readSync(this.fd, next, rest.length, next.length - rest.length, null);
    if (n === 0) this.eof = true;
    this.buf = next.subarray(0, rest.length + n);
    this.start = 0;
  }
}

/** Every line of a file, in order; for the short reply files of a check. */
export function readLines(path: string): Buffer[] {
  const reader = new LineReader(path);
  const lines: Buffer[] = [];
  try {
    for (let line = reader.next(); line !== undefined; line = reader.next()) lines.push(line);
  } finally {
    reader.close();
  }
  return lines;
}

export function countLines(path: string): number {
  const reader = new LineReader(path);
  let n = 0;
  try {
    while (reader.next() !== undefined) n += 1;
  } finally {
    reader.close();
  }
  return n;
}

export function parseOrUndefined(line: Buffer): unknown {
  try {
    return JSON.parse(line.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function show(line: Buffer | undefined): string {
  if (line === undefined) return '<end of output>';
  const text = line.toString('utf8', 0, Math.min(line.length, SHOW_CHARS * 4));
  return text.length > SHOW_CHARS ? `${text.slice(0, SHOW_CHARS)}…` : text;
}

export interface Output {
  name: string;
  path: string;
}

/** Throws on the first line where the two outputs differ as parsed JSON (invalid JSON always differs). */
export function compareOutputs(expected: Output, actual: Output): void {
  const a = new LineReader(expected.path);
  const b = new LineReader(actual.path);
  try {
    for (let lineNo = 1; ; lineNo++) {
      const la = a.next();
      const lb = b.next();
      if (la === undefined && lb === undefined) return;
      // Byte-identical lines parse identically, so only differing bytes need parsing.
      if (la !== undefined && lb !== undefined && la.equals(lb)) continue;
      const pa = la === undefined ? undefined : parseOrUndefined(la);
      const pb = lb === undefined ? undefined : parseOrUndefined(lb);
      if (pa === undefined || pb === undefined || !isDeepStrictEqual(pa, pb)) {
        throw new BenchError(
          `replies differ at line ${lineNo} (${relative(process.cwd(), expected.path)} vs ${relative(process.cwd(), actual.path)})\n` +
            `  ${expected.name}: ${show(la)}\n  ${actual.name}: ${show(lb)}`,
        );
      }
    }
  } finally {
    a.close();
    b.close();
  }
}
