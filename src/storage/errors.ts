/**
 * Why the store refused or failed:
 * - `locked`: another live process holds the data directory.
 * - `unavailable`: the directory cannot be created, opened, read or written.
 * - `write-failed`: a write failed and was rolled back; the store is still usable.
 * - `sync-failed`: what reached the disk is unknown; the store is now broken.
 * - `broken`: an earlier sync failed; nothing more is written until the process restarts.
 * - `damaged`: a file holds a damaged record before its end; nothing is served from it.
 */
export type StorageErrorKind = 'locked' | 'unavailable' | 'write-failed' | 'sync-failed' | 'broken' | 'damaged';

/** A storage failure, with a one-line message naming the file and, where known, the offset or errno. */
export class StorageError extends Error {
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** The errno code of a failed file-system call, such as 'ENOENT'. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** A failed call's errno and its text, e.g. "ENOSPC: no space left on device", without Node's call and path suffix. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const comma = error.message.indexOf(', ');
  return errorCode(error) !== undefined && comma > 0 ? error.message.slice(0, comma) : error.message;
}

export function unavailable(message: string, cause: unknown): StorageError {
  return new StorageError('unavailable', message, { cause });
}

/** Runs a clean-up whose failure changes nothing: what it leaves behind is harmless and removed later. */
export function ignoreErrors(action: () => void): void {
  try {
    action();
  } catch {
    // Best effort.
  }
}
