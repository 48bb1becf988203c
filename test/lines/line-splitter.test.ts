import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, LineSplitter } from '../../src/lines/line-splitter.js';
import { cut } from '../support/chunks.js';

interface Split {
  lines: [number, string][];
  oversize: number[];
}

function split(chunks: readonly Buffer[], maxLineBytes = 1 << 20): Split {
  const result: Split = { lines: [], oversize: [] };
  const splitter = new LineSplitter(
    maxLineBytes,
    (text, lineNumber) => result.lines.push([lineNumber, text]),
    (lineNumber) => result.oversize.push(lineNumber),
  );
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return result;
}

describe('LineSplitter', () => {
  it('splits on LF and CRLF, numbering every line, and hands over none that is empty', () => {
    expect(split([Buffer.from('a\r\nb\n\n\r\n \nc')]).lines).toEqual([
      [1, 'a'],
      [2, 'b'],
      [5, ' '],
      [6, 'c'],
    ]);
  });

  it('joins a line split across chunks, even inside a multi-byte character', () => {
    const bytes = Buffer.from('{"name":"h€llo 😀"}\n');
    const euro = bytes.indexOf(0xe2);
    const chunks = [bytes.subarray(0, euro + 1), bytes.subarray(euro + 1, euro + 2), bytes.subarray(euro + 2)];
    expect(split(chunks).lines).toEqual([[1, '{"name":"h€llo 😀"}']]);
  });

  it('hands over each decoded block of complete lines before its lines', () => {
    const events: string[] = [];
    const splitter = new LineSplitter(
      100,
      (text, lineNumber) => events.push(`line ${lineNumber} ${text}`),
      () => {},
      (block) => events.push(`block ${JSON.stringify(block)}`),
    );
    splitter.push(Buffer.from('a\nb\nc'));
    splitter.push(Buffer.from('d\n'));
    splitter.end();
    expect(events).toEqual(['block "a\\nb"', 'line 1 a', 'line 2 b', 'block "cd"', 'line 3 cd']);
  });

  it(`decodes a chunk of many lines in blocks of at most ${BLOCK_BYTES} bytes, a longer line alone`, () => {
    const short = Array.from({ length: 30000 }, (_, index) => `{"n":${index},"text":"${'€'.repeat(index % 7)}"}`);
    const long = `{"long":"${'x'.repeat(BLOCK_BYTES + 100)}"}`;
    const lines = [...short.slice(0, 20000), long, ...short.slice(20000)];
    const blocks: string[] = [];
    const seen: string[] = [];
    const splitter = new LineSplitter(
      4 << 20,
      (text) => seen.push(text),
      () => {},
      (block) => blocks.push(block),
    );
    splitter.push(Buffer.from(`${lines.join('\n')}\n`));
    splitter.end();
    expect(seen).toEqual(lines);
    expect(blocks.join('\n')).toBe(lines.join('\n'));
    expect(blocks.length).toBeGreaterThan(2);
    for (const block of blocks) {
      if (block !== long) expect(Buffer.byteLength(block)).toBeLessThanOrEqual(BLOCK_BYTES);
    }
    expect(blocks).toContain(long);
  });

  it('decodes invalid UTF-8 as U+FFFD instead of failing', () => {
    expect(split([Buffer.from([0x61, 0xff, 0x62, 0x0a])]).lines).toEqual([[1, 'a\ufffdb']]);
  });

  it('drops a line over the cap as it streams in and keeps the next one', () => {
    const long = Buffer.from(`${'x'.repeat(50)}\nshort\n`);
    const chunks = cut(long, [7, 19, 33, 52]);
    expect(split(chunks, 10)).toEqual({ lines: [[2, 'short']], oversize: [1] });
  });

  it('measures the cap in bytes, not characters, and excludes the line ending', () => {
    const result = split([Buffer.from('€€€\r\n€€€€\nabcdefghi\n')], 9);
    expect(result).toEqual({
      lines: [
        [1, '€€€'],
        [3, 'abcdefghi'],
      ],
      oversize: [2],
    });
  });

  it('drops a line that passes the cap in its last chunk without joining its pieces', () => {
    const blocks: string[] = [];
    const result: Split = { lines: [], oversize: [] };
    const splitter = new LineSplitter(
      10,
      (text, lineNumber) => result.lines.push([lineNumber, text]),
      (lineNumber) => result.oversize.push(lineNumber),
      (block) => blocks.push(block),
    );
    for (const chunk of ['ok\n12345678', '90123\nnext\n']) splitter.push(Buffer.from(chunk));
    splitter.end();
    expect(result).toEqual({
      lines: [
        [1, 'ok'],
        [3, 'next'],
      ],
      oversize: [2],
    });
    expect(blocks).toEqual(['ok', 'next']);
  });

  it('keeps a line of exactly the cap that ends in CRLF across chunks', () => {
    expect(split([Buffer.from('1234567'), Buffer.from('890\r\n')], 10)).toEqual({
      lines: [[1, '1234567890']],
      oversize: [],
    });
    expect(split([Buffer.from('1234567'), Buffer.from('8901\r\n')], 10)).toEqual({ lines: [], oversize: [1] });
  });

  it('drops an oversize last line that never ends', () => {
    expect(split([Buffer.from('ok\n'), Buffer.from('y'.repeat(30))], 10)).toEqual({
      lines: [[1, 'ok']],
      oversize: [2],
    });
  });

  it('yields exactly the lines for any chunking of any lines (property)', () => {
    const line = fc.string({ unit: 'binary', maxLength: 40 }).map((text) => text.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (lines, offsets, crlf) => {
          const text = lines.map((content) => `${content}${crlf ? '\r\n' : '\n'}`).join('');
          const expected = lines
            .map((content, index): [number, string] => [index + 1, Buffer.from(content).toString('utf8')])
            .filter(([, content]) => content !== '');
          expect(split(cut(Buffer.from(text), offsets)).lines).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes any bytes, invalid UTF-8 included, as toString() decodes each whole line, whatever the chunking (property)', () => {
    // Bytes around the UTF-8 boundaries: ASCII, continuations, lead bytes of 2-4 byte sequences, invalid leads.
    const byte = fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x61), fc.integer({ min: 0x80, max: 0xff }));
    const bytes = fc.tuple(fc.uint8Array({ maxLength: 60 }), fc.array(byte, { maxLength: 60 }));
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 12 }), ([raw, edgy], offsets) => {
        const input = Buffer.from([...raw, ...edgy]);
        const parts: Buffer[] = [];
        for (let start = 0; start <= input.length; ) {
          const newline = input.indexOf(0x0a, start);
          const end = newline < 0 ? input.length : newline;
          if (newline >= 0 || end > start) parts.push(input.subarray(start, end));
          start = end + 1;
        }
        const expected = parts
          .map((part, index): [number, string] => {
            const text = part.toString('utf8');
            return [index + 1, text.endsWith('\r') ? text.slice(0, -1) : text];
          })
          .filter(([, text]) => text !== '');
        expect(split(cut(input, offsets)).lines).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
