import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultyFileSystem } from './faulty-fs.js';
import { open, storageError, tempDir } from './helpers.js';

describe('Unavailable data directory', () => {
  it('cannot be created under a regular file', () => {
    const error = storageError('unavailable', () => open('/dev/null/data'));
    expect(error.message).toBe('data directory /dev/null/data cannot be created: ENOTDIR: not a directory');
  });

  it('cannot be a regular file', () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    const error = storageError('unavailable', () => open(file));
    expect(error.message).toBe(`data directory ${file} cannot be created: ENOTDIR: it exists and is not a directory`);
  });

  it('cannot be written, as on a read-only file system', () => {
    const dir = tempDir();
    const fs = new FaultyFileSystem().fail('open', 'EROFS');
    expect(storageError('unavailable', () => open(dir, { fs })).message).toBe(
      `data directory ${dir} is not writable: EROFS: read-only file system`,
    );
    // Nothing was left locked.
    open(dir).store.close();
  });
});
