import { errorCode } from './errors.js';
import type { FileSystem } from './files.js';

/**
 * A process, named so that it can be told apart from a later one with the same pid: on Linux
 * by its start time (field 22 of /proc/<pid>/stat, in clock ticks since boot) and the boot id.
 * Elsewhere these are '-' and only the pid is checked.
 */
export interface Owner {
  readonly pid: number;
  readonly start: string;
  readonly boot: string;
}

const UNKNOWN = '-';

/** This process. */
export function currentOwner(fs: FileSystem): Owner {
  const start = startTime(fs, process.pid) ?? UNKNOWN;
  return { pid: process.pid, start, boot: start === UNKNOWN ? UNKNOWN : bootId(fs) };
}

/** The text a lock file holds: `<pid> <start> <boot>` and a newline. */
export function formatOwner(owner: Owner): string {
  return `${owner.pid} ${owner.start} ${owner.boot}\n`;
}

export function parseOwner(text: string): Owner | undefined {
  const match = /^(\d+) (\d+|-) ([\w-]+)\n$/.exec(text);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { pid: Number(match[1]), start: match[2], boot: match[3] };
}

/** Whether `owner` still runs. Unsure answers are yes: a live lock must never be taken over. */
export function isRunning(fs: FileSystem, owner: Owner, self: Owner): boolean {
  if (self.start === UNKNOWN || owner.start === UNKNOWN) return pidExists(owner.pid);
  if (owner.boot !== self.boot) return false;
  let stat: string;
  try {
    stat = fs.readText(`/proc/${owner.pid}/stat`);
  } catch (error) {
    return errorCode(error) !== 'ENOENT';
  }
  const fields = statFields(stat);
  // A zombie has exited; only its parent has yet to collect it.
  if (fields === undefined || fields[0] === 'Z' || fields[0] === 'X') return false;
  return fields[19] === owner.start;
}

/** Whether any process has this pid (signal 0 checks without sending). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

function startTime(fs: FileSystem, pid: number): string | undefined {
  try {
    return statFields(fs.readText(`/proc/${pid}/stat`))?.[19];
  } catch {
    return undefined;
  }
}

function bootId(fs: FileSystem): string {
  try {
    return fs.readText('/proc/sys/kernel/random/boot_id').trim() || UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

/** The fields of /proc/<pid>/stat from the third (state) on. The second, the command, may hold spaces and parentheses. */
function statFields(stat: string): string[] | undefined {
  const close = stat.lastIndexOf(')');
  return close < 0 ? undefined : stat.slice(close + 2).split(' ');
}
