/** What describe, stats and list pages read from the domain: pages, counts, sizes and change times. */
import { describe, expect, it } from 'vitest';
import { ProjectionStore } from '../../src/projections/store.js';
import { event } from '../support/projection-spec.js';

/** A store whose clock reads `now.seconds`, moved by the test. */
function storeAt(seconds: number): { store: ProjectionStore; now: { seconds: number } } {
  const now = { seconds };
  return { store: new ProjectionStore({ clock: () => now.seconds }), now };
}

describe('ProjectionStore.page', () => {
  const store = new ProjectionStore();
  for (const name of ['user-1', 'order-1', 'user-2', 'user-3', 'order-2']) store.create(name, []);
  const names = (page: { items: readonly { name: string }[] }) => page.items.map(({ name }) => name);

  it('filters by prefix in creation order, and counts every match in total', () => {
    const page = store.page('user-');
    expect(names(page)).toEqual(['user-1', 'user-2', 'user-3']);
    expect(page.total).toBe(3);
  });

  it('takes at most limit matches from offset on; total stays the count of all matches', () => {
    expect(store.page('user-', 1, 1)).toEqual({ items: [{ name: 'user-2', version: 0 }], total: 3 });
    expect(store.page('', 3)).toEqual({
      items: [
        { name: 'user-3', version: 0 },
        { name: 'order-2', version: 0 },
      ],
      total: 5,
    });
    expect(store.page('', 0, 0)).toEqual({ items: [], total: 5 });
    expect(store.page('', 9, 2)).toEqual({ items: [], total: 5 });
    expect(store.page('nobody')).toEqual({ items: [], total: 0 });
  });
});

describe('ProjectionStore counts', () => {
  it('counts projections, and events applied by updates and rebuilds, not duplicates nor refused ones', () => {
    const { store } = storeAt(1);
    store.create('a', []);
    store.update('a', event('E', { id: 1 }, 'e1'));
    store.update('a', event('E', { id: 1 }, 'e1'));
    store.update('b', event('E', 5));
    expect(() => store.update('a', event('E', {}), 7)).toThrow();
    expect(() => store.rebuild('a', [event('E', 1), event('X', 2)], 9)).toThrow();
    store.rebuild('a', [event('E', { id: 1 }), event('E', { id: 2 }), event('E', { id: 3 })]);
    expect(store.size).toBe(2);
    expect(store.eventsApplied).toBe(5);
    store.delete('b');
    expect(store.size).toBe(1);
  });
});

describe('Projection.changedAt', () => {
  it('is the clock at create, at each applied update and at each rebuild', () => {
    const { store, now } = storeAt(100);
    const projection = store.create('a', []);
    expect(projection.changedAt).toBe(100);
    now.seconds = 200;
    store.update('a', event('E', { id: 1 }, 'e1'));
    expect(projection.changedAt).toBe(200);
    now.seconds = 300;
    store.rebuild('a', []);
    expect(projection.changedAt).toBe(300);
    expect(store.update('made', event('E', 1)).projection.changedAt).toBe(300);
  });

  it('stays put on a duplicate, a refused update and a refused rebuild', () => {
    const { store, now } = storeAt(100);
    const projection = store.create('a', {}, { key: 'id', eventOps: new Map() });
    store.update('a', event('E', { x: 1 }, 'e1'));
    now.seconds = 500;
    store.update('a', event('E', { x: 2 }, 'e1'));
    expect(() => store.update('a', event('E', 'not an object'))).toThrow();
    expect(() => store.rebuild('a', [event('E', 1)])).toThrow();
    expect(projection.changedAt).toBe(100);
  });
});

describe('sizes and event ids', () => {
  it('gives elements of an array, members of an object, and no size for a scalar', () => {
    const store = new ProjectionStore();
    const array = store.create('array', [{ id: 1 }, { id: 2 }, 3]);
    store.update('array', event('E', { id: 1, more: true }));
    expect(array.state.size).toBe(3);
    const object = store.create('object', { a: 1, ['__proto__']: 2 });
    store.update('object', event('E', { b: 1 }));
    expect(object.state.size).toBe(3);
    expect(store.create('scalar', 'text').state.size).toBeUndefined();
    expect(store.create('null', null).state.size).toBeUndefined();
  });

  it('counts the remembered event ids, which a rebuild replaces with its own', () => {
    const store = new ProjectionStore();
    const projection = store.create('a', []);
    expect(projection.eventIdCount()).toBe(0);
    for (const id of ['e1', 'e2', 'e1', 7, '7']) store.update('a', event('E', {}, id));
    store.update('a', event('E', {}));
    expect(projection.eventIdCount()).toBe(4);
    store.rebuild('a', [event('E', {}, 'r1'), event('E', {}, 'r1')]);
    expect(projection.eventIdCount()).toBe(1);
  });
});
