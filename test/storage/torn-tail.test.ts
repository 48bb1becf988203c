import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, open, reload, tempDir } from './helpers.js';

const EARLIER = ['{"n":1}', '{"n":2,"text":"h€llo"}', '{"n":3}'];
const LAST = '{"n":4,"text":"the last record, cut short 😀"}';
const LAST_FRAME_BYTES = 8 + Buffer.byteLength(LAST);

/** A directory whose log holds EARLIER, then LAST in a commit of its own; returns the log's path and where LAST starts. */
function withLastRecord(): { dir: string; log: string; last: number } {
  const dir = tempDir();
  const { store } = open(dir);
  commitAll(store, [EARLIER.slice(0, 2), EARLIER.slice(2)]);
  const last = 8 + store.stats.logBytes;
  commitAll(store, [[LAST]]);
  store.close();
  return { dir, log: join(dir, 'log-000000000000.pnr'), last };
}

/** Bytes from a fixed sequence that looks random, so a failure can be replayed. */
function garbage(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed * 2654435761 + 1;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

/** Reopens `dir`, expecting LAST dropped with one warning, then checks that later commits follow the cut. */
function expectTornTailDropped(dir: string, log: string, last: number): void {
  const { store, records, warnings } = open(dir);
  expect(records).toEqual(EARLIER);
  expect(warnings).toHaveLength(1);
  const warning = `^${log}: dropped a torn tail at offset ${last} \\(\\d+ bytes: .+\\); the file now ends there$`;
  expect(warnings[0]).toMatch(new RegExp(warning));
  expect(statSync(log).size).toBe(last);
  commitAll(store, [['{"after":1}'], ['{"after":2}']]);
  store.close();
  expect(reload(dir)).toEqual([...EARLIER, '{"after":1}', '{"after":2}']);
}

describe('Torn tail', () => {
  it('drops a last record cut at any byte inside it', () => {
    const { dir, log, last } = withLastRecord();
    const whole = readFileSync(log);
    for (let cut = last + 1; cut < last + LAST_FRAME_BYTES; cut++) {
      writeFileSync(log, whole.subarray(0, cut));
      expectTornTailDropped(dir, log, last);
    }
  });

  it('drops a last record cut short and followed by garbage', () => {
    const { dir, log, last } = withLastRecord();
    const whole = readFileSync(log);
    for (let cut = last + 1; cut < last + LAST_FRAME_BYTES; cut += 3) {
      writeFileSync(log, Buffer.concat([whole.subarray(0, cut), garbage(1 + ((cut * 37) % 200), cut)]));
      expectTornTailDropped(dir, log, last);
    }
  });

  it('drops a last record followed by a long run of garbage, checking every place a frame could start in it', () => {
    const { dir, log, last } = withLastRecord();
    truncateSync(log, last + 5);
    appendFileSync(log, garbage(256 * 1024, 99));
    expectTornTailDropped(dir, log, last);
  });

  it('drops a last record whose bytes are zeros, as a crash can leave a file extended but not written', () => {
    const { dir, log, last } = withLastRecord();
    truncateSync(log, last);
    appendFileSync(log, Buffer.alloc(LAST_FRAME_BYTES));
    expectTornTailDropped(dir, log, last);
  });

  it('drops a last record with a wrong checksum', () => {
    const { dir, log, last } = withLastRecord();
    const bytes = readFileSync(log);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0x01, bytes.length - 3);
    writeFileSync(log, bytes);
    expectTornTailDropped(dir, log, last);
  });

  it('drops garbage after the last complete record', () => {
    const { dir, log } = withLastRecord();
    const end = statSync(log).size;
    appendFileSync(log, garbage(100, 7));
    const { store, records, warnings } = open(dir);
    expect(records).toEqual([...EARLIER, LAST]);
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^${log}: dropped a torn tail at offset ${end} `))]);
    store.close();
  });
});
