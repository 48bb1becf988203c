import { afterEach, describe, expect, it, vi } from 'vitest';
import { BLOCK_BYTES, LineSplitter } from '../../src/lines/line-splitter.js';
import { Intake } from '../../src/maelstrom/intake.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function intake(): Intake {
  return new Intake({ maxLineBytes: 1024 * 1024, log: () => {}, routeOf: () => undefined, isPeer: () => false });
}

/** Each request's msg_id, in the order the intake hands the requests out. */
function takeAll(into: Intake): unknown[] {
  const ids: unknown[] = [];
  while (into.hasLines) {
    const received = into.take();
    if (received?.kind === 'request') ids.push(received.message.body.msg_id);
  }
  return ids;
}

/** The length of each piece the splitter is given from now on. */
function piecesPushed(): number[] {
  const pieces: number[] = [];
  const push = LineSplitter.prototype.push;
  vi.spyOn(LineSplitter.prototype, 'push').mockImplementation(function (this: LineSplitter, chunk: Buffer) {
    pieces.push(chunk.length);
    push.call(this, chunk);
  });
  return pieces;
}

const line = (msgId: number, pad = 0): string =>
  `{"src":"c1","dest":"n1","body":{"type":"x","msg_id":${msgId},"pad":"${'p'.repeat(pad)}"}}\n`;

describe('a chunk of many lines', () => {
  it('is split into lines a block at a time, as they are taken', () => {
    const pieces = piecesPushed();
    const lines = Array.from({ length: 3000 }, (_, i) => line(i, 100));
    const into = intake();
    into.push(Buffer.from(lines.join('')));
    expect(pieces).toEqual([]);
    expect(into.hasLines).toBe(true);
    expect(pieces).toHaveLength(1);
    const ids = takeAll(into);
    into.end();
    expect(ids).toEqual(lines.map((_, i) => i));
    // Whole lines, as many as fit in a block.
    const longest = Buffer.byteLength(line(lines.length - 1, 100));
    expect(pieces.reduce((sum, bytes) => sum + bytes, 0)).toBe(Buffer.byteLength(lines.join('')));
    expect(pieces.slice(0, -1).every((bytes) => bytes <= BLOCK_BYTES && bytes > BLOCK_BYTES - longest)).toBe(true);
    expect(pieces.length).toBeGreaterThan(1);
  });

  it('hands a line longer than a block, and an unfinished last line, through whole', () => {
    const long = line(2, 3 * BLOCK_BYTES);
    const text = `${line(1)}${long}${line(3)}${line(4).slice(0, 20)}`;
    const into = intake();
    into.push(Buffer.from(text));
    expect(takeAll(into)).toEqual([1, 2, 3]);
    into.push(Buffer.from(line(4).slice(20)));
    expect(takeAll(into)).toEqual([4]);
    into.push(Buffer.from(line(5).trimEnd()));
    into.end();
    expect(takeAll(into)).toEqual([5]);
  });

  it('gives the splitter a line longer than a block in pieces of a block at most, even within one chunk', () => {
    const pieces = piecesPushed();
    const long = line(2, 5 * BLOCK_BYTES + 100);
    const into = intake();
    into.push(Buffer.from(`${line(1)}${long}${line(3)}`));
    expect(takeAll(into)).toEqual([1, 2, 3]);
    expect(pieces.every((bytes) => bytes <= BLOCK_BYTES)).toBe(true);
    expect(pieces.length).toBeGreaterThanOrEqual(6);
  });
});
