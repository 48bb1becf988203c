import type { FileSystem } from './files.js';

/** Most buffers one writev takes (Linux's IOV_MAX). */
export const IOV_MAX = 1024;

/**
 * Writes all of `buffers` at `position`: one writev, unless there are more than IOV_MAX buffers
 * or the kernel writes less than asked, when it writes the rest again. A call that writes
 * nothing throws, since the next one would not do better. Counts its calls in `stats.writes`.
 */
export function writeAll(
  fs: FileSystem,
  fd: number,
  buffers: readonly Buffer[],
  position: number,
  stats: { writes: number },
): void {
  let pending = buffers;
  while (pending.length > 0) {
    stats.writes++;
    const written = fs.writev(fd, pending.length > IOV_MAX ? pending.slice(0, IOV_MAX) : pending, position);
    if (!(written > 0)) throw new Error('a write made no progress');
    position += written;
    pending = unwritten(pending, written);
  }
}

/** What is left of `buffers` once their first `written` bytes are out. */
function unwritten(buffers: readonly Buffer[], written: number): readonly Buffer[] {
  let index = 0;
  let left = written;
  while (index < buffers.length && left >= buffers[index]!.length) left -= buffers[index++]!.length;
  if (index === buffers.length) return [];
  return [buffers[index]!.subarray(left), ...buffers.slice(index + 1)];
}
