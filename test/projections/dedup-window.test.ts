import { describe, expect, it } from 'vitest';
import { encodeChange, replay } from '../../src/durable/records.js';
import { JsonFragment } from '../../src/json/value.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { event, projectionSpec, rebuild } from '../support/projection-spec.js';

/** The state of an image record: these tests look at its ids only. */
const emptyFragment = new JsonFragment(['[]']);

const windowOf2 = projectionSpec({ initialState: [], dedupWindow: 2 });

describe('--dedup-window: the last N event ids per projection', () => {
  it('answers a redelivery within the window as a duplicate', () => {
    const { duplicates } = windowOf2
      .given([event('E', 1, 'e1'), event('E', 2, 'e2')])
      .when(event('E', 1, 'e1'))
      .then([1, 2], 2);
    expect(duplicates).toEqual([true]);
  });

  it('applies a redelivery older than the window again, as a new event', () => {
    const { duplicates, store } = windowOf2
      .given([event('E', 1, 'e1'), event('E', 2, 'e2'), event('E', 3, 'e3')])
      .when([event('E', 1, 'e1'), event('E', 3, 'e3'), event('E', 2, 'e2')])
      .then([1, 2, 3, 1, 2], 5);
    // e1 came back as the newest id and pushed e2 out; e3 was still in the window.
    expect(duplicates).toEqual([false, true, false]);
    expect(store.read('p').eventIdCount()).toBe(2);
  });

  it('does not count a duplicate or an event without id as one of the N', () => {
    const { duplicates } = windowOf2
      .given([event('E', 1, 'e1'), event('E', 2, 'e2'), event('E', 2, 'e2'), event('E', 0)])
      .when(event('E', 1, 'e1'))
      .then([1, 2, 0], 3);
    expect(duplicates).toEqual([true]);
  });

  it('applies the same window within one rebuild', () => {
    const { eventsProcessed, duplicates } = windowOf2
      .when([
        rebuild([event('E', 1, 'a'), event('E', 2, 'b'), event('E', 2, 'b'), event('E', 3, 'c'), event('E', 1, 'a')]),
        event('E', 4, 'c'),
      ])
      .then([1, 2, 3, 1], 4);
    expect(eventsProcessed).toEqual([4]);
    expect(duplicates).toEqual([true]);
  });

  it('remembers every id without a window', () => {
    const ids = Array.from({ length: 500 }, (_, n) => event('E', n, `e${n}`));
    const { duplicates, store } = projectionSpec({ initialState: [] })
      .given(ids)
      .when([event('E', 0, 'e0'), event('E', 1, 1)])
      .then([...ids.map((_, n) => n), 1], 501);
    expect(duplicates).toEqual([true, false]);
    expect(store.read('p').eventIdCount()).toBe(501);
  });
});

describe('Projection.eventIdCount', () => {
  it('counts the ids remembered: none at first, each distinct id once, and a rebuild starts over', () => {
    const store = new ProjectionStore();
    expect(store.create('p', []).eventIdCount()).toBe(0);
    for (const id of ['a', 'b', 'a', 7, '7']) store.update('p', event('E', 1, id));
    expect(store.read('p').eventIdCount()).toBe(4);
    store.rebuild('p', [event('E', 1, 'x'), event('E', 1)]);
    expect(store.read('p').eventIdCount()).toBe(1);
  });
});

describe('event ids in image records', () => {
  /** The store `replay` makes of `store`'s projections written as image records. */
  function reloaded(store: ProjectionStore, dedupWindow?: number): ProjectionStore {
    const loaded = new ProjectionStore({ dedupWindow });
    for (const projection of store.all())
      replay(loaded, encodeChange({ op: 'image', projection, state: emptyFragment }));
    return loaded;
  }

  it('keeps the same ids, in the same window order, across a save and load', () => {
    const store = new ProjectionStore({ dedupWindow: 3 });
    for (const id of ['a', 'b', 'c', 'd']) store.update('p', event('E', 1, id));
    const loaded = reloaded(store, 3);
    expect(loaded.read('p').eventIdCount()).toBe(3);
    // b, c, d are held; a new id pushes out b, the oldest, as it would have before the save.
    expect(loaded.update('p', event('E', 1, 'e')).duplicate).toBe(false);
    expect(['b', 'c', 'd', 'e'].map((id) => reloaded(loaded, 3).update('p', event('E', 1, id)).duplicate)).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it('keeps the newest ids when loaded with a narrower window, and every one without a window', () => {
    const store = new ProjectionStore();
    for (let n = 0; n < 10; n++) store.update('p', event('E', 1, n));
    const narrow = reloaded(store, 4);
    expect(narrow.read('p').eventIdCount()).toBe(4);
    // 6…9 are held; 5 comes back as a new id and pushes out 6.
    expect([6, 5, 6, 9].map((n) => narrow.update('p', event('E', 1, n)).duplicate)).toEqual([true, false, false, true]);
    const all = reloaded(store);
    expect([0, 9, 10].map((n) => all.update('p', event('E', 1, n)).duplicate)).toEqual([true, true, false]);
  });

  it('writes no digests for a projection without ids, and reads the ids list older nodes wrote', () => {
    const store = new ProjectionStore();
    store.create('p', []);
    expect(encodeChange({ op: 'image', projection: store.read('p'), state: emptyFragment })).toContain('"ids":[]}');
    const loaded = new ProjectionStore({ dedupWindow: 2 });
    replay(
      loaded,
      '{"op":"image","name":"p","initial_state":[],"handlers":{},"key":"id","version":3,"state":[],"ids":["a",1,"c"]}',
    );
    expect(['c', 1, 'a'].map((id) => loaded.update('p', event('E', 1, id)).duplicate)).toEqual([true, true, false]);
  });
});

describe('update records replayed under another window', () => {
  it('apply every logged event, even one whose id a wider window still holds', () => {
    // Window 1: e1 was forgotten when e2 came, so its redelivery was applied again, as version 3.
    const writer = new ProjectionStore({ dedupWindow: 1 });
    const records: string[] = [];
    for (const [n, id] of [
      [1, 'e1'],
      [2, 'e2'],
      [3, 'e1'],
    ] as const) {
      const { projection, duplicate } = writer.update('p', event('E', n, id));
      expect(duplicate).toBe(false);
      const change = {
        op: 'update',
        name: 'p',
        at: projection.changedAt,
        event: event('E', n, id),
        window: 1,
      } as const;
      records.push(encodeChange(change));
    }
    for (const dedupWindow of [1, 2, undefined]) {
      const loaded = new ProjectionStore({ dedupWindow });
      for (const record of records) replay(loaded, record);
      expect(loaded.read('p').version).toBe(3);
      expect(loaded.read('p').state.value()).toEqual([1, 2, 3]);
      expect(loaded.update('p', event('E', 9, 'e1')).duplicate).toBe(true);
    }
  });
});
