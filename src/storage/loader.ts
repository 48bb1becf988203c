import { join } from 'node:path';
import { describeError, StorageError } from './errors.js';
import type { FileSystem } from './files.js';
import { END_FRAME_BYTES, HEADER_BYTES, LOG_HEADER, SNAPSHOT_HEADER } from './format.js';
import { type Layout, logName, snapshotName } from './layout.js';
import { FileWindow, findFrameAfter, hasHeader, readFrames } from './reader.js';

/** What loading found, for the store to write after. */
export interface Loaded {
  readonly snapshotBytes: number;
  /** Bytes of records in the logs after the snapshot. */
  readonly logBytes: number;
  /** The last log, open for writing, and its size once a torn tail is cut off; none if there is no log. */
  readonly last: { readonly seq: number; readonly fd: number; readonly size: number } | undefined;
}

export interface LoadContext {
  readonly fs: FileSystem;
  readonly onRecord: (record: string) => void;
  readonly log: (line: string) => void;
}

/**
 * Passes on the records on disk in order: the newest snapshot's, then those of each log after it.
 * A damaged snapshot or log throws `damaged`, except for a torn tail of the last log, which is
 * cut off with a warning: the end of a commit that a crash interrupted.
 */
export function loadRecords(context: LoadContext, dir: string, layout: Layout): Loaded {
  const { fs } = context;
  let snapshotBytes = 0;
  if (layout.snapshot !== undefined) snapshotBytes = loadSnapshot(context, join(dir, snapshotName(layout.snapshot)));
  let logBytes = 0;
  let last: Loaded['last'];
  for (const [index, seq] of layout.logs.entries()) {
    const isLast = index === layout.logs.length - 1;
    const path = join(dir, logName(seq));
    const fd = open(fs, path, isLast ? 'r+' : 'r');
    let keep = false;
    try {
      const size = loadLog(context, fd, path, isLast);
      logBytes += size - HEADER_BYTES;
      if (isLast) last = { seq, fd, size };
      keep = isLast;
    } finally {
      if (!keep) fs.close(fd);
    }
  }
  return { snapshotBytes, logBytes, last };
}

/** Passes on a snapshot's records; returns its size. */
function loadSnapshot({ fs, onRecord }: LoadContext, path: string): number {
  const fd = open(fs, path, 'r');
  try {
    const window = new FileWindow(fs, fd, path, fileSize(fs, fd, path));
    if (!hasHeader(window, SNAPSHOT_HEADER)) throw damaged(path, 0, 'not a snapshot file header');
    let records = 0n;
    const end = readFrames(window, (record) => {
      records++;
      onRecord(record);
    });
    if (end.kind === 'bad') throw damaged(path, end.offset, end.reason);
    if (end.kind === 'end-of-file') throw damaged(path, window.size, 'the snapshot ends without its end frame');
    const after = end.offset + END_FRAME_BYTES;
    if (after !== window.size) throw damaged(path, after, 'bytes after the end frame');
    if (end.records !== records) {
      throw damaged(path, end.offset, `the end frame counts ${end.records} records, the file holds ${records}`);
    }
    return window.size;
  } finally {
    fs.close(fd);
  }
}

/** Passes on a log's records; returns its size, after cutting off a torn tail if it is the last log. */
function loadLog({ fs, onRecord, log }: LoadContext, fd: number, path: string, isLast: boolean): number {
  const window = new FileWindow(fs, fd, path, fileSize(fs, fd, path));
  if (!hasHeader(window, LOG_HEADER)) throw damaged(path, 0, 'not a log file header');
  const end = readFrames(window, onRecord);
  if (end.kind === 'end-of-file') return window.size;
  const { offset } = end;
  const reason = end.kind === 'bad' ? end.reason : 'an end frame, which has no place in a log';
  if (!isLast) throw damaged(path, offset, `${reason}, in a log that is not the last`);
  const next = findFrameAfter(window, offset);
  if (next === 'unknown')
    throw damaged(path, offset, `${reason}, followed by too many bytes to tell whether they hold records`);
  if (next !== undefined) throw damaged(path, offset, `${reason}, and a valid record follows at offset ${next}`);
  try {
    fs.ftruncate(fd, offset);
  } catch (error) {
    const message = `${path}: cutting off a torn tail at offset ${offset} failed: ${describeError(error)}`;
    throw new StorageError('unavailable', message, { cause: error });
  }
  log(
    `${path}: dropped a torn tail at offset ${offset} (${window.size - offset} bytes: ${reason}); the file now ends there`,
  );
  return offset;
}

function damaged(path: string, offset: number, reason: string): StorageError {
  return new StorageError('damaged', `${path}: damaged at offset ${offset}: ${reason}`);
}

function open(fs: FileSystem, path: string, mode: 'r' | 'r+'): number {
  try {
    return fs.open(path, mode);
  } catch (error) {
    throw new StorageError('unavailable', `${path}: cannot open: ${describeError(error)}`, { cause: error });
  }
}

function fileSize(fs: FileSystem, fd: number, path: string): number {
  try {
    return fs.size(fd);
  } catch (error) {
    throw new StorageError('unavailable', `${path}: cannot read its size: ${describeError(error)}`, { cause: error });
  }
}
