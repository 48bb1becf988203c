import { copyFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultyFileSystem } from './faulty-fs.js';
import { commitAll, open, reload, tempDir } from './helpers.js';

function files(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe('Snapshots', () => {
  it('replace the log: a reopen loads the snapshot, then what was committed after it', () => {
    const dir = tempDir();
    const { store } = open(dir);
    commitAll(store, [['{"old":1}', '{"old":2}']]);
    store.writeSnapshot(['{"image":1}', '{"image":2}']);
    expect(files(dir)).toEqual(['lock', 'log-000000000001.pnr', 'snapshot-000000000001.pnr']);
    commitAll(store, [['{"after":1}']]);
    store.close();
    expect(reload(dir)).toEqual(['{"image":1}', '{"image":2}', '{"after":1}']);
  });

  it('number their files in order, and report their sizes', () => {
    const dir = tempDir();
    const { store } = open(dir);
    store.writeSnapshot(['a']);
    commitAll(store, [['b']]);
    expect(store.stats.logBytes).toBe(9);
    store.writeSnapshot(['a', 'b']);
    expect(files(dir)).toEqual(['lock', 'log-000000000002.pnr', 'snapshot-000000000002.pnr']);
    expect(store.stats.snapshotBytes).toBe(statSync(join(dir, 'snapshot-000000000002.pnr')).size);
    expect(store.stats.snapshotBytes).toBe(8 + 9 + 9 + 16);
    expect(store.stats.logBytes).toBe(0);
    store.close();
    const reopened = open(dir);
    expect(reopened.records).toEqual(['a', 'b']);
    expect(reopened.store.stats).toMatchObject({ snapshotBytes: 42, logBytes: 0 });
    reopened.store.close();
  });

  it('commit what was appended first, so the image, which includes it, is not followed by it again', () => {
    const dir = tempDir();
    const { store } = open(dir);
    store.append('{"pending":1}');
    store.writeSnapshot(['{"image with pending":1}']);
    store.close();
    expect(reload(dir)).toEqual(['{"image with pending":1}']);
  });

  it('may be empty', () => {
    const dir = tempDir();
    const { store } = open(dir);
    commitAll(store, [['{"gone":1}']]);
    store.writeSnapshot([]);
    store.close();
    expect(reload(dir)).toEqual([]);
  });

  it('are written in pieces of a few MiB, never as one buffer, and load back exactly', () => {
    const dir = tempDir();
    const fs = new FaultyFileSystem();
    const { store } = open(dir, { fs });
    const image = [
      ...Array.from({ length: 40_000 }, (_, index) => `{"n":${index},"text":"${'ü'.repeat(index % 50)}"}`),
      `{"big":"${'b'.repeat(5 * 1024 * 1024)}"}`,
      '{"end":true}',
    ];
    fs.calls.length = 0;
    store.writeSnapshot(image);
    expect(fs.calls.filter((call) => call === 'writev snapshot-000000000001.pnr.tmp').length).toBeGreaterThan(1);
    store.close();
    expect(reload(dir)).toEqual(image);
  });
});

describe('Files a crash left behind', () => {
  it('are removed on open: older snapshots and logs, unfinished files; other files stay', () => {
    const dir = tempDir();
    const { store } = open(dir);
    commitAll(store, [['{"old":1}']]);
    copyFileSync(join(dir, 'log-000000000000.pnr'), join(dir, 'old-log'));
    store.writeSnapshot(['{"image":1}']);
    copyFileSync(join(dir, 'snapshot-000000000001.pnr'), join(dir, 'old-snapshot'));
    store.writeSnapshot(['{"image":2}']);
    store.close();
    copyFileSync(join(dir, 'old-log'), join(dir, 'log-000000000001.pnr'));
    copyFileSync(join(dir, 'old-snapshot'), join(dir, 'snapshot-000000000001.pnr'));
    writeFileSync(join(dir, 'snapshot-000000000003.pnr.tmp'), 'half a snapshot');
    writeFileSync(join(dir, 'log-000000000003.pnr.tmp'), 'PNRLOG1\n');
    const { store: reopened, records } = open(dir);
    expect(records).toEqual(['{"image":2}']);
    expect(files(dir)).toEqual([
      'lock',
      'log-000000000002.pnr',
      'old-log',
      'old-snapshot',
      'snapshot-000000000002.pnr',
    ]);
    reopened.close();
  });

  it('may be a snapshot without its log, which is then created', () => {
    const dir = tempDir();
    const { store } = open(dir);
    store.writeSnapshot(['{"image":1}']);
    store.close();
    rmSync(join(dir, 'log-000000000001.pnr'));
    const reopened = open(dir);
    expect(reopened.records).toEqual(['{"image":1}']);
    commitAll(reopened.store, [['{"after":1}']]);
    reopened.store.close();
    expect(files(dir)).toEqual(['log-000000000001.pnr', 'snapshot-000000000001.pnr']);
    expect(reload(dir)).toEqual(['{"image":1}', '{"after":1}']);
  });

  it('may be the next log without its snapshot: the old image loads, and later commits go to that log', () => {
    const dir = tempDir();
    const { store } = open(dir);
    commitAll(store, [['{"old":1}']]);
    store.close();
    writeFileSync(join(dir, 'log-000000000001.pnr'), 'PNRLOG1\n');
    const reopened = open(dir);
    expect(reopened.records).toEqual(['{"old":1}']);
    commitAll(reopened.store, [['{"new":1}']]);
    expect(statSync(join(dir, 'log-000000000001.pnr')).size).toBe(8 + 8 + 9);
    reopened.store.writeSnapshot(['{"image":1}']);
    reopened.store.close();
    expect(files(dir)).toEqual(['log-000000000002.pnr', 'snapshot-000000000002.pnr']);
    expect(reload(dir)).toEqual(['{"image":1}']);
  });
});
