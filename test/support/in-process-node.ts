/** A Node of src/maelstrom in the test's own process, fed and read through in-memory streams. */
import { PassThrough } from 'node:stream';
import { Node, type NodeOptions } from '../../src/maelstrom/node.js';
import { StreamLines } from './lines.js';

export interface Harness {
  readonly node: Node;
  readonly output: StreamLines;
  readonly logs: string[];
  /** Writes each line followed by a newline. */
  send(...lines: string[]): void;
  /** Writes raw input, as it is. */
  write(chunk: string | Buffer): void;
  /** Ends the input, waits for run() to finish, and returns every output line. */
  finish(): Promise<string[]>;
}

/** `options` adds to the node's options, e.g. a `rewriteLine`, under which every line is read whole. */
export function start(
  setup: (node: Node) => void = () => {},
  maxLineBytes?: number,
  options: Partial<Pick<NodeOptions, 'rewriteLine' | 'maxPendingRpcBytes'>> = {},
): Harness {
  const input = new PassThrough();
  const outputStream = new PassThrough();
  const logs: string[] = [];
  const node = new Node({ input, output: outputStream, log: (line) => logs.push(line), maxLineBytes, ...options });
  setup(node);
  const output = new StreamLines(outputStream);
  const running = node.run();
  return {
    node,
    output,
    logs,
    send: (...lines) => input.write(lines.map((line) => `${line}\n`).join('')),
    write: (chunk) => input.write(chunk),
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
