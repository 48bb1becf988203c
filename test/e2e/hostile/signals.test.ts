/** Signals and a reader that goes away: the node ends in order, with whole replies only. */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { message } from '../../support/messages.js';
import { BIN, SpawnedNode } from '../../support/spawned-node.js';

describe('the reader going away (EPIPE)', () => {
  it('ends the node with exit code 0 and nothing on stderr', async () => {
    const node = new SpawnedNode();
    const burst = (first: number): string[] =>
      Array.from({ length: 3000 }, (_, i) => message(`{"type":"read","msg_id":${first + i},"projection":"nope"}`));
    node.writeLines(burst(1));
    await node.waitForLines(1);
    // Close our end of the node's stdout, then give it thousands more requests to answer.
    node.child.stdout.destroy();
    node.writeLines(burst(3001));
    node.endInput();
    const result = await node.finished();
    expect(result.code).toBe(0);
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe('');
  });
});

describe('with --data-dir, a node ended by its reader going away or by a second signal', () => {
  const state = JSON.stringify({ pad: 'x'.repeat(10_000) });
  /** ~10 MB of replies to read, after one write. */
  const requests = [
    message(`{"type":"create","msg_id":0,"name":"p","initial_state":${state}}`),
    ...Array.from({ length: 1000 }, (_, i) => message(`{"type":"read","msg_id":${i + 1},"projection":"p"}`)),
  ];
  /** What is left in the data directory once `end` has ended the node, which must exit 0. */
  const leftAfter = async (end: (node: SpawnedNode) => Promise<void>): Promise<string[]> => {
    const dir = mkdtempSync(join(tmpdir(), 'projection-node-lock-'));
    try {
      const node = new SpawnedNode(['--data-dir', dir]);
      node.writeLines(requests);
      await node.waitForLines(1);
      await end(node);
      return readdirSync(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('releases its lock when the reader closes stdout', async () => {
    const left = await leftAfter(async (node) => {
      node.child.stdout.destroy();
      node.endInput();
      const { code, stderr } = await node.finished();
      expect(code).toBe(0);
      // Its only line on stderr, as at every orderly exit with --data-dir.
      expect(stderr).toMatch(/^projection-node: data directory [^\n]+: \d+ syncs?\n$/);
    });
    expect(left).toEqual(['log-000000000000.pnr']);
  });

  it('releases its lock on a second signal, while its reader is not reading', async () => {
    const left = await leftAfter(async (node) => {
      node.child.stdout.pause();
      const exited = new Promise<number | null>((resolve) => node.child.once('exit', (code) => resolve(code)));
      node.child.kill('SIGTERM');
      node.child.kill('SIGINT');
      expect(await exited).toBe(0);
      node.child.stdout.resume();
      await node.finished();
    });
    expect(left).toEqual(['log-000000000000.pnr']);
  });
});

describe('a second signal', () => {
  it('ends a node whose reader has stopped reading, still with exit code 0', async () => {
    // ~10 MB of replies nobody reads: after SIGTERM the node waits for stdout to drain, so it
    // would never exit; SIGINT (a different signal, so the two cannot merge) ends it at once.
    const state = JSON.stringify({ pad: 'x'.repeat(10_000) });
    const node = new SpawnedNode();
    node.writeLines([
      message(`{"type":"create","msg_id":0,"name":"p","initial_state":${state}}`),
      ...Array.from({ length: 1000 }, (_, i) => message(`{"type":"read","msg_id":${i + 1},"projection":"p"}`)),
    ]);
    await node.waitForLines(1);
    node.child.stdout.pause();
    // 'exit' comes while stdout is still unread; 'close' would wait for it to be read.
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      node.child.once('exit', (code, signal) => resolve([code, signal])),
    );
    node.child.kill('SIGTERM');
    node.child.kill('SIGINT');
    expect(await exited).toEqual([0, null]);
    node.child.stdout.resume();
    expect((await node.finished()).stderr).toBe('');
  });
});

describe.each(['SIGTERM', 'SIGHUP'] as const)('%s during a burst', (signal) => {
  it('exits 0 having written whole replies only, in order, for a prefix of the requests', async () => {
    // Each reply is ~10 kB, so one input chunk's replies take many pipe-fulls to drain:
    // the signal arrives while the node still has replies to write.
    const state = JSON.stringify({ pad: 'x'.repeat(10_000) });
    const count = 1000;
    const node = new SpawnedNode();
    node.writeLines([
      message(`{"type":"create","msg_id":0,"name":"p","initial_state":${state}}`),
      ...Array.from({ length: count }, (_, i) => message(`{"type":"read","msg_id":${i + 1},"projection":"p"}`)),
    ]);
    await node.waitForLines(2);
    node.child.kill(signal);
    const result = await node.finished();

    expect(result.code).toBe(0);
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe('');
    // Every line is a whole reply (the helper keeps a cut-off last line, which would fail here).
    const answered = result.stdout.length - 1;
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(answered).toBeLessThanOrEqual(count);
    expect(result.stdout[0]).toBe(
      '{"src":"n1","dest":"c1","body":{"type":"projection_created","in_reply_to":0,"name":"p","version":0}}',
    );
    expect(result.stdout.slice(1)).toEqual(
      Array.from(
        { length: answered },
        (_, i) =>
          `{"src":"n1","dest":"c1","body":{"type":"read_ok","in_reply_to":${i + 1},"projection":"p","version":0,"state":${state}}}`,
      ),
    );
  });
});

describe('SIGTERM while stdin is a long file', () => {
  it('stops between reads of the file: exit 0, whole replies in order for a prefix of the requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'projection-node-signal-'));
    try {
      // About 30 MB of requests: seconds of work, read 1 MiB at a time.
      const count = 400_000;
      const lines = Array.from({ length: count }, (_, i) =>
        message(`{"type":"read","msg_id":${i},"projection":"nope"}`),
      );
      writeFileSync(join(dir, 'in'), `${lines.join('\n')}\n`);
      const [input, output] = [openSync(join(dir, 'in'), 'r'), openSync(join(dir, 'out'), 'w')];
      const child = spawn(process.execPath, [BIN], { stdio: [input, output, 'pipe'] });
      closeSync(input);
      closeSync(output);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.once('close', (code, signal) => resolve([code, signal])),
      );
      // Signalled once it has answered something, long before it could answer everything.
      while (statSync(join(dir, 'out')).size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
      expect(stderr).toBe('');
      const replies = readFileSync(join(dir, 'out'), 'utf8').split('\n');
      expect(replies.pop()).toBe('');
      expect(replies.length).toBeGreaterThan(0);
      expect(replies.length).toBeLessThan(count);
      replies.forEach((reply, i) => {
        expect(reply).toBe(
          `{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":${i},"code":20,"text":"read: projection \\"nope\\" does not exist"}}`,
        );
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
