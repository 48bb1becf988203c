/** A reader that falls behind: the node stops taking input, so its memory stays bounded. */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Node } from '../../../src/maelstrom/node.js';
import { serveProjections } from '../../../src/serve.js';
import { message } from '../../support/messages.js';
import { SpawnedNode } from '../../support/spawned-node.js';

const STATE = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
const READS = 100;
const lines = [
  message(`{"type":"create","msg_id":0,"name":"p","initial_state":${STATE}}`),
  ...Array.from({ length: READS }, (_, i) => message(`{"type":"read","msg_id":${i + 1},"projection":"p"}`)),
];

/** Peak resident memory of a running process, in bytes (Linux). */
function peakRss(pid: number): number {
  const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) * 1024;
}

describe('a reader that stops reading', () => {
  it('holds the node at one reply past the backlog bound, within one input chunk', async () => {
    let held: (() => void)[] = [];
    let open = false;
    const output = new Writable({
      write(_chunk, _encoding, done) {
        if (open) done();
        else held.push(done);
      },
    });
    const { PassThrough } = await import('node:stream');
    const input = new PassThrough();
    const node = new Node({ input, output, log: () => {} });
    serveProjections(node, { rpcTimeoutMs: 1000 });
    const running = node.run();
    // Every line in one chunk: nothing but the output can hold the node back.
    input.end(lines.map((line) => `${line}\n`).join(''));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The create's reply and one read's (2 MiB each) at most, plus what fits under the bound.
    expect(output.writableLength).toBeLessThan(2 * STATE.length + 1024 * 1024);
    open = true;
    const waiting = held;
    held = [];
    for (const done of waiting) done();
    await running;
  });

  it('keeps the node process small however many replies are waiting', async () => {
    const node = new SpawnedNode();
    node.writeLines(lines.slice(0, 1));
    await node.waitForLines(1);
    node.child.stdout.pause();
    node.writeLines(lines.slice(1));
    // Long enough for a node without backpressure to build every reply (200 MiB).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const peak = peakRss(node.child.pid as number);
    node.child.stdout.resume();
    node.endInput();
    const result = await node.finished();
    expect(result.code).toBe(0);
    expect(result.stdout).toHaveLength(READS + 1);
    expect(peak).toBeLessThan(150 * 1024 * 1024);
  });
});

describe('a reader that closes stderr', () => {
  it('costs only the diagnostics: the node answers on and ends at the end of stdin', async () => {
    const node = new SpawnedNode();
    node.child.stderr.destroy();
    // Each line not JSON is a diagnostic, and each write of one fails.
    node.writeLines(['not json', 'nor this', message('{"type":"list","msg_id":1}')]);
    await node.waitForLines(1);
    node.writeLines(['still not json', message('{"type":"list","msg_id":2}')]);
    node.endInput();
    const result = await node.finished();
    expect(result.code).toBe(0);
    expect(result.stdout.map((line) => JSON.parse(line).body.in_reply_to)).toEqual([1, 2]);
  });
});
