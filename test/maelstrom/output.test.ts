import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MAX_OUTPUT_BACKLOG_BYTES } from '../../src/maelstrom/limits.js';
import { BatchedWriter, FileOutput } from '../../src/maelstrom/output.js';
import { standardOutput } from '../../src/main.js';
import { linesOf } from '../support/lines.js';
import { BIN } from '../support/spawned-node.js';

const dir = mkdtempSync(join(tmpdir(), 'projection-node-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function finished(stream: FileOutput): Promise<void> {
  return new Promise((resolve, reject) => stream.on('finish', resolve).on('error', reject));
}

describe('FileOutput', () => {
  it('writes corked strings and buffers in order, more parts than one vectored write takes', async () => {
    const path = join(dir, 'parts.out');
    const fd = openSync(path, 'w');
    const stream = new FileOutput(fd);
    const done = finished(stream);
    const expected: string[] = [];
    stream.cork();
    // Past IOV_MAX (1024), so the write comes back short and the rest is written again.
    for (let i = 0; i < 3000; i++) {
      const part = `${i}${'x'.repeat(i % 7)};`;
      expected.push(part);
      stream.write(i % 2 === 0 ? part : Buffer.from(part));
    }
    stream.uncork();
    stream.write('end');
    stream.end();
    await done;
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(`${expected.join('')}end`);
  });

  it('writes a string as it is, without a Buffer made for it, multi-byte characters included', async () => {
    const path = join(dir, 'text.out');
    const fd = openSync(path, 'w');
    const stream = new FileOutput(fd);
    const done = finished(stream);
    const text = `{"s":"é€😀"}\n`.repeat(5000);
    const from = vi.spyOn(Buffer, 'from');
    stream.write(text);
    stream.end();
    await done;
    expect(from).not.toHaveBeenCalled();
    from.mockRestore();
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('writes long corked strings as they are, and short ones with the buffers around them, in order', async () => {
    const path = join(dir, 'batches.out');
    const fd = openSync(path, 'w');
    const stream = new FileOutput(fd);
    const done = finished(stream);
    const long = (i: number) => `${i}:${'é'.repeat(20_000)}\n`;
    const parts = [long(1), 'short', Buffer.from('bytes'), long(2), long(3), Buffer.from('more'), 'tail'];
    const from = vi.spyOn(Buffer, 'from');
    stream.cork();
    for (const part of parts) stream.write(part);
    stream.uncork();
    stream.end();
    await done;
    // Only the two short strings were made into Buffers (one argument each); a copy of a long one would show here too.
    expect(from.mock.calls.map(([text]) => text)).toEqual(['short', 'tail']);
    from.mockRestore();
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(parts.map(String).join(''));
  });

  it('reports a failed write as an error event', async () => {
    const fd = openSync(join(dir, 'closed.out'), 'w');
    const stream = new FileOutput(fd);
    const failed = new Promise<NodeJS.ErrnoException>((resolve) => stream.on('error', resolve));
    closeSync(fd);
    stream.write('lost');
    expect((await failed).code).toBe('EBADF');
  });
});

describe('the node with stdout on a file', () => {
  it('writes to a file, or to a device that is not a terminal (/dev/null), through FileOutput', () => {
    const file = openSync(join(dir, 'chosen.out'), 'w');
    const devNull = openSync('/dev/null', 'w');
    expect(standardOutput(file)).toBeInstanceOf(FileOutput);
    expect(standardOutput(devNull)).toBeInstanceOf(FileOutput);
    closeSync(file);
    closeSync(devNull);
  });

  it('writes every reply to the file, large cached states included', () => {
    const input = join(dir, 'input.jsonl');
    const output = join(dir, 'replies.jsonl');
    const lines = ['{"src":"c","dest":"n1","body":{"type":"create","msg_id":1,"name":"p","initial_state":[]}}'];
    for (let i = 1; i <= 40; i++) {
      const event = `{"event_type":"Added","event_data":{"id":${i}}}`;
      lines.push(
        `{"src":"c","dest":"n1","body":{"type":"update","msg_id":${i + 1},"projection":"p","event":${event}}}`,
      );
    }
    writeFileSync(input, `${lines.join('\n')}\n`);
    const stdin = openSync(input, 'r');
    const stdout = openSync(output, 'w');
    const result = spawnSync(process.execPath, [BIN], { stdio: [stdin, stdout, 'pipe'] });
    closeSync(stdin);
    closeSync(stdout);
    expect(result.status).toBe(0);
    const replies = linesOf(readFileSync(output, 'utf8')).map((line) => JSON.parse(line));
    expect(replies).toHaveLength(41);
    expect(replies[40].body).toEqual({
      type: 'projection_updated',
      in_reply_to: 41,
      projection: 'p',
      version: 40,
      state: Array.from({ length: 40 }, (_, i) => ({ id: i + 1 })),
    });
  });
});

describe('BatchedWriter', () => {
  const reply = `${'r'.repeat(999)}\n`;

  /** A stream that takes each write at once, and counts what it took. */
  class Counted extends Writable {
    taken = 0;
    override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
      this.taken += chunk.length;
      done();
    }
  }

  it('hands 64 KiB of text to the stream as soon as it is written, while no gate holds it', () => {
    const stream = new Counted();
    const writer = new BatchedWriter(stream);
    for (let i = 0; i < 65; i++) writer.write(reply);
    expect(stream.taken).toBe(0);
    writer.write(reply);
    expect(stream.taken).toBe(66 * reply.length);
    writer.write(reply);
    expect(stream.taken).toBe(66 * reply.length);
  });

  it('holds everything behind a gate until it is flushed', () => {
    const stream = new Counted();
    const writer = new BatchedWriter(stream);
    let gates = 0;
    writer.setBeforeFlush(() => gates++);
    for (let i = 0; i < 200; i++) writer.write(reply);
    expect(stream.taken).toBe(0);
    writer.flush();
    expect(stream.taken).toBe(200 * reply.length);
    expect(gates).toBe(1);
  });

  it('behind a gate, holds text as bytes and counts it so, and a large reply as the string it is', () => {
    const stream = new Counted();
    const writer = new BatchedWriter(stream);
    writer.setBeforeFlush(() => {});
    // 1,000 UTF-16 units, 2,998 bytes: counted in units, 3 MiB of them would wait before the 1 MiB backlog is full.
    const wide = `${'中'.repeat(999)}\n`;
    let replies = 0;
    while (!writer.isBackedUp) {
      writer.write(wide);
      replies++;
    }
    expect(replies * Buffer.byteLength(wide)).toBeLessThan(MAX_OUTPUT_BACKLOG_BYTES + 3 * 64 * 1024);
    writer.flush();
    expect(stream.taken).toBe(replies * Buffer.byteLength(wide));
    const from = vi.spyOn(Buffer, 'from');
    const large = `${'x'.repeat(200 * 1024)}\n`;
    writer.write(large);
    expect(from.mock.calls.filter(([value]) => value === large)).toEqual([]);
    from.mockRestore();
    writer.flush();
    expect(stream.taken).toBe(replies * Buffer.byteLength(wide) + large.length);
  });
});
