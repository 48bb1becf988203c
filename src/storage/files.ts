import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `r` reads; `r+` reads and writes an existing file; `w` creates or empties a file for writing.
 * Directories are opened with `r`, to fsync them.
 */
export type OpenMode = 'r' | 'r+' | 'w';

/**
 * Every file-system call the store makes, synchronous and positional. Tests wrap it to fail
 * a chosen call; everything else uses `nodeFileSystem`.
 */
export interface FileSystem {
  /** Creates the directory and its parents; an existing directory is fine. */
  mkdir(path: string): void;
  readdir(path: string): string[];
  open(path: string, mode: OpenMode): number;
  close(fd: number): void;
  size(fd: number): number;
  /** Reads up to `length` bytes at `position`; fewer only at the end of the file. */
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  /** Writes the buffers in order at `position`; returns how many bytes it wrote, which may be fewer. */
  writev(fd: number, buffers: readonly Buffer[], position: number): number;
  fdatasync(fd: number): void;
  fsync(fd: number): void;
  ftruncate(fd: number, length: number): void;
  rename(from: string, to: string): void;
  /** Makes `to` a second name of `from`; fails with EEXIST if `to` exists, atomically. */
  link(from: string, to: string): void;
  unlink(path: string): void;
  readText(path: string): string;
}

/**
 * Creates `path` and its missing parents, one level at a time. Node's own recursive mkdir can
 * loop forever where a parent refuses creation with ENOENT (as under /proc).
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  let dir = resolve(path);
  for (; statSync(dir, { throwIfNoEntry: false }) === undefined && dirname(dir) !== dir; dir = dirname(dir))
    missing.push(dir);
  // mkdir would say EEXIST, "file already exists", which reads as if the directory were there.
  if (missing.length === 0 && !statSync(dir).isDirectory())
    throw Object.assign(new Error('ENOTDIR: it exists and is not a directory'), { code: 'ENOTDIR' });
  // A file further up: mkdir says ENOTDIR.
  for (const each of missing.reverse()) {
    try {
      mkdirSync(each);
    } catch (error) {
      // Made meanwhile by another process: as good as made here.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(each).isDirectory()) throw error;
    }
  }
}

export const nodeFileSystem: FileSystem = {
  mkdir: makeDirectory,
  readdir: (path) => readdirSync(path),
  open: (path, mode) => openSync(path, mode, 0o644),
  close: (fd) => closeSync(fd),
  size: (fd) => fstatSync(fd).size,
  read: (fd, buffer, offset, length, position) => readSync(fd, buffer, offset, length, position),
  writev: (fd, buffers, position) => writevSync(fd, buffers, position),
  fdatasync: (fd) => fdatasyncSync(fd),
  fsync: (fd) => fsyncSync(fd),
  ftruncate: (fd, length) => ftruncateSync(fd, length),
  rename: (from, to) => renameSync(from, to),
  link: (from, to) => linkSync(from, to),
  unlink: (path) => unlinkSync(path),
  readText: (path) => readFileSync(path, 'utf8'),
};
