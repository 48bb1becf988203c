import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StreamLines } from '../support/lines.js';
import { FaultyFileSystem } from './faulty-fs.js';
import { open, reload, storageError, tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('child-store.ts', import.meta.url));

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** The child's next line of output. */
  line(): Promise<string>;
}

function startChild(dir: string, mode = ''): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, mode], { cwd: ROOT });
  const output = new StreamLines(child.stdout);
  let read = 0;
  return {
    process: child,
    line: async () => {
      const lines = await output.waitFor(read + 1).catch(() => {
        throw new Error(`child exited with ${child.exitCode}`);
      });
      return lines[read++] as string;
    },
  };
}

async function stop(child: Child): Promise<void> {
  const exited = once(child.process, 'exit');
  child.process.stdin.end();
  await exited;
}

/** `/proc/<pid>/stat` field 22: the start time that tells a process from a later one with its pid. */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

const BOOT = existsSync('/proc/sys/kernel/random/boot_id')
  ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  : '-';

/** A pid no process has now. */
function deadPid(): number {
  let pid = 4_000_000;
  while (existsSync(`/proc/${pid}`)) pid--;
  return pid;
}

describe('Directory lock', () => {
  it('refuses a second open in the same process, naming it, until the first closes', () => {
    const dir = tempDir();
    const { store } = open(dir);
    const error = storageError('locked', () => open(dir));
    expect(error.message).toBe(`data directory ${dir} is in use by process ${process.pid}`);
    store.close();
    open(dir).store.close();
  });

  it('refuses to open a directory another process holds, and opens it once that process ends', async () => {
    const dir = tempDir();
    const child = startChild(dir);
    expect(await child.line()).toBe('open');
    const error = storageError('locked', () => open(dir));
    expect(error.message).toBe(`data directory ${dir} is in use by process ${child.process.pid}`);
    await stop(child);
    expect(reload(dir)).toEqual([`from ${child.process.pid}`]);
  });

  it('takes over the lock of a process killed with SIGKILL', async () => {
    const dir = tempDir();
    const child = startChild(dir);
    expect(await child.line()).toBe('open');
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toMatch(new RegExp(`^${child.process.pid} `));
    const exited = once(child.process, 'exit');
    child.process.kill('SIGKILL');
    await exited;
    const { store, records } = open(dir);
    expect(records).toEqual([`from ${child.process.pid}`]);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid} ${startTime(process.pid)} ${BOOT}\n`);
    store.close();
  });

  it('lets exactly one of several processes racing for a stale lock take it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lock'), `${deadPid()} 1 ${BOOT}\n`);
    const children = Array.from({ length: 4 }, () => startChild(dir, 'wait'));
    for (const child of children) expect(await child.line()).toBe('ready');
    for (const child of children) child.process.stdin.write('go\n');
    const results = await Promise.all(children.map((child) => child.line()));
    expect(results.filter((result) => result === 'open')).toHaveLength(1);
    const winner = children[results.indexOf('open')]?.process.pid;
    for (const result of results.filter((result) => result !== 'open')) {
      expect(result).toBe(`locked data directory ${dir} is in use by process ${winner}`);
    }
    await Promise.all(children.map(stop));
    expect(reload(dir)).toEqual([`from ${winner}`]);
  });
});

describe.skipIf(!existsSync('/proc/self/stat'))('Stale locks', () => {
  it('takes over a lock whose process no longer runs', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lock'), `${deadPid()} 12345 ${BOOT}\n`);
    const { store } = open(dir);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    store.close();
  });

  it('takes over a lock whose pid now belongs to another process, told apart by start time or boot', () => {
    const dir = tempDir();
    const live = process.ppid;
    for (const lock of [
      `${live} ${Number(startTime(live)) + 1} ${BOOT}\n`,
      `${live} ${startTime(live)} another-boot\n`,
    ]) {
      writeFileSync(join(dir, 'lock'), lock);
      open(dir).store.close();
    }
  });

  it('refuses a lock naming a live process, and one it cannot read', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lock'), `${process.ppid} ${startTime(process.ppid)} ${BOOT}\n`);
    expect(storageError('locked', () => open(dir)).message).toBe(
      `data directory ${dir} is in use by process ${process.ppid}`,
    );
    writeFileSync(join(dir, 'lock'), 'garbage');
    expect(storageError('locked', () => open(dir)).message).toBe(
      `${join(dir, 'lock')} is not a lock file this program wrote; remove it if no process uses the directory`,
    );
  });

  it('passes over a takeover claim whose process died, and removes what dead processes left', () => {
    const dir = tempDir();
    const dead = deadPid();
    writeFileSync(join(dir, 'lock'), `${dead} 7 ${BOOT}\n`);
    writeFileSync(join(dir, `lock.break-${dead}-7.0`), `${dead - 1} 9 ${BOOT}\n`);
    writeFileSync(join(dir, `lock.${dead}.tmp`), '');
    const { store } = open(dir);
    expect(readdirSync(dir).sort()).toEqual(['lock', 'log-000000000000.pnr']);
    store.close();
  });

  it('does not remove the fresh lock of a racer that took the stale one over first', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lock'), `${deadPid()} 7 ${BOOT}\n`);
    const racer = `${process.ppid} ${startTime(process.ppid)} ${BOOT}\n`;
    // Between reading the stale lock and claiming it, a racer replaces it with its own.
    class Racing extends FaultyFileSystem {
      override link(from: string, to: string): void {
        if (to.includes('.break-')) writeFileSync(join(dir, 'lock'), racer);
        super.link(from, to);
      }
    }
    expect(storageError('locked', () => open(dir, { fs: new Racing() })).message).toBe(
      `data directory ${dir} is in use by process ${process.ppid}`,
    );
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(racer);
  });

  it('leaves a stale lock alone while a live process is taking it over, and says so', () => {
    const dir = tempDir();
    const dead = deadPid();
    writeFileSync(join(dir, 'lock'), `${dead} 7 ${BOOT}\n`);
    writeFileSync(join(dir, `lock.break-${dead}-7.0`), `${process.ppid} ${startTime(process.ppid)} ${BOOT}\n`);
    expect(storageError('locked', () => open(dir)).message).toBe(
      `data directory ${dir} has a stale lock that another process keeps taking over`,
    );
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${dead} 7 ${BOOT}\n`);
  });
});
