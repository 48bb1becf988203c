/**
 * The one way the tests cut text into lines: the output of a node, in process or spawned,
 * its stderr, and any whole text. A line ends at "\n", which is not part of it.
 */
import type { Readable } from 'node:stream';

/** Text that arrives in pieces, cut into lines at each "\n". */
export class LineBuffer {
  /** Text after the last newline, kept as the pieces it came in. */
  private pieces: string[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  /** Takes the next piece of text and hands on each line it completes. */
  write(text: string): void {
    // A long line arrives in many pieces: joined once, at its newline, not once per piece.
    if (!text.includes('\n')) {
      if (text !== '') this.pieces.push(text);
      return;
    }
    const lines = (this.pieces.join('') + text).split('\n');
    const rest = lines.pop() as string;
    this.pieces = rest === '' ? [] : [rest];
    for (const line of lines) this.onLine(line);
  }

  /** Text after the last newline so far: the start of a line not yet complete. */
  get rest(): string {
    return this.pieces.join('');
  }
}

/**
 * The lines of a whole text, which must be empty or end with a newline: text after the
 * last newline is an error, so a cut-off line cannot pass for a whole one.
 */
export function linesOf(text: string): string[] {
  const lines: string[] = [];
  const splitter = new LineBuffer((line) => lines.push(line));
  splitter.write(text);
  if (splitter.rest !== '')
    throw new Error(`text after the last newline: ${JSON.stringify(splitter.rest.slice(0, 200))}`);
  return lines;
}

/**
 * Reads `stream` as UTF-8 and hands on each line as it arrives. Resolves when the stream
 * ends or is destroyed, with the text after its last newline ('' if it ended with one).
 */
export function readLines(stream: Readable, onLine: (line: string) => void): Promise<string> {
  const splitter = new LineBuffer(onLine);
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => splitter.write(text));
  return new Promise((resolve) => {
    const ended = (): void => resolve(splitter.rest);
    stream.once('end', ended);
    stream.once('close', ended);
  });
}

/** The lines of a stream, gathered as they arrive, that a test can wait for. */
export class StreamLines {
  /** Every complete line so far, without its newline. */
  readonly lines: string[] = [];
  /** Resolves at the end of the stream, with the text after its last newline. */
  readonly ended: Promise<string>;
  private isEnded = false;
  private readonly waiters = new Set<() => void>();

  constructor(stream: Readable) {
    this.ended = readLines(stream, (line) => {
      this.lines.push(line);
      this.wake();
    }).then((rest) => {
      this.isEnded = true;
      this.wake();
      return rest;
    });
  }

  /** Resolves once `count` lines have arrived; rejects if the stream ends first. */
  async waitFor(count: number): Promise<string[]> {
    while (this.lines.length < count) {
      if (this.isEnded) throw new Error(`the output ended after ${this.lines.length} of ${count} lines`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
    return this.lines;
  }

  /** Resolves at the end of the stream with every line; text after the last newline is an error. */
  async all(): Promise<string[]> {
    const rest = await this.ended;
    if (rest !== '') throw new Error(`the output ended inside a line: ${JSON.stringify(rest.slice(0, 200))}`);
    return this.lines;
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
