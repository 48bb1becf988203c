import { join } from 'node:path';
import { describeError, errorCode, ignoreErrors, StorageError, unavailable } from './errors.js';
import type { FileSystem } from './files.js';
import { currentOwner, formatOwner, isRunning, type Owner, parseOwner, pidExists } from './owner.js';

export const LOCK_NAME = 'lock';
const TEMP = /^lock\.(\d+)\.tmp$/;
const CLAIM_PREFIX = `${LOCK_NAME}.break-`;
/** How often to look again while another process is taking a stale lock over, and how long to wait between looks. */
const ATTEMPTS = 200;
const RETRY_MS = 5;

export interface DirectoryLock {
  release(): void;
}

/**
 * Takes the data directory for this process, or throws `locked` naming the process that has it.
 *
 * The lock is the file `lock`, naming its owner (owner.ts). It is written whole and fsynced under
 * a temporary name, then linked to `lock`: link fails if `lock` exists, so two processes cannot
 * both create it, and nobody ever reads a half-written one. A SIGKILLed owner leaves the file
 * behind; its owner no longer runs, so the lock is stale and is taken over.
 *
 * Removing a stale lock must not remove the fresh one a racing restarter may have put in its
 * place, and there is no "unlink if unchanged". So a remover first claims that stale lock by
 * linking `lock.break-<pid>-<start>.<n>` (one racer wins), checks that `lock` still names the dead
 * owner, and only then unlinks it. Only a claim holder unlinks a lock naming that owner and the
 * claim has one holder at a time, so nothing can come between the check and the unlink. A claim
 * whose holder died is passed over for the next `<n>`.
 */
export function acquireLock(fs: FileSystem, dir: string): DirectoryLock {
  const self = currentOwner(fs);
  const lockPath = join(dir, LOCK_NAME);
  const tempPath = join(dir, `${LOCK_NAME}.${self.pid}.tmp`);
  writeOwner(fs, tempPath, self, dir);
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (tryLink(fs, tempPath, lockPath, dir)) {
        removeLeftovers(fs, dir, self);
        return { release: () => ignoreErrors(() => fs.unlink(lockPath)) };
      }
      const owner = readOwner(fs, lockPath);
      if (owner === undefined) continue;
      if (isRunning(fs, owner, self)) throw locked(`data directory ${dir} is in use by process ${owner.pid}`);
      if (!removeStale(fs, dir, owner, tempPath, self)) sleep(RETRY_MS);
    }
    throw locked(`data directory ${dir} has a stale lock that another process keeps taking over`);
  } finally {
    ignoreErrors(() => fs.unlink(tempPath));
  }
}

/** Removes `lock` if it still names `stale`. False if a live process is doing that right now. */
function removeStale(fs: FileSystem, dir: string, stale: Owner, tempPath: string, self: Owner): boolean {
  const lockPath = join(dir, LOCK_NAME);
  let claim = 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const claimPath = join(dir, `${CLAIM_PREFIX}${stale.pid}-${stale.start}.${claim}`);
    if (tryLink(fs, tempPath, claimPath, dir)) {
      try {
        const current = readOwner(fs, lockPath);
        if (current !== undefined && formatOwner(current) === formatOwner(stale)) unlinkIfPresent(fs, lockPath, dir);
      } finally {
        ignoreErrors(() => fs.unlink(claimPath));
      }
      return true;
    }
    const claimer = readOwner(fs, claimPath);
    if (claimer === undefined) continue;
    if (isRunning(fs, claimer, self)) return false;
    claim++;
  }
  return false;
}

/** Removes temporary files and claims that processes left behind when they died. */
function removeLeftovers(fs: FileSystem, dir: string, self: Owner): void {
  ignoreErrors(() => {
    for (const name of fs.readdir(dir)) {
      const temp = TEMP.exec(name);
      const dead = temp?.[1]
        ? Number(temp[1]) !== self.pid && !pidExists(Number(temp[1]))
        : name.startsWith(CLAIM_PREFIX) && !isRunningOwner(fs, join(dir, name), self);
      if (dead) ignoreErrors(() => fs.unlink(join(dir, name)));
    }
  });
}

function isRunningOwner(fs: FileSystem, path: string, self: Owner): boolean {
  const owner = readOwner(fs, path);
  return owner !== undefined && isRunning(fs, owner, self);
}

/** The owner a lock or claim file names; undefined if the file is gone. */
function readOwner(fs: FileSystem, path: string): Owner | undefined {
  let text: string;
  try {
    text = fs.readText(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw unavailable(`cannot read ${path}: ${describeError(error)}`, error);
  }
  const owner = parseOwner(text);
  if (!owner) throw locked(`${path} is not a lock file this program wrote; remove it if no process uses the directory`);
  return owner;
}

function writeOwner(fs: FileSystem, path: string, owner: Owner, dir: string): void {
  try {
    const fd = fs.open(path, 'w');
    try {
      fs.writev(fd, [Buffer.from(formatOwner(owner))], 0);
      // A lock that lost its text in a power cut could not be read, and would block every restart.
      fs.fdatasync(fd);
    } finally {
      fs.close(fd);
    }
  } catch (error) {
    throw unavailable(`data directory ${dir} is not writable: ${describeError(error)}`, error);
  }
}

/** Links `from` to `to`; false if `to` exists. */
function tryLink(fs: FileSystem, from: string, to: string, dir: string): boolean {
  try {
    fs.link(from, to);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw unavailable(`data directory ${dir} is not writable: ${describeError(error)}`, error);
  }
}

function unlinkIfPresent(fs: FileSystem, path: string, dir: string): void {
  try {
    fs.unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT')
      throw unavailable(`data directory ${dir} is not writable: ${describeError(error)}`, error);
  }
}

function locked(message: string): StorageError {
  return new StorageError('locked', message);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
