import { join } from 'node:path';
import { describeError, errorCode, ignoreErrors, StorageError, unavailable } from './errors.js';
import { type FileSystem, nodeFileSystem } from './files.js';
import { FrameBuffer, HEADER_BYTES, LOG_HEADER, SNAPSHOT_HEADER } from './format.js';
import { type Layout, logName, readLayout, snapshotName, tempName } from './layout.js';
import { type Loaded, loadRecords } from './loader.js';
import { acquireLock, type DirectoryLock } from './lock.js';
import { writeAll } from './write-all.js';

export interface StoreStats {
  /** Bytes of framed records in the log since the last snapshot (file headers not counted). */
  logBytes: number;
  /** Size of the newest snapshot file; 0 before the first. */
  snapshotBytes: number;
  /** fdatasync and fsync calls since open (the lock file's own fsync not counted). */
  syncs: number;
  /** write calls since open. */
  writes: number;
}

export interface StoreOptions {
  /** Every file access goes through this; tests pass one that fails on demand. */
  readonly fs?: FileSystem;
  /** Gets one-line warnings, such as a torn tail cut off. Default: stderr. */
  readonly log?: (line: string) => void;
}

/** A snapshot is written in pieces of about this many bytes, so a large image is never one buffer. */
const SNAPSHOT_FLUSH_BYTES = 4 * 1024 * 1024;

/**
 * Opens the data directory `dir`, creating it if needed, and locks it for this process.
 * Then `load()` passes on the records on disk; after that, records can be appended.
 */
export function openStore(dir: string, options: StoreOptions = {}): Store {
  const fs = options.fs ?? nodeFileSystem;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  try {
    fs.mkdir(dir);
  } catch (error) {
    throw unavailable(`data directory ${dir} cannot be created: ${describeError(error)}`, error);
  }
  const lock = acquireLock(fs, dir);
  try {
    const dirFd = fs.open(dir, 'r');
    return new Store(fs, dir, lock, dirFd, readLayout(fs.readdir(dir)), log);
  } catch (error) {
    lock.release();
    throw unavailable(`data directory ${dir} cannot be read: ${describeError(error)}`, error);
  }
}

/**
 * A durable list of records (opaque strings, stored as UTF-8, so a lone surrogate, which
 * JSON.stringify never makes, comes back as U+FFFD) in one data directory: the newest snapshot's
 * records, then those appended since. Every call is synchronous.
 *
 * `append()` only buffers; `commit()` writes the buffer with one writev and makes it durable with
 * one fdatasync. A write that fails is rolled back (`write-failed`) and the store stays usable; a
 * failed sync leaves what is on disk unknown (`sync-failed`), and from then on every write is
 * refused (`broken`) until the process restarts, as PostgreSQL does.
 */
export class Store {
  readonly stats: StoreStats = { logBytes: 0, snapshotBytes: 0, syncs: 0, writes: 0 };
  private state: 'opened' | 'loading' | 'ready' | 'broken' | 'closed' = 'opened';
  private brokenBy = '';
  private readonly batch = new FrameBuffer();
  /** The newest snapshot, and the logs after it, the last of which is appended to. */
  private snapshotSeq: number | undefined;
  private logSeqs: number[] = [];
  private logFd = -1;
  private logSize = 0;

  /** Use openStore(). */
  constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private readonly lock: DirectoryLock,
    private readonly dirFd: number,
    private readonly layout: Layout,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Passes each record on disk to `onRecord`, in order; call once, before anything else. Throws
   * `damaged` (naming file and offset) on reaching a damaged record: the caller should then give up
   * what it loaded. A torn tail, the end of a commit a crash cut short, is cut off with a warning.
   */
  load(onRecord: (record: string) => void): void {
    if (this.state !== 'opened') throw new Error('load() runs once, before anything else');
    this.state = 'loading';
    const loaded = loadRecords({ fs: this.fs, onRecord, log: this.log }, this.dir, this.layout);
    this.snapshotSeq = this.layout.snapshot;
    this.stats.snapshotBytes = loaded.snapshotBytes;
    this.stats.logBytes = loaded.logBytes;
    this.logSeqs = [...this.layout.logs];
    this.removeObsolete();
    this.openLastLog(loaded);
    this.state = 'ready';
  }

  /** Buffers a record for the next commit. */
  append(record: string): void {
    this.checkWritable();
    this.batch.add(record);
  }

  /** Writes the records appended since the last commit and syncs them; nothing appended, nothing done. */
  commit(): void {
    this.checkWritable();
    const bytes = this.batch.byteLength;
    if (bytes === 0) return;
    const path = this.path(logName(this.lastLogSeq()));
    try {
      writeAll(this.fs, this.logFd, this.batch.buffers(), this.logSize, this.stats);
    } catch (error) {
      this.batch.clear();
      throw this.rollBack(path, bytes, error);
    }
    this.batch.clear();
    this.sync(this.logFd, path, 'fdatasync');
    this.logSize += bytes;
    this.stats.logBytes += bytes;
  }

  /**
   * Replaces everything on disk with `records`, the whole current image, then starts a new log.
   * Records appended and not yet committed are committed first. The new snapshot is written and
   * synced under a temporary name and renamed into place; until that rename is durable, opening
   * the directory loads the old snapshot and logs, and after it the new snapshot alone.
   */
  writeSnapshot(records: Iterable<string>): void {
    this.commit();
    const seq = this.lastLogSeq() + 1;
    const snapshotPath = this.path(snapshotName(seq));
    const logPath = this.path(logName(seq));
    let snapshotBytes: number;
    let logFd: number;
    try {
      snapshotBytes = this.writeSnapshotFile(tempName(snapshotPath), records);
      logFd = this.createFile(tempName(logPath), LOG_HEADER);
    } catch (error) {
      for (const path of [snapshotPath, logPath]) ignoreErrors(() => this.fs.unlink(tempName(path)));
      throw error;
    }
    try {
      this.fs.rename(tempName(snapshotPath), snapshotPath);
      this.fs.rename(tempName(logPath), logPath);
    } catch (error) {
      ignoreErrors(() => this.fs.close(logFd));
      // The rename may have happened: the old log may no longer be what a restart loads.
      throw this.breakDown(
        `${snapshotPath}: renaming the new snapshot into place failed: ${describeError(error)}`,
        error,
      );
    }
    const obsolete = [
      ...(this.snapshotSeq === undefined ? [] : [snapshotName(this.snapshotSeq)]),
      ...this.logSeqs.map(logName),
    ];
    ignoreErrors(() => this.fs.close(this.logFd));
    this.logFd = logFd;
    this.logSize = HEADER_BYTES;
    this.snapshotSeq = seq;
    this.logSeqs = [seq];
    this.stats.snapshotBytes = snapshotBytes;
    this.stats.logBytes = 0;
    // The old files go only once the new names are surely on disk.
    this.sync(this.dirFd, this.dir, 'fsync');
    for (const name of obsolete) this.remove(name);
  }

  /** Releases the directory. Records appended since the last commit are dropped, as in a crash. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const fd of [this.logFd, this.dirFd]) if (fd >= 0) ignoreErrors(() => this.fs.close(fd));
    this.lock.release();
  }

  /** Keeps the last log open for appending; without one, creates the log that follows the snapshot. */
  private openLastLog(loaded: Loaded): void {
    if (loaded.last) {
      this.logFd = loaded.last.fd;
      this.logSize = loaded.last.size;
      return;
    }
    const seq = this.snapshotSeq ?? 0;
    const path = this.path(logName(seq));
    try {
      this.logFd = this.createFile(tempName(path), LOG_HEADER);
      this.fs.rename(tempName(path), path);
      this.sync(this.dirFd, this.dir, 'fsync');
    } catch (error) {
      throw unavailable(`${path}: cannot create the log: ${describeError(error)}`, error);
    }
    this.logSize = HEADER_BYTES;
    this.logSeqs = [seq];
  }

  /** Removes what the newest snapshot made obsolete, once its name is surely on disk. */
  private removeObsolete(): void {
    if (this.layout.obsolete.length === 0) return;
    try {
      this.sync(this.dirFd, this.dir, 'fsync');
    } catch (error) {
      throw unavailable(`data directory ${this.dir} cannot be synced: ${describeError(error)}`, error);
    }
    for (const name of this.layout.obsolete) this.remove(name);
  }

  /** Writes a snapshot file, synced; returns its size. */
  private writeSnapshotFile(path: string, records: Iterable<string>): number {
    const fd = this.openForWriting(path);
    try {
      const frames = new FrameBuffer();
      frames.addRaw(SNAPSHOT_HEADER);
      let size = 0;
      let count = 0;
      const flush = (): void => {
        this.write(fd, path, frames.buffers(), size);
        size += frames.byteLength;
        frames.clear();
      };
      for (const record of records) {
        frames.add(record);
        count++;
        if (frames.byteLength >= SNAPSHOT_FLUSH_BYTES) flush();
      }
      frames.addEnd(count);
      flush();
      this.sync(fd, path, 'fdatasync');
      return size;
    } finally {
      ignoreErrors(() => this.fs.close(fd));
    }
  }

  /** Creates a file holding `header`, synced, and returns it open for writing. */
  private createFile(path: string, header: Buffer): number {
    const fd = this.openForWriting(path);
    try {
      this.write(fd, path, [header], 0);
      this.sync(fd, path, 'fdatasync');
      return fd;
    } catch (error) {
      ignoreErrors(() => this.fs.close(fd));
      throw error;
    }
  }

  private openForWriting(path: string): number {
    try {
      return this.fs.open(path, 'w');
    } catch (error) {
      throw new StorageError('write-failed', `${path}: cannot create: ${describeError(error)}`, { cause: error });
    }
  }

  /** Writes `buffers` at `position` of a new file, which nothing loads yet, so a failure there needs no undoing. */
  private write(fd: number, path: string, buffers: readonly Buffer[], position: number): void {
    try {
      writeAll(this.fs, fd, buffers, position, this.stats);
    } catch (error) {
      const bytes = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
      const message = `${path}: writing ${bytes} bytes at offset ${position} failed: ${describeError(error)}`;
      throw new StorageError('write-failed', message, { cause: error });
    }
  }

  /** Cuts the log back to its size before a failed write, durably, and returns the error to throw. */
  private rollBack(path: string, bytes: number, error: unknown): StorageError {
    const failure = `${path}: writing ${bytes} bytes at offset ${this.logSize} failed: ${describeError(error)}`;
    try {
      this.fs.ftruncate(this.logFd, this.logSize);
      // Else a crash could bring back part of a batch the caller was told had failed.
      this.stats.syncs++;
      this.fs.fdatasync(this.logFd);
    } catch (undoError) {
      return this.breakDown(`${failure}, and cutting the file back failed too: ${describeError(undoError)}`, undoError);
    }
    return new StorageError('write-failed', `${failure}; the file was cut back`, { cause: error });
  }

  private sync(fd: number, path: string, call: 'fdatasync' | 'fsync'): void {
    this.stats.syncs++;
    try {
      if (call === 'fsync') this.fs.fsync(fd);
      else this.fs.fdatasync(fd);
    } catch (error) {
      throw this.breakDown(`${path}: ${call} failed: ${describeError(error)}`, error);
    }
  }

  /** Refuses every later write: after a failed sync nobody knows what the disk holds. */
  private breakDown(failure: string, cause: unknown): StorageError {
    if (this.state === 'ready') this.state = 'broken';
    this.brokenBy = failure;
    return new StorageError('sync-failed', `${failure}; no more writes until the process restarts`, { cause });
  }

  private checkWritable(): void {
    if (this.state === 'ready') return;
    if (this.state === 'broken') {
      const message = `data directory ${this.dir} takes no writes until the process restarts, after: ${this.brokenBy}`;
      throw new StorageError('broken', message);
    }
    throw new Error(this.state === 'closed' ? 'the store is closed' : 'load() has not finished');
  }

  private remove(name: string): void {
    try {
      this.fs.unlink(this.path(name));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      this.log(`${this.path(name)}: cannot remove this obsolete file: ${describeError(error)}`);
    }
  }

  private lastLogSeq(): number {
    return this.logSeqs[this.logSeqs.length - 1] ?? 0;
  }

  private path(name: string): string {
    return join(this.dir, name);
  }
}
