/** Admission weighs a large write by what copies of its values take, not only by its length. */
import { describe, expect, it } from 'vitest';
import { heapCost } from '../../src/json/heap-cost.js';
import { MAX_NESTING } from '../../src/maelstrom/limits.js';
import { MemoryGuard } from '../../src/messages/memory.js';

describe('heapCost', () => {
  it('counts objects by shape, properties, arrays, elements and boxed numbers; strings and small integers are free', () => {
    expect(heapCost('a long string that a copy shares')).toBe(0);
    expect(heapCost(7)).toBe(0);
    expect(heapCost(1.5)).toBe(16);
    expect(heapCost(2 ** 31)).toBe(16);
    expect(heapCost(null)).toBe(0);
    expect(heapCost([])).toBe(48);
    expect(heapCost([1, 2])).toBe(48 + 2 * 8);
    // The first object of a shape, then one of a shape seen: four properties fit in it.
    expect(heapCost({})).toBe(200);
    expect(heapCost({ a: 'x', b: { c: 1 } })).toBe(200 + 2 * 56 + 200 + 56);
    const row = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 };
    expect(heapCost([row, { ...row }])).toBe(48 + 2 * 8 + (200 + 6 * 56) + (64 + 2 * 8));
    // Order makes a shape, and keys that would read alike joined are told apart.
    expect(
      heapCost([
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]),
    ).toBe(48 + 2 * 8 + 2 * (200 + 2 * 56));
    expect(heapCost([{ 'a1:b': 1 }, { a: 1, b: 2 }])).toBe(48 + 2 * 8 + (200 + 56) + (200 + 2 * 56));
  });

  it('remembers shapes of at most 4 Mi characters in all: an object of a longer one counts as new each time', () => {
    const long = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`${i}${'k'.repeat(70_000)}`, 0]));
    expect(heapCost([long, { ...long }])).toBe(48 + 2 * 8 + 2 * (200 + 64 * 56));
  });

  it('counts an object of more than 64 keys, and every object past 65,536 shapes, as one of a new shape', () => {
    const wide = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 0]));
    expect(heapCost([wide, { ...wide }])).toBe(48 + 2 * 8 + 2 * (200 + 65 * 56));
    const unique = Array.from({ length: 65_537 }, (_, i) => ({ [`k${i}`]: 0 }));
    const again = { k0: 0 };
    // k0's shape was seen first, so it counts as seen; a shape past the first 65,536 is never remembered.
    expect(heapCost([...unique, again, { k65536: 0 }])).toBe(48 + 65_539 * 8 + 65_537 * (200 + 56) + 64 + (200 + 56));
  });

  it('walks a value as deep as a request may nest', () => {
    let deep: unknown = [];
    for (let depth = 0; depth < MAX_NESTING; depth++) deep = [deep];
    expect(heapCost(deep)).toBe((MAX_NESTING + 1) * 48 + MAX_NESTING * 8);
  });
});

/** A guard that always finds `inUse` bytes in use, collects nothing, and has V8's old space unless told `oldSpace`. */
function fixedGuard(limit: number, inUse: number, oldSpace?: number): MemoryGuard {
  return new MemoryGuard(
    limit,
    () => inUse,
    () => {},
    oldSpace,
  );
}

describe('MemoryGuard.admit', () => {
  // 100 MB in use, a limit of 200 MB: a write may add 100 MB.
  const guard = (): MemoryGuard => fixedGuard(200e6, 100e6);
  // Objects of a shape each: 256 bytes a copy, for about 13 characters of JSON each.
  const dense = Array.from({ length: 300_000 }, (_, i) => ({ [`k${i}`]: 0 }));
  const size = JSON.stringify(dense).length;

  it('refuses a large write whose copies would pass the limit, though its length alone would not', () => {
    expect(size * 8).toBeLessThan(100e6);
    expect(2 * heapCost(dense)).toBeGreaterThan(100e6);
    expect(() => guard().admit('create', size, 2, dense)).toThrow(/^create: no room under --max-memory-mb/);
    // One copy of it fits.
    expect(() => guard().admit('update', size, 1, dense)).not.toThrow();
  });

  it('weighs by length where that is more, and only large writes by their values', () => {
    expect(() => guard().admit('update', 13e6, 1, 'x')).toThrow(/^update: no room/);
    // A write of up to 8,064 characters is never walked (the README's bound); a longer one is.
    const untouchable = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('walked');
        },
      },
    );
    expect(() => guard().admit('update', 8064, 1, untouchable)).not.toThrow();
    expect(() => guard().admit('update', 8065, 1, untouchable)).toThrow('walked');
  });

  it('measures again before small writes are estimated to have taken a 64th of the room left', () => {
    let measured = 0;
    const guard = new MemoryGuard(
      200e6,
      () => {
        measured++;
        return 100e6;
      },
      () => {},
    );
    // Each write of 100 characters is estimated at 1,824 bytes; 100 MB of room makes a budget of 1.5625 MB.
    for (let i = 0; i < 10_000; i++) guard.admit('update', 100, 1, {});
    expect(measured).toBe(Math.ceil((10_000 * 1824) / (100e6 / 64)));
  });

  it('collects again within the second once memory has grown by an eighth of the limit since the last collection', () => {
    let used = 0;
    let collections = 0;
    // A limit of 80 MB: an eighth is 10 MB. Each collection frees nothing here.
    const guard = new MemoryGuard(
      80e6,
      () => used,
      () => collections++,
    );
    const write = (): boolean => {
      try {
        guard.admit('create', 1e6, 1);
        return true;
      } catch {
        return false;
      }
    };
    used = 75e6;
    expect(write()).toBe(false);
    expect(collections).toBe(1);
    // Garbage of less than an eighth: within the second, no collection more.
    used = 84e6;
    expect(write()).toBe(false);
    expect(collections).toBe(1);
    used = 85e6;
    expect(write()).toBe(false);
    expect(collections).toBe(2);
  });
});

describe('MemoryGuard, at what can never fit', () => {
  // Nothing in use: whatever passes the limit now would pass it always.
  const empty = (): MemoryGuard => fixedGuard(100e6, 0, 1000e6);

  it('refuses with error 12 a write that alone would pass the limit, and takes one that just fits', () => {
    // 8 bytes a character and 1024 for the write itself.
    const fits = (100e6 - 1024) / 8;
    expect(() => empty().admit('update', fits, 1, 'x')).not.toThrow();
    expect(() => empty().admit('update', fits + 1, 1, 'x')).toThrow(
      expect.objectContaining({
        code: 12,
        message: 'update: this write would take about 96 MiB, more than --max-memory-mb (95 MiB) can ever hold',
      }),
    );
  });

  it('tells a line that could be parsed later from one that never could: six bytes a character in nine tenths of the old space', () => {
    const guard = fixedGuard(100e6, 800e6, 1000e6);
    expect(guard.canParse(15e6)).toBe(true);
    expect(guard.canParse(20e6)).toBe(false);
    expect(guard.couldParse(150e6)).toBe(true);
    expect(guard.couldParse(150e6 + 1)).toBe(false);
  });
});
