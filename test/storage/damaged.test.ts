import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, open, storageError, tempDir } from './helpers.js';

const RECORDS = Array.from({ length: 5 }, (_, index) => `{"n":${index},"text":"record ${'€'.repeat(index)}"}`);

/** Where each record's frame starts in a file of RECORDS after an 8-byte header. */
function frameOffsets(records: readonly string[]): number[] {
  const offsets: number[] = [];
  let at = 8;
  for (const record of records) {
    offsets.push(at);
    at += 8 + Buffer.byteLength(record);
  }
  return offsets;
}

/** Flips one bit of the byte at `offset` of the file. */
function flip(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes.writeUInt8(bytes.readUInt8(offset) ^ 0x10, offset);
  writeFileSync(path, bytes);
}

/** A directory with RECORDS in its log, one commit each. */
function withLog(): { dir: string; log: string } {
  const dir = tempDir();
  const { store } = open(dir);
  commitAll(
    store,
    RECORDS.map((record) => [record]),
  );
  store.close();
  return { dir, log: join(dir, 'log-000000000000.pnr') };
}

/** A directory with RECORDS in a snapshot, and one record in the log after it. */
function withSnapshot(): { dir: string; snapshot: string } {
  const dir = tempDir();
  const { store } = open(dir);
  store.writeSnapshot(RECORDS);
  commitAll(store, [['{"after":true}']]);
  store.close();
  return { dir, snapshot: join(dir, 'snapshot-000000000001.pnr') };
}

/** Expects opening `dir` to throw `damaged` with exactly `message`, leaving `path` as it was. */
function expectDamaged(dir: string, path: string, message: string): void {
  const size = statSync(path).size;
  expect(storageError('damaged', () => open(dir)).message).toBe(message);
  expect(statSync(path).size).toBe(size);
}

describe('Damage before the end of the last log', () => {
  it('is reported with file and offset for a bad checksum in any record but the last', () => {
    const offsets = frameOffsets(RECORDS);
    for (const [index, offset] of offsets.slice(0, -1).entries()) {
      const { dir, log } = withLog();
      flip(log, offset + 8 + 3);
      const reason = `a record with a wrong checksum, and a valid record follows at offset ${offsets[index + 1]}`;
      expectDamaged(dir, log, `${log}: damaged at offset ${offset}: ${reason}`);
    }
  });

  it('is reported for a damaged length field, whether it now points inside or past the end of the file', () => {
    const offsets = frameOffsets(RECORDS);
    const second = offsets[1] ?? 0;
    const { dir, log } = withLog();
    flip(log, second + 4);
    const follows = `and a valid record follows at offset ${offsets[2]}`;
    expectDamaged(dir, log, `${log}: damaged at offset ${second}: a record with a wrong checksum, ${follows}`);
    flip(log, second + 4);
    flip(log, second + 7);
    const length = 0x10000000 + Buffer.byteLength(RECORDS[1] ?? '');
    const reason = `a record of ${length} bytes that runs past the end of the file, ${follows}`;
    expectDamaged(dir, log, `${log}: damaged at offset ${second}: ${reason}`);
  });

  it('is reported for a damaged checksum field or file header', () => {
    const { dir, log } = withLog();
    flip(log, 8);
    const error = storageError('damaged', () => open(dir));
    expect(error.message).toMatch(new RegExp(`^${log}: damaged at offset 8: a record with a wrong checksum`));
    flip(log, 8);
    flip(log, 2);
    expectDamaged(dir, log, `${log}: damaged at offset 0: not a log file header`);
  });

  it('is reported anywhere in a log that is not the last, even at its end', () => {
    const { dir, log } = withLog();
    writeFileSync(join(dir, 'log-000000000001.pnr'), 'PNRLOG1\n');
    truncateSync(log, statSync(log).size - 1);
    const last = frameOffsets(RECORDS).at(-1);
    const length = Buffer.byteLength(RECORDS.at(-1) ?? '');
    const reason = `a record of ${length} bytes that runs past the end of the file, in a log that is not the last`;
    expectDamaged(dir, log, `${log}: damaged at offset ${last}: ${reason}`);
  });
});

describe('Damage in a snapshot', () => {
  it('is reported with file and offset for a bad checksum in any record, the last too', () => {
    for (const offset of frameOffsets(RECORDS)) {
      const { dir, snapshot } = withSnapshot();
      flip(snapshot, offset + 9);
      expectDamaged(dir, snapshot, `${snapshot}: damaged at offset ${offset}: a record with a wrong checksum`);
    }
  });

  it('is reported for a snapshot cut short, even between two records, or with a wrong count', () => {
    const { dir, snapshot } = withSnapshot();
    const whole = readFileSync(snapshot);
    const end = whole.length - 16;
    truncateSync(snapshot, end);
    expectDamaged(dir, snapshot, `${snapshot}: damaged at offset ${end}: the snapshot ends without its end frame`);
    truncateSync(snapshot, end - 3);
    expect(storageError('damaged', () => open(dir)).message).toMatch(/runs past the end of the file$/);
    writeFileSync(snapshot, whole);
    flip(snapshot, end + 8);
    expectDamaged(dir, snapshot, `${snapshot}: damaged at offset ${end}: an end frame with a wrong checksum`);
  });

  it('is reported for bytes after the end frame, or a snapshot that is not one', () => {
    const { dir, snapshot } = withSnapshot();
    const whole = readFileSync(snapshot);
    writeFileSync(snapshot, Buffer.concat([whole, Buffer.from('x')]));
    expectDamaged(dir, snapshot, `${snapshot}: damaged at offset ${whole.length}: bytes after the end frame`);
    writeFileSync(snapshot, 'PNRLOG1\n');
    expectDamaged(dir, snapshot, `${snapshot}: damaged at offset 0: not a snapshot file header`);
  });
});
