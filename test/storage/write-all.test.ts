import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IOV_MAX, writeAll } from '../../src/storage/write-all.js';
import { FaultyFileSystem } from './faulty-fs.js';

/** Runs writeAll on a fresh file; returns the file's bytes and the writev calls made. */
interface Written {
  readonly bytes: Buffer;
  readonly writes: number;
  readonly error?: unknown;
}

function write(buffers: Buffer[], prepare: (fs: FaultyFileSystem) => void = () => {}): Written {
  const dir = mkdtempSync(join(tmpdir(), 'write-all-'));
  const path = join(dir, 'file');
  const fs = new FaultyFileSystem();
  prepare(fs);
  const fd = openSync(path, 'w');
  const stats = { writes: 0 };
  let error: unknown;
  try {
    writeAll(fs, fd, buffers, 0, stats);
  } catch (caught) {
    error = caught;
  } finally {
    closeSync(fd);
  }
  const bytes = readFileSync(path);
  rmSync(dir, { recursive: true });
  return { bytes, writes: stats.writes, error };
}

describe('writeAll', () => {
  it('writes all buffers with one writev', () => {
    const { bytes, writes } = write([Buffer.from('ab'), Buffer.from('c'), Buffer.from('def')]);
    expect(bytes.toString()).toBe('abcdef');
    expect(writes).toBe(1);
  });

  it(`takes one writev per ${IOV_MAX} buffers`, () => {
    const buffers = Array.from({ length: 2 * IOV_MAX + 5 }, (_, index) => Buffer.from(String(index % 10)));
    const { bytes, writes } = write(buffers);
    expect(bytes.toString()).toBe(Buffer.concat(buffers).toString());
    expect(writes).toBe(3);
  });

  it('writes the rest again after a short write, even from inside a buffer', () => {
    const buffers = [Buffer.from('abcd'), Buffer.from('efgh')];
    const { bytes, writes } = write(buffers, (fs) => fs.shortWrite(2).shortWrite(3, 2));
    expect(bytes.toString()).toBe('abcdefgh');
    expect(writes).toBe(3);
  });

  it('throws when a write makes no progress, or fails', () => {
    expect(write([Buffer.from('abc')], (fs) => fs.shortWrite(0)).error).toEqual(new Error('a write made no progress'));
    const failed = write([Buffer.from('abc'), Buffer.from('def')], (fs) =>
      fs.shortWrite(4).fail('writev', 'ENOSPC', 2),
    );
    expect(failed.bytes.toString()).toBe('abcd');
    expect(String(failed.error)).toContain('ENOSPC');
  });
});
