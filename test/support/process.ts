import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bin/projection-node, found from this file rather than from the working directory. */
export const BIN = fileURLToPath(new URL('../../bin/projection-node', import.meta.url));

export type Input = string | Buffer | readonly Buffer[];

export interface NodeResult {
  /** stdout split at newlines; a last line without its newline is kept, so a cut-off reply shows. */
  readonly stdout: string[];
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running bin/projection-node with its stdout gathered into lines as they arrive. */
export class NodeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Complete stdout lines received so far, without their newlines. */
  readonly lines: string[] = [];
  stderr = '';
  private partial: string[] = [];
  private isClosed = false;
  private readonly waiters = new Set<() => void>();
  private readonly closed: Promise<NodeResult>;

  /** `nodeArgs` go to Node.js itself, before the script (e.g. --max-old-space-size=64). */
  constructor(args: readonly string[] = [], nodeArgs: readonly string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, BIN, ...args]);
    // The node may exit (EPIPE, SIGTERM) while input is still being written to it.
    this.child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (text: string) => {
      // A long line arrives in many pieces: joined once, at its newline, not once per piece.
      if (!text.includes('\n')) {
        this.partial.push(text);
        return;
      }
      const parts = (this.partial.join('') + text).split('\n');
      this.partial = [parts.pop() ?? ''];
      this.lines.push(...parts);
      this.notify();
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => (this.stderr += text));
    this.closed = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.isClosed = true;
        this.notify();
        const rest = this.partial.join('');
        const stdout = rest === '' ? [...this.lines] : [...this.lines, rest];
        resolve({ stdout, stderr: this.stderr, code, signal });
      });
    });
  }

  /** Writes raw input; an array is written as separate chunks. */
  write(input: Input): void {
    for (const chunk of typeof input === 'string' || Buffer.isBuffer(input) ? [input] : input)
      this.child.stdin.write(chunk);
  }

  /** Writes each line followed by a newline. */
  writeLines(lines: readonly string[]): void {
    this.write(lines.map((line) => `${line}\n`).join(''));
  }

  endInput(): void {
    this.child.stdin.end();
  }

  /** Resolves once `count` stdout lines have arrived; rejects if the process ends first. */
  async waitForLines(count: number): Promise<string[]> {
    while (this.lines.length < count) {
      if (this.isClosed) {
        throw new Error(`the node exited after ${this.lines.length} of ${count} lines; stderr: ${this.stderr}`);
      }
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

  /** Resolves when the process has exited and its output streams are closed. */
  finished(): Promise<NodeResult> {
    return this.closed;
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

/** Runs the node on `input` (stdin is closed after it) and collects everything it writes. */
export function runNode(
  input: Input,
  args: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<NodeResult> {
  const node = new NodeProcess(args, nodeArgs);
  node.write(input);
  node.endInput();
  return node.finished();
}
