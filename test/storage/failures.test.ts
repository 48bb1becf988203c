import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import { FaultyFileSystem } from './faulty-fs.js';
import { commitAll, open, reload, storageError, tempDir } from './helpers.js';

const BATCH = ['{"batch":1}', '{"batch":2,"text":"€€€"}', '{"batch":3}'];
const BATCH_BYTES = BATCH.reduce((bytes, record) => bytes + 8 + Buffer.byteLength(record), 0);

/** A store holding one committed record, on a file system that fails on demand. */
function withStore(): { dir: string; log: string; store: Store; fs: FaultyFileSystem } {
  const dir = tempDir();
  const fs = new FaultyFileSystem();
  const { store } = open(dir, { fs });
  commitAll(store, [['{"kept":true}']]);
  return { dir, log: join(dir, 'log-000000000000.pnr'), store, fs };
}

function appendBatch(store: Store): void {
  for (const record of BATCH) store.append(record);
}

/** Expects every later write to be refused as `broken`, naming what broke the store. */
function expectBroken(store: Store, cause: string): void {
  for (const write of [() => store.append('x'), () => store.commit(), () => store.writeSnapshot(['x'])]) {
    expect(storageError('broken', write).message).toContain(cause);
  }
}

describe('A failed write', () => {
  for (const [name, inject] of [
    ['fails with ENOSPC', (fs: FaultyFileSystem) => fs.fail('writev', 'ENOSPC')],
    ['fails with EIO after a short write', (fs: FaultyFileSystem) => fs.shortWrite(10).fail('writev', 'EIO', 2)],
    ['makes no progress', (fs: FaultyFileSystem) => fs.shortWrite(0)],
  ] as const) {
    it(`${name}: throws write-failed, cuts the log back, and a later commit succeeds`, () => {
      const { dir, log, store, fs } = withStore();
      const size = statSync(log).size;
      const stats = { ...store.stats };
      inject(fs);
      appendBatch(store);
      const error = storageError('write-failed', () => store.commit());
      const failure = `^${log}: writing ${BATCH_BYTES} bytes at offset ${size} failed: .+; the file was cut back$`;
      expect(error.message).toMatch(new RegExp(failure));
      expect(statSync(log).size).toBe(size);
      expect(store.stats.logBytes).toBe(stats.logBytes);
      commitAll(store, [['{"later":true}']]);
      store.close();
      expect(fs.openFiles).toEqual([]);
      expect(reload(dir)).toEqual(['{"kept":true}', '{"later":true}']);
    });
  }

  it('syncs the cut, so no crash can bring back part of the failed batch', () => {
    const { store, fs } = withStore();
    fs.shortWrite(20).fail('writev', 'ENOSPC', 2);
    fs.calls.length = 0;
    appendBatch(store);
    storageError('write-failed', () => store.commit());
    expect(fs.calls.slice(-2)).toEqual(['ftruncate log-000000000000.pnr', 'fdatasync log-000000000000.pnr']);
    store.close();
  });

  it('that cannot be cut back leaves the store broken', () => {
    for (const failing of ['ftruncate', 'fdatasync'] as const) {
      const { store, fs } = withStore();
      fs.fail('writev', 'EIO').fail(failing, 'EIO');
      appendBatch(store);
      const error = storageError('sync-failed', () => store.commit());
      expect(error.message).toContain(
        'and cutting the file back failed too: EIO: i/o error; no more writes until the process restarts',
      );
      expectBroken(store, 'cutting the file back failed too');
      store.close();
      expect(fs.openFiles).toEqual([]);
    }
  });
});

describe('A failed sync', () => {
  it('throws sync-failed, then refuses every write until restart; a restart loads what is on disk', () => {
    const { dir, log, store, fs } = withStore();
    fs.fail('fdatasync', 'EIO');
    appendBatch(store);
    expect(storageError('sync-failed', () => store.commit()).message).toBe(
      `${log}: fdatasync failed: EIO: i/o error; no more writes until the process restarts`,
    );
    expectBroken(store, `after: ${log}: fdatasync failed: EIO: i/o error`);
    store.close();
    expect(fs.openFiles).toEqual([]);
    // This file system did write the batch; a real disk may have lost any part of it.
    expect(reload(dir)).toEqual(['{"kept":true}', ...BATCH]);
  });
});

describe('A failed snapshot', () => {
  it('that fails to write throws write-failed, leaves the old files and the store usable', () => {
    const { dir, store, fs } = withStore();
    fs.fail('writev', 'ENOSPC');
    const error = storageError('write-failed', () => store.writeSnapshot(['{"image":1}']));
    const temp = `${dir}/snapshot-000000000001.pnr.tmp`;
    expect(error.message).toMatch(
      new RegExp(`^${temp}: writing \\d+ bytes at offset 0 failed: ENOSPC: no space left on device$`),
    );
    expect(readdirSync(dir).sort()).toEqual(['lock', 'log-000000000000.pnr']);
    commitAll(store, [['{"later":true}']]);
    store.close();
    expect(fs.openFiles).toEqual([]);
    expect(reload(dir)).toEqual(['{"kept":true}', '{"later":true}']);
  });

  it('that fails to create the next log throws write-failed and leaves the old files', () => {
    const { dir, store, fs } = withStore();
    fs.fail('writev', 'ENOSPC', 2);
    storageError('write-failed', () => store.writeSnapshot(['{"image":1}']));
    expect(readdirSync(dir).sort()).toEqual(['lock', 'log-000000000000.pnr']);
    store.close();
    expect(fs.openFiles).toEqual([]);
    expect(reload(dir)).toEqual(['{"kept":true}']);
  });

  it('whose records fail to come passes the error on and leaves the old files and the store usable', () => {
    const { dir, store } = withStore();
    function* failing(): Generator<string> {
      yield '{"image":1}';
      throw new Error('the image could not be read');
    }
    expect(() => store.writeSnapshot(failing())).toThrow('the image could not be read');
    expect(readdirSync(dir).sort()).toEqual(['lock', 'log-000000000000.pnr']);
    commitAll(store, [['{"later":true}']]);
    store.close();
    expect(reload(dir)).toEqual(['{"kept":true}', '{"later":true}']);
  });

  it('that fails to sync, or to rename, leaves the store broken and the old image on disk', () => {
    for (const [call, nth] of [
      ['fdatasync', 1],
      ['fdatasync', 2],
      ['rename', 1],
      ['fsync', 1],
    ] as const) {
      const { dir, store, fs } = withStore();
      fs.fail(call, 'EIO', nth);
      const error = storageError('sync-failed', () => store.writeSnapshot(['{"image":1}']));
      const failed = /: (fdatasync|fsync|renaming the new snapshot into place) failed: EIO: i\/o error; no more writes/;
      expect(error.message).toMatch(failed);
      expectBroken(store, 'EIO');
      store.close();
      expect(fs.openFiles, `${call} ${nth}`).toEqual([]);
      const image = call === 'fsync' ? ['{"image":1}'] : ['{"kept":true}'];
      expect(reload(dir), `${call} ${nth}`).toEqual(image);
    }
  });
});
