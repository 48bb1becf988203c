/** Merges into objects, and the bound on their members: past it, V8 grows an object in time that grows with its size. */
import { describe, expect, it, vi } from 'vitest';
import type { JsonObject } from '../../src/json/value.js';
import { ProjectionError } from '../../src/projections/errors.js';
import { membersAfterMerge, mergeInto, removeMembers } from '../../src/projections/merge.js';
import { Projection } from '../../src/projections/projection.js';
import { ProjectionStore } from '../../src/projections/store.js';

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
  it('keeps a count once kept, through merges that leave the object small and removals', () => {
    const target = objectOf(300, 'a');
    mergeInto(target, {}, 10_000);
    mergeInto(target, { extra: 1 }, 10_000);
    removeMembers(
      target,
      Array.from({ length: 300 }, (_, i) => `a${i}`),
    );
    for (let round = 0; round < 10; round++) mergeInto(target, objectOf(254, `b${round}_`), 10_000);
    expect(Object.keys(target)).toHaveLength(2541);
    expect(membersAfterMerge(target, { new: 1 }, 10_000)).toBe(2542);
    removeMembers(target, Object.keys(target));
    expect(membersAfterMerge(target, objectOf(3, 'c'), 10_000)).toBe(3);
  });

  it('keeps the count of a large object it refuses a merge into, rather than counting it again for the next', () => {
    const target = objectOf(300);
    expect(() => mergeInto(target, { x: 1 }, 300)).toThrow(ProjectionError);
    // A member deleted behind the count's back shows that the count was kept, not taken again.
    delete target.k0;
    expect(() => mergeInto(target, { x: 1 }, 300)).toThrow('would give an object 301 members');
  });
});

describe('the member bound and storage', () => {
  it('binds merges a client asks for, but not those storage replays, which were acknowledged', () => {
    const bounds: unknown[] = [];
    const apply = Projection.prototype.apply;
    vi.spyOn(Projection.prototype, 'apply').mockImplementation(function (this: Projection, state, event, maxMembers) {
      bounds.push(maxMembers);
      return apply.call(this, state, event, maxMembers);
    });
    const store = new ProjectionStore();
    store.create('p', {});
    store.update('p', { event_type: 'E', event_data: { a: 1 } });
    store.redo('p', { event_type: 'E', event_data: { b: 1 } }, 0);
    expect(bounds).toEqual([undefined, Number.POSITIVE_INFINITY]);
    expect(store.read('p').state.value()).toEqual({ a: 1, b: 1 });
  });
});
