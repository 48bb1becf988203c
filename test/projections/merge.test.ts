/** Merges into objects, and the bound on their members: past it, V8 grows an object in time that grows with its size. */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/json/value.js';
import { ProjectionError } from '../../src/projections/errors.js';
import { mergeInto, removeMembers } from '../../src/projections/merge.js';

function objectOf(members: number, prefix = 'k'): JsonObject {
  return Object.fromEntries(Array.from({ length: members }, (_, i) => [`${prefix}${i}`, i]));
}

describe('mergeInto', () => {
  it('overwrites and adds members in place, __proto__ as data', () => {
    const target: JsonObject = { a: 1, b: 2 };
    mergeInto(target, JSON.parse('{"b":3,"__proto__":{"x":1},"c":4}') as JsonObject);
    expect(target).toEqual({ a: 1, b: 3, ['__proto__']: { x: 1 }, c: 4 });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
  });

  it('takes a merge up to the bound, counting only new names, and refuses one past it with nothing changed', () => {
    const target = objectOf(8);
    mergeInto(target, { k0: 'again', n1: 1, n2: 2 }, 10);
    expect(Object.keys(target)).toHaveLength(10);
    const before = structuredClone(target);
    expect(() => mergeInto(target, { k1: 'changed', n3: 3 }, 10)).toThrow(ProjectionError);
    expect(() => mergeInto(target, { n3: 3 }, 10)).toThrow(
      'the merge would give an object 11 members, more than the 10 allowed',
    );
    expect(target).toEqual(before);
    mergeInto(target, { k1: 'changed' }, 10);
    expect(target.k1).toBe('changed');
  });

  it('keeps the count of a large object as members are added and removed', () => {
    const target = objectOf(250);
    mergeInto(target, objectOf(50, 'n'), 300);
    expect(() => mergeInto(target, { extra: 1 }, 300)).toThrow(ProjectionError);
    // Two of the names are not members: eight are removed.
    removeMembers(target, ['k0', 'k1', 'k2', 'k3', 'n0', 'n1', 'n2', 'n3', 'absent', 'k0']);
    expect(Object.keys(target)).toHaveLength(292);
    mergeInto(target, objectOf(8, 'm'), 300);
    expect(Object.keys(target)).toHaveLength(300);
    expect(() => mergeInto(target, { extra: 1 }, 300)).toThrow(ProjectionError);
    // A count the merges did not keep is taken afresh: a member deleted behind their back is not counted.
    const other = objectOf(299);
    delete other.k0;
    mergeInto(other, { a: 1, b: 1 }, 300);
    expect(Object.keys(other)).toHaveLength(300);
  });
});
