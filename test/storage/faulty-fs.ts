import { basename } from 'node:path';
import { type FileSystem, nodeFileSystem, type OpenMode } from '../../src/storage/files.js';

export type FsCall = keyof FileSystem;

const ERRNO_TEXT: Record<string, string> = {
  EIO: 'i/o error',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
};

/** An error shaped like the one Node throws for a failed system call. */
export function errnoError(code: string, syscall: string): Error {
  return Object.assign(new Error(`${code}: ${ERRNO_TEXT[code] ?? 'failed'}, ${syscall}`), { code, syscall });
}

interface Fault {
  readonly call: FsCall;
  /** Calls of this kind still to let through before this one acts. */
  skip: number;
  /** Throws this errno; or, for writev, writes only `shortBytes` bytes and says so. */
  readonly code?: string;
  readonly shortBytes?: number;
}

/**
 * The real file system, except for the failures a test asks for: the nth call of a kind failing
 * with an errno, a short write, or a crash (every call from some point on failing, as if the
 * process had died there). Records every call as `<call> <file name>`.
 */
export class FaultyFileSystem implements FileSystem {
  readonly calls: string[] = [];
  private faults: Fault[] = [];
  private crashIn: number | undefined;
  /** The name each open descriptor was opened (or renamed) under. */
  private readonly names = new Map<number, string>();

  constructor(private readonly inner: FileSystem = nodeFileSystem) {}

  /** Makes the `nth` next call of kind `call` throw `code`. Each fault counts from when it is added. */
  fail(call: FsCall, code: string, nth = 1): this {
    this.faults.push({ call, skip: nth - 1, code });
    return this;
  }

  /** Makes the `nth` next writev write only its first `bytes` bytes and return that count. */
  shortWrite(bytes: number, nth = 1): this {
    this.faults.push({ call: 'writev', skip: nth - 1, shortBytes: bytes });
    return this;
  }

  /** Lets `calls` more calls through, then fails every call after them, as a dead process would make none. */
  crashAfter(calls: number): this {
    this.crashIn = calls;
    return this;
  }

  /** Names of the files opened and not closed yet. */
  get openFiles(): string[] {
    return [...this.names.values()];
  }

  /** Stops failing every call after a crash, so a test can close what the dead process held. */
  revive(): this {
    this.crashIn = undefined;
    return this;
  }

  mkdir(path: string): void {
    this.enter('mkdir', path);
    this.inner.mkdir(path);
  }
  readdir(path: string): string[] {
    this.enter('readdir', path);
    return this.inner.readdir(path);
  }
  open(path: string, mode: OpenMode): number {
    this.enter('open', path);
    const fd = this.inner.open(path, mode);
    this.names.set(fd, basename(path));
    return fd;
  }
  close(fd: number): void {
    this.enter('close', this.name(fd));
    this.inner.close(fd);
    this.names.delete(fd);
  }
  size(fd: number): number {
    this.enter('size', this.name(fd));
    return this.inner.size(fd);
  }
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number): number {
    this.enter('read', this.name(fd));
    return this.inner.read(fd, buffer, offset, length, position);
  }
  writev(fd: number, buffers: readonly Buffer[], position: number): number {
    const fault = this.enter('writev', this.name(fd));
    if (fault?.shortBytes === undefined) return this.inner.writev(fd, buffers, position);
    const bytes = Buffer.concat(buffers).subarray(0, fault.shortBytes);
    return bytes.length === 0 ? 0 : this.inner.writev(fd, [bytes], position);
  }
  fdatasync(fd: number): void {
    this.enter('fdatasync', this.name(fd));
    this.inner.fdatasync(fd);
  }
  fsync(fd: number): void {
    this.enter('fsync', this.name(fd));
    this.inner.fsync(fd);
  }
  ftruncate(fd: number, length: number): void {
    this.enter('ftruncate', this.name(fd));
    this.inner.ftruncate(fd, length);
  }
  rename(from: string, to: string): void {
    this.enter('rename', `${basename(from)} ${basename(to)}`);
    this.inner.rename(from, to);
    for (const [fd, name] of this.names) if (name === basename(from)) this.names.set(fd, basename(to));
  }
  link(from: string, to: string): void {
    this.enter('link', `${basename(from)} ${basename(to)}`);
    this.inner.link(from, to);
  }
  unlink(path: string): void {
    this.enter('unlink', basename(path));
    this.inner.unlink(path);
  }
  readText(path: string): string {
    this.enter('readText', path);
    return this.inner.readText(path);
  }

  /** Records the call, then throws if it is to fail; returns a fault that changes what it does. */
  private enter(call: FsCall, target: string): Fault | undefined {
    this.calls.push(`${call} ${target}`);
    if (this.crashIn !== undefined && this.crashIn-- <= 0) throw errnoError('EIO', call);
    let hit: Fault | undefined;
    for (const fault of this.faults) if (fault.call === call && fault.skip-- === 0) hit ??= fault;
    if (!hit) return undefined;
    this.faults = this.faults.filter((fault) => fault.skip >= 0);
    if (hit.code !== undefined) throw errnoError(hit.code, call);
    return hit;
  }

  private name(fd: number): string {
    return this.names.get(fd) ?? `fd ${fd}`;
  }
}
