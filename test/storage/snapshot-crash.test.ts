import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import { FaultyFileSystem } from './faulty-fs.js';
import { commitAll, open, reload, tempDir } from './helpers.js';

const OLD_IMAGE = ['{"snapshot":1}', '{"after snapshot":1}'];
const NEW_IMAGE = ['{"snapshot":2,"text":"ünïcödé"}', '{"snapshot":2,"n":2}'];

/** A directory holding OLD_IMAGE as a snapshot and a log record after it, and a store open on it. */
function withOldImage(fs: FaultyFileSystem): { dir: string; store: Store } {
  const dir = tempDir();
  const { store } = open(dir, { fs });
  commitAll(store, [['{"before snapshot":1}']]);
  store.writeSnapshot(OLD_IMAGE.slice(0, 1));
  commitAll(store, [OLD_IMAGE.slice(1)]);
  return { dir, store };
}

/** How many file-system calls a snapshot makes when nothing fails. */
function snapshotCalls(): string[] {
  const fs = new FaultyFileSystem();
  const { store } = withOldImage(fs);
  fs.calls.length = 0;
  store.writeSnapshot(NEW_IMAGE);
  const calls = [...fs.calls];
  store.close();
  return calls;
}

/**
 * Lets `calls` calls through, then fails every one, as if the process died there; returns
 * the store's error. What a dead process held is released without touching the data files.
 */
function crashAfter(store: Store, fs: FaultyFileSystem, calls: number, action: () => void): unknown {
  fs.crashAfter(calls);
  let error: unknown;
  try {
    action();
  } catch (caught) {
    error = caught;
  }
  fs.revive();
  store.close();
  return error;
}

describe('A crash during a snapshot', () => {
  it('at any of its steps leaves either the whole old image or the whole new one', () => {
    const steps = snapshotCalls();
    expect(steps).toContain('rename snapshot-000000000002.pnr.tmp snapshot-000000000002.pnr');
    // After the directory's fsync only closing and removing old files is left, and their failures are not the snapshot's.
    const synced = steps.findIndex((step) => step.startsWith('fsync '));
    const outcomes: string[] = [];
    for (let step = 0; step <= steps.length; step++) {
      const fs = new FaultyFileSystem();
      const { dir, store } = withOldImage(fs);
      const error = crashAfter(store, fs, step, () => store.writeSnapshot(NEW_IMAGE));
      expect(error !== undefined, `step ${step}`).toBe(step <= synced);
      const { store: reopened, records, warnings } = open(dir);
      expect(warnings, `step ${step}`).toEqual([]);
      expect([OLD_IMAGE, NEW_IMAGE], `step ${step} (${steps[step]}) loaded ${JSON.stringify(records)}`).toContainEqual(
        records,
      );
      outcomes.push(records[0] === OLD_IMAGE[0] ? 'old' : 'new');
      // Whatever was loaded, the store goes on from it.
      commitAll(reopened, [['{"next":1}']]);
      reopened.close();
      expect(reload(dir)).toEqual([...records, '{"next":1}']);
    }
    // The image switches once, at the rename of the snapshot, and never back.
    const switchAt = outcomes.indexOf('new');
    expect(steps[switchAt - 1]).toBe('rename snapshot-000000000002.pnr.tmp snapshot-000000000002.pnr');
    expect(outcomes.slice(switchAt).every((outcome) => outcome === 'new')).toBe(true);
  });
});

describe('A crash while opening', () => {
  it('at any step of the first open leaves a directory that opens empty', () => {
    const probe = new FaultyFileSystem();
    const { store: probed } = open(tempDir(), { fs: probe });
    const steps = probe.calls.length;
    probed.close();
    for (let step = 0; step < steps; step++) {
      const fresh = tempDir();
      const fs = new FaultyFileSystem().crashAfter(step);
      expect(() => open(fresh, { fs }), `step ${step}`).toThrow();
      // A lock taken before the crash names this live process; a restart would find it stale.
      rmSync(join(fresh, 'lock'), { force: true });
      const { store, records, warnings } = open(fresh);
      expect(records, `step ${step}`).toEqual([]);
      expect(warnings, `step ${step}`).toEqual([]);
      commitAll(store, [['{"first":1}']]);
      store.close();
      expect(reload(fresh)).toEqual(['{"first":1}']);
    }
  });
});
