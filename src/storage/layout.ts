/**
 * The data directory's files. `snapshot-<seq>.pnr` holds the image up to the start of
 * `log-<seq>.pnr`; the state on disk is the newest snapshot followed by every log whose
 * sequence number is at least the snapshot's, in order. Sequence numbers have twelve digits,
 * so names sort in their order. A name ending in `.tmp` is a file not yet complete.
 */

import { nodeCrypto } from '../builtins.js';
import { LOCK_NAME } from './lock.js';

const EXTENSION = '.pnr';
const TEMP_SUFFIX = '.tmp';
const NAME = /^(snapshot|log)-(\d{12})\.pnr(\.tmp)?$/;

export function snapshotName(seq: number): string {
  return `snapshot-${digits(seq)}${EXTENSION}`;
}

export function logName(seq: number): string {
  return `log-${digits(seq)}${EXTENSION}`;
}

export function tempName(name: string): string {
  return name + TEMP_SUFFIX;
}

export interface Layout {
  /** The newest snapshot's sequence number, if there is a snapshot. */
  readonly snapshot: number | undefined;
  /** The logs that follow it, in order. */
  readonly logs: readonly number[];
  /** Names of files the newest snapshot made obsolete, and of unfinished files. */
  readonly obsolete: readonly string[];
}

/** Sorts a directory listing into the files that hold the state and those that no longer do. Other names are left alone. */
export function readLayout(names: readonly string[]): Layout {
  const snapshots: number[] = [];
  const logs: number[] = [];
  const temps: string[] = [];
  for (const name of names) {
    const match = NAME.exec(name);
    if (!match) continue;
    if (match[3] !== undefined) temps.push(name);
    else (match[1] === 'snapshot' ? snapshots : logs).push(Number(match[2]));
  }
  const snapshot = snapshots.length > 0 ? Math.max(...snapshots) : undefined;
  const base = snapshot ?? 0;
  return {
    snapshot,
    logs: logs.filter((seq) => seq >= base).sort((a, b) => a - b),
    obsolete: [
      ...snapshots.filter((seq) => seq < base).map(snapshotName),
      ...logs.filter((seq) => seq < base).map(logName),
      ...temps,
    ],
  };
}

function digits(seq: number): string {
  return String(seq).padStart(12, '0');
}

/** A node id that is its own folder's name: no dot, so no file of the directory's own (all have one) is named so. */
const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * The folder inside a data directory for the node named `id`: the id itself if it is a
 * plain name (at most 64 letters, digits, `_` and `-`, starting with a letter or digit,
 * and not `lock`), else `_` and the SHA-256 of the id in hex. So no id names a path
 * outside the directory, one of the directory's own files, or a name too long; and no
 * two ids share a folder (the digest is of the id's UTF-16 code units, lone surrogates
 * included, which UTF-8 would turn into one and the same U+FFFD).
 */
export function nodeFolder(id: string): string {
  if (PLAIN_ID.test(id) && id !== LOCK_NAME) return id;
  return `_${nodeCrypto().createHash('sha256').update(Buffer.from(id, 'utf16le')).digest('hex')}`;
}
