import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileInput } from '../../src/maelstrom/file-input.js';

const dir = mkdtempSync(join(tmpdir(), 'projection-node-file-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything `input` gives, chunk by chunk, and how many timers fired while it was read. */
async function readAll(input: FileInput): Promise<{ chunks: Buffer[]; ticks: number }> {
  let ticks = 0;
  let ticking = true;
  const tick = (): void => {
    if (!ticking) return;
    ticks++;
    setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  ticking = false;
  return { chunks, ticks };
}

describe('FileInput', () => {
  it('gives a file whole and in order, in chunks of at most 1 MiB, and then ends', async () => {
    const path = join(dir, 'big.in');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
    writeFileSync(path, bytes);
    const fd = openSync(path, 'r');
    const { chunks } = await readAll(new FileInput(fd));
    closeSync(fd);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(chunks.map((chunk) => chunk.length)).toEqual([1024 * 1024, 1024 * 1024, 1024 * 1024, 17]);
  });

  it('lets timers run between chunks: reading a long file does not hold the event loop', async () => {
    const path = join(dir, 'long.in');
    writeFileSync(path, Buffer.alloc(40 * 1024 * 1024, 0x61));
    const fd = openSync(path, 'r');
    const { chunks, ticks } = await readAll(new FileInput(fd));
    closeSync(fd);
    expect(chunks.length).toBe(40);
    // A timer of 0 ms fires at most once per turn of the loop; reading all 40 chunks in one turn would leave it at 0 or 1.
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('ends with the read error for a descriptor it cannot read', async () => {
    const path = join(dir, 'write-only.in');
    writeFileSync(path, 'x');
    const fd = openSync(path, 'w');
    await expect(readAll(new FileInput(fd))).rejects.toMatchObject({ code: 'EBADF' });
    closeSync(fd);
  });

  it('an empty file ends at once', async () => {
    const path = join(dir, 'empty.in');
    writeFileSync(path, '');
    const fd = openSync(path, 'r');
    const { chunks } = await readAll(new FileInput(fd));
    closeSync(fd);
    expect(chunks).toEqual([]);
  });

  it('reads into a chunk again once it is recycled, and into new memory otherwise', async () => {
    const path = join(dir, 'recycled.in');
    writeFileSync(path, Buffer.alloc(5 * 1024 * 1024 + 3, 0x62));
    const fd = openSync(path, 'r');
    const input = new FileInput(fd);
    const chunks: Buffer[] = [];
    const foreign: Buffer[] = [];
    for await (const chunk of input) {
      chunks.push(chunk as Buffer);
      // The third chunk is handed back, twice: it must still be read into only once.
      if (chunks.length === 3) {
        input.recycle(chunk as Buffer);
        input.recycle(chunk as Buffer);
      }
      // A chunk it never gave out is not read into.
      foreign.push(Buffer.alloc(1024 * 1024));
      input.recycle(foreign.at(-1) as Buffer);
    }
    closeSync(fd);
    const memory = chunks.map((chunk) => chunk.buffer);
    expect(chunks.map((chunk) => chunk.length)).toEqual([...Array(5).fill(1024 * 1024), 3]);
    expect(memory[3]).toBe(memory[2]);
    expect(new Set(memory).size).toBe(5);
    expect(memory.some((used) => foreign.some((buffer) => buffer.buffer === used))).toBe(false);
  });
});
