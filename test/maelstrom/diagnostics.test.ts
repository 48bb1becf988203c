import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/maelstrom/diagnostics.js';
import { linesOf } from '../support/lines.js';

/** A stream whose reader takes nothing until `release` is called. */
function slowStream(): { stream: Writable; written: () => string; release: () => void } {
  let text = '';
  let pending: (() => void)[] = [];
  let open = false;
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      if (open) done();
      else pending.push(done);
    },
  });
  return {
    stream,
    written: () => text,
    release: () => {
      open = true;
      const waiting = pending;
      pending = [];
      for (const done of waiting) done();
    },
  };
}

describe('Diagnostics', () => {
  it('holds a bounded backlog for a reader that does not read, then says how many lines it dropped', async () => {
    const { stream, written, release } = slowStream();
    const diagnostics = new Diagnostics(stream, 4096);
    for (let i = 0; i < 300_000; i++) diagnostics.log(`line ${i}: not JSON: "garbage"`);
    expect(stream.writableLength).toBeLessThan(4096 + 100);
    expect(diagnostics.droppedLines).toBeGreaterThan(299_000);
    const dropped = diagnostics.droppedLines;
    release();
    await new Promise((resolve) => setImmediate(resolve));
    const lines = linesOf(written());
    expect(lines.at(-1)).toBe(`… and ${dropped} more diagnostic lines, dropped while stderr was not being read`);
    expect(lines.length + dropped).toBe(300_001);
    diagnostics.log('after');
    expect(written().endsWith('after\n')).toBe(true);
  });

  it('escapes control characters, so a terminal shows them instead of acting on them', () => {
    const { stream, written, release } = slowStream();
    release();
    new Diagnostics(stream).log('bad \u001b[31mred\u001b[0m \r\n\u0007 \u009b tab\tkept é');
    expect(written()).toBe('bad \\u001b[31mred\\u001b[0m \\u000d\\n\\u0007 \\u009b tab\tkept é\n');
  });

  it('cuts a line at 4096 characters, saying how long it was', () => {
    const { stream, written, release } = slowStream();
    release();
    const diagnostics = new Diagnostics(stream);
    diagnostics.log(`from ${'a'.repeat(4091)}`);
    diagnostics.log(`from ${'a'.repeat(10_000_000)}`);
    expect(linesOf(written())).toEqual([`from ${'a'.repeat(4091)}`, `from ${'a'.repeat(4091)}… (10000005 characters)`]);
  });

  it('cuts the line as written, escapes included, and never inside an escape or a surrogate pair', () => {
    const { stream, written, release } = slowStream();
    release();
    const diagnostics = new Diagnostics(stream);
    diagnostics.log('\u0001'.repeat(5000));
    diagnostics.log(`${'a'.repeat(4095)}😀`);
    diagnostics.log(`${'a'.repeat(4094)}\n${'b'.repeat(10)}`);
    const [escaped, emoji, newline] = linesOf(written());
    expect(escaped).toBe(`${'\\u0001'.repeat(682)}… (5000 characters)`);
    expect(emoji).toBe(`${'a'.repeat(4095)}… (4097 characters)`);
    expect(newline).toBe(`${'a'.repeat(4094)}\\n… (4105 characters)`);
  });
});
