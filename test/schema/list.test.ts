import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { listOf } from '../../src/schema/list.js';

/** An array that counts how many of its elements are read. */
function counted<T>(elements: T[]): { list: T[]; reads: () => number } {
  let reads = 0;
  const list = new Proxy(elements, {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { list, reads: () => reads };
}

describe('listOf', () => {
  const schema = z.object({ names: listOf(z.string()) });

  it('accepts a good list as it arrived, without copying it', () => {
    const names = ['a', 'b'];
    const result = schema.safeParse({ names });
    expect(result.success && result.data.names).toBe(names);
  });

  it('stops at the first bad element and names only it', () => {
    const { list, reads } = counted([...['a', 'b'], ...Array.from({ length: 10_000 }, () => 1)]);
    const result = schema.safeParse({ names: list }, { reportInput: true });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(({ path, message }) => [path, message])).toEqual([
      [['names', 2], 'Invalid input: expected string, received number'],
    ]);
    // The good two, the bad one, and the bad one again for its details.
    expect(reads()).toBe(4);
  });

  it('names a list that is not an array by its type', () => {
    const result = schema.safeParse({ names: 'a' });
    expect(result.error?.issues.map(({ message }) => message)).toEqual(['must be an array, got string']);
  });
});
