import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { StorageError, type StorageErrorKind } from '../../src/storage/errors.js';
import { openStore, type Store, type StoreOptions } from '../../src/storage/store.js';

/**
 * A fresh empty directory, removed once the test that made it has finished. (A hook
 * registered when this module loads would serve only the first file to import it: the
 * test files of a worker share their modules.)
 */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'storage-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Opened {
  readonly store: Store;
  readonly records: string[];
  readonly warnings: string[];
}

/** Opens and loads a store, collecting its records and warnings. */
export function open(dir: string, options: StoreOptions = {}): Opened {
  const warnings: string[] = [];
  const store = openStore(dir, { log: (line) => warnings.push(line), ...options });
  const records: string[] = [];
  try {
    store.load((record) => records.push(record));
  } catch (error) {
    store.close();
    throw error;
  }
  return { store, records, warnings };
}

/** The records a fresh open of `dir` loads, with the real file system. */
export function reload(dir: string): string[] {
  const { store, records } = open(dir);
  store.close();
  return records;
}

/** Writes `records` in one commit per inner list. */
export function commitAll(store: Store, batches: readonly (readonly string[])[]): void {
  for (const batch of batches) {
    for (const record of batch) store.append(record);
    store.commit();
  }
}

/** Runs `action`, expecting a StorageError of `kind`; returns it. */
export function storageError(kind: StorageErrorKind, action: () => unknown): StorageError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StorageError);
  const error = caught as StorageError;
  expect(error.kind, error.message).toBe(kind);
  expect(error.message).not.toContain('\n');
  return error;
}
