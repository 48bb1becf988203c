import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultyFileSystem } from './faulty-fs.js';
import { commitAll, open, reload, tempDir } from './helpers.js';

describe('Store round trip', () => {
  it('starts empty, creating the directory and its first log', () => {
    const dir = join(tempDir(), 'a', 'b');
    const { store, records, warnings } = open(dir);
    expect(records).toEqual([]);
    expect(warnings).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['lock', 'log-000000000000.pnr']);
    store.close();
    expect(readdirSync(dir)).toEqual(['log-000000000000.pnr']);
  });

  it('loads what was committed, in order, across reopens', () => {
    const dir = tempDir();
    const first = open(dir).store;
    commitAll(first, [['{"n":1}', '{"n":2}'], ['{"n":3}']]);
    first.close();
    const second = open(dir);
    expect(second.records).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    commitAll(second.store, [['{"n":4}']]);
    second.store.close();
    expect(reload(dir)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
  });

  it('keeps multi-byte UTF-8, empty records and records of several MB exactly', () => {
    const dir = tempDir();
    const big = `{"text":"${'x'.repeat(3 * 1024 * 1024)}"}`;
    const bigMixed = `{"text":"${'h€llo wörld 😀 '.repeat(300_000)}"}`;
    const records = ['{"name":"h€llo 😀"}', '', 'ascii', big, '日本語のテキスト', bigMixed, '{"last":true}'];
    const { store } = open(dir);
    commitAll(store, [records.slice(0, 4), records.slice(4)]);
    store.close();
    expect(reload(dir)).toEqual(records);
  });

  it('loads many small records spread over many commits and reads', () => {
    const dir = tempDir();
    const records = Array.from({ length: 30_000 }, (_, index) => `{"n":${index},"pad":"${'p'.repeat(index % 300)}"}`);
    const { store } = open(dir);
    for (let from = 0; from < records.length; from += 1000) commitAll(store, [records.slice(from, from + 1000)]);
    store.close();
    expect(reload(dir)).toEqual(records);
  });

  it('drops records appended after the last commit when closed, as a crash would', () => {
    const dir = tempDir();
    const { store } = open(dir);
    commitAll(store, [['kept']]);
    store.append('never committed');
    store.close();
    expect(reload(dir)).toEqual(['kept']);
  });

  it('counts log bytes as framed records, 8 bytes of framing each', () => {
    const dir = tempDir();
    const { store } = open(dir);
    commitAll(store, [['abc', '€']]);
    expect(store.stats.logBytes).toBe(8 + 3 + 8 + 3);
    expect(store.stats.snapshotBytes).toBe(0);
    store.close();
    expect(statSync(join(dir, 'log-000000000000.pnr')).size).toBe(8 + 22);
    const reopened = open(dir).store;
    expect(reopened.stats.logBytes).toBe(22);
    reopened.close();
  });

  it('refuses appends before load and after close', () => {
    const dir = tempDir();
    const { store } = open(dir);
    store.close();
    expect(() => store.append('x')).toThrow('the store is closed');
    expect(() => store.commit()).toThrow('the store is closed');
  });
});

describe('Group commit', () => {
  it('writes many appends with one write and one fdatasync', () => {
    const fs = new FaultyFileSystem();
    const { store } = open(tempDir(), { fs });
    const before = { ...store.stats };
    fs.calls.length = 0;
    for (let index = 0; index < 1000; index++) store.append(`{"n":${index}}`);
    expect(fs.calls).toEqual([]);
    store.commit();
    expect(fs.calls).toEqual(['writev log-000000000000.pnr', 'fdatasync log-000000000000.pnr']);
    expect(store.stats.syncs - before.syncs).toBe(1);
    expect(store.stats.writes - before.writes).toBe(1);
    store.close();
  });

  it('does nothing for a commit with nothing appended', () => {
    const fs = new FaultyFileSystem();
    const { store } = open(tempDir(), { fs });
    const syncs = store.stats.syncs;
    fs.calls.length = 0;
    store.commit();
    store.commit();
    expect(fs.calls).toEqual([]);
    expect(store.stats.syncs).toBe(syncs);
    store.close();
  });
});
