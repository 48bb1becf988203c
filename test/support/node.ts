import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import { Node } from '../../src/maelstrom/node.js';

/** Newline-terminated text from a stream, gathered into lines as it arrives. */
export class Lines {
  readonly lines: string[] = [];
  private partial = '';
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(stream: PassThrough) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => this.add(text));
    stream.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  add(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    this.wake?.();
  }

  /** Resolves once `count` lines have arrived. */
  async waitFor(count: number): Promise<string[]> {
    while (this.lines.length < count) {
      if (this.ended) throw new Error(`output ended after ${this.lines.length} of ${count} lines`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.lines;
  }

  /** Resolves at the end of the stream, with every line; text after the last newline fails. */
  async all(): Promise<string[]> {
    while (!this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    expect(this.partial).toBe('');
    return this.lines;
  }
}

export interface Harness {
  readonly node: Node;
  readonly output: Lines;
  readonly logs: string[];
  send(...lines: string[]): void;
  /** Ends the input, waits for run() to finish, and returns every output line. */
  finish(): Promise<string[]>;
}

export function start(setup: (node: Node) => void = () => {}, maxLineBytes?: number): Harness {
  const input = new PassThrough();
  const outputStream = new PassThrough();
  const logs: string[] = [];
  const node = new Node({ input, output: outputStream, log: (line) => logs.push(line), maxLineBytes });
  setup(node);
  const output = new Lines(outputStream);
  const running = node.run();
  return {
    node,
    output,
    logs,
    send: (...lines) => input.write(lines.map((line) => `${line}\n`).join('')),
    async finish() {
      input.end();
      await running;
      outputStream.end();
      return output.all();
    },
  };
}

/** Runs `lines` through a fresh node and returns its output and log lines. */
export async function exchange(
  lines: readonly string[],
  setup?: (node: Node) => void,
): Promise<{ out: string[]; logs: string[] }> {
  const harness = start(setup);
  harness.send(...lines);
  const out = await harness.finish();
  return { out, logs: harness.logs };
}
