/**
 * bin/projection-node as a child process that a test drives: it writes the input, waits
 * for stdout lines, and reads what the process wrote once it has exited.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { StreamLines } from './lines.js';
import { requestLines } from './messages.js';

/** The checkout, found from this file rather than from the working directory; it ends in "/". */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** bin/projection-node, found from this file rather than from the working directory. */
export const BIN = `${ROOT}bin/projection-node`;

export type Input = string | Buffer | readonly Buffer[];

export interface NodeResult {
  /** stdout split at newlines; a last line without its newline is kept, so a cut-off reply shows. */
  readonly stdout: string[];
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running bin/projection-node, spawned by the test, with its stdout gathered into lines as they arrive. */
export class SpawnedNode {
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';
  private readonly stdout: StreamLines;
  private readonly closed: Promise<NodeResult>;

  /** `nodeArgs` go to Node.js itself, before the script (e.g. --max-old-space-size=64). */
  constructor(args: readonly string[] = [], nodeArgs: readonly string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, BIN, ...args]);
    // The node may exit (EPIPE, SIGTERM) while input is still being written to it.
    this.child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
    this.stdout = new StreamLines(this.child.stdout);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => (this.stderr += text));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      this.child.on('close', (code, signal) => resolve([code, signal]));
    });
    this.closed = exited.then(async ([code, signal]) => {
      const rest = await this.stdout.ended;
      const stdout = rest === '' ? [...this.lines] : [...this.lines, rest];
      return { stdout, stderr: this.stderr, code, signal };
    });
  }

  /** Complete stdout lines received so far, without their newlines. */
  get lines(): readonly string[] {
    return this.stdout.lines;
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
  async waitForLines(count: number): Promise<readonly string[]> {
    try {
      return await this.stdout.waitFor(count);
    } catch {
      const { stderr } = await this.closed;
      throw new Error(`the node exited after ${this.lines.length} of ${count} lines; stderr: ${stderr}`);
    }
  }

  /** Resolves when the process has exited and its output streams are closed. */
  finished(): Promise<NodeResult> {
    return this.closed;
  }
}

/** Runs the node on `input` (stdin is closed after it) and collects everything it writes. */
export function runNode(
  input: Input,
  args: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<NodeResult> {
  const node = new SpawnedNode(args, nodeArgs);
  node.write(input);
  node.endInput();
  return node.finished();
}

/**
 * Sends each body from client c1 to n1 through a fresh node, numbering msg_ids from 1,
 * and returns the reply bodies once the node has exited 0 with nothing on stderr.
 */
export async function replyBodies(bodies: readonly object[]): Promise<unknown[]> {
  const { stdout, stderr, code } = await runNode(`${requestLines(bodies).join('\n')}\n`);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout.map((line) => JSON.parse(line).body);
}

/**
 * bin/projection-node runs the build in dist/ when there is one, so a build older than
 * src/ would test old code. The entry is read from the bin rather than assumed.
 */
export function assertBuildIsFresh(): void {
  const file = /'dist', '([^']+)'/.exec(readFileSync(BIN, 'utf8'))?.[1];
  const entry = `dist/${file}`;
  if (file === undefined || !existsSync(`${ROOT}${entry}`)) return; // the bin compiles src/ on the fly
  const built = statSync(`${ROOT}${entry}`).mtimeMs;
  const src = `${ROOT}src/`;
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.ts') && statSync(`${src}${file}`).mtimeMs > built) {
      throw new Error(`${entry} is older than src/${file}: run \`npm run build\` first`);
    }
  }
}
