import { describe, expect, it } from 'vitest';
import { ExactNumber } from '../../src/json/exact-number.js';
import { parseJson } from '../../src/json/parse.js';
import { ProjectionError } from '../../src/projections/errors.js';
import type { Op } from '../../src/projections/ops.js';
import type { ProjectionEvent } from '../../src/projections/projection.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { stringifyJson } from '../../src/json/stringify.js';

const event = (event_type: string, event_data: unknown, event_id?: string | number): ProjectionEvent =>
  event_id === undefined ? { event_type, event_data } : { event_type, event_data, event_id };

function stateOf(store: ProjectionStore, name: string): unknown {
  return store.read(name).state.value();
}

function storeWith(initialState: unknown, handlers: Record<string, Op> = {}, key = 'id'): ProjectionStore {
  const store = new ProjectionStore();
  store.create('p', initialState, { key, eventOps: new Map(Object.entries(handlers)) });
  return store;
}

function refusal(action: () => unknown): ProjectionError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProjectionError) return error;
    throw error;
  }
  throw new Error('expected a ProjectionError');
}

describe('merge into an array state', () => {
  it('upserts by id in place, keeping the position, and appends new ids', () => {
    const store = storeWith([]);
    store.update('p', event('UserCreated', { id: 'u1', name: 'Ann' }));
    store.update('p', event('UserCreated', { id: 'u2', name: 'Bob' }));
    const { projection } = store.update('p', event('UserRenamed', { id: 'u1', name: 'Anna', age: 3 }));
    expect(projection.version).toBe(3);
    expect(stateOf(store, 'p')).toEqual([
      { id: 'u1', name: 'Anna', age: 3 },
      { id: 'u2', name: 'Bob' },
    ]);
  });

  it('compares ids by JSON type and value: "1" and 1 are different ids', () => {
    const store = storeWith([]);
    store.update('p', event('E', { id: 1, v: 'number' }));
    store.update('p', event('E', { id: '1', v: 'string' }));
    store.update('p', event('E', { id: 1, w: true }));
    expect(stateOf(store, 'p')).toEqual([
      { id: 1, v: 'number', w: true },
      { id: '1', v: 'string' },
    ]);
  });

  it('appends data that is not an object with the key, such as scalars', () => {
    const store = storeWith([{ id: 'a' }]);
    store.update('p', event('E', 'text'));
    store.update('p', event('E', { name: 'no id' }));
    store.update('p', event('E', [1, 2]));
    expect(stateOf(store, 'p')).toEqual([{ id: 'a' }, 'text', { name: 'no id' }, [1, 2]]);
  });

  it('compares 64-bit and larger ids exactly', () => {
    const store = storeWith([]);
    const id = (text: string) => parseJson(text);
    store.update('p', event('E', { id: id('9007199254740993'), n: 1 }));
    store.update('p', event('E', { id: id('9007199254740992'), n: 2 }));
    store.update('p', event('E', { id: id('9007199254740993'), n: 3 }));
    expect(stringifyJson(store.read('p').state.value())).toBe(
      '[{"id":9007199254740993,"n":3},{"id":9007199254740992,"n":2}]',
    );
  });

  it('uses the configured key field', () => {
    const store = storeWith([], {}, 'sku');
    store.update('p', event('E', { sku: 'x', qty: 1 }));
    store.update('p', event('E', { sku: 'x', qty: 2 }));
    store.update('p', event('E', { id: 'x', qty: 3 }));
    expect(stateOf(store, 'p')).toEqual([
      { sku: 'x', qty: 2 },
      { id: 'x', qty: 3 },
    ]);
  });
});

describe('merge into an object or scalar state', () => {
  it('merges an object state shallowly, later keys overwriting', () => {
    const store = storeWith({ a: 1, nested: { x: 1 } });
    store.update('p', event('E', { b: 2, nested: { y: 2 } }));
    expect(stateOf(store, 'p')).toEqual({ a: 1, b: 2, nested: { y: 2 } });
  });

  it('refuses non-object data for an object state and changes nothing', () => {
    const store = storeWith({ a: 1 });
    const error = refusal(() => store.update('p', event('E', [1])));
    expect(error.kind).toBe('invalid-event');
    expect(error.message).toBe('merge into an object state needs event_data to be an object, got array');
    expect(store.read('p').version).toBe(0);
    expect(stateOf(store, 'p')).toEqual({ a: 1 });
  });

  it('replaces a scalar or null state with the data, whatever it is', () => {
    const store = storeWith(null);
    store.update('p', event('E', 5));
    expect(stateOf(store, 'p')).toBe(5);
    store.update('p', event('E', [{ id: 'a' }]));
    store.update('p', event('E', { id: 'a', v: 1 }));
    expect(stateOf(store, 'p')).toEqual([{ id: 'a', v: 1 }]);
    expect(store.read('p').version).toBe(3);
  });
});

describe('declarative handlers', () => {
  it('append adds even an existing key; remove drops the first match, then the next', () => {
    const store = storeWith([], { Added: 'append', Deleted: 'remove' });
    store.update('p', event('Added', { id: 'a', n: 1 }));
    store.update('p', event('Added', { id: 'a', n: 2 }));
    store.update('p', event('Added', { id: 'b', n: 3 }));
    store.update('p', event('Deleted', { id: 'a' }));
    expect(stateOf(store, 'p')).toEqual([
      { id: 'a', n: 2 },
      { id: 'b', n: 3 },
    ]);
    store.update('p', event('Changed', { id: 'a', n: 4 }));
    store.update('p', event('Deleted', { id: 'a' }));
    expect(stateOf(store, 'p')).toEqual([{ id: 'b', n: 3 }]);
  });

  it('counts every applied event, including ignore and a remove that matched nothing', () => {
    const store = storeWith([{ id: 'a' }], { Deleted: 'remove', Noise: 'ignore' });
    store.update('p', event('Deleted', { id: 'zzz' }));
    store.update('p', event('Noise', { id: 'a', junk: true }));
    expect(store.read('p').version).toBe(2);
    expect(stateOf(store, 'p')).toEqual([{ id: 'a' }]);
  });

  it('remove needs the key on an array state and is refused on a scalar', () => {
    const store = storeWith([{ id: 'a' }], { Deleted: 'remove' });
    expect(refusal(() => store.update('p', event('Deleted', { name: 'a' }))).message).toBe(
      'remove needs event_data to be an object with the key "id"',
    );
    const scalar = storeWith(3, { Deleted: 'remove', Added: 'append' });
    expect(refusal(() => scalar.update('p', event('Deleted', { id: 'a' }))).message).toBe(
      'remove needs an array or object state, but the state is number',
    );
    expect(refusal(() => scalar.update('p', event('Added', 1))).message).toBe(
      'append needs an array state, but the state is number',
    );
    expect(store.read('p').version + scalar.read('p').version).toBe(0);
  });

  it('remove on an object state deletes the keys event_data names', () => {
    const store = storeWith({ a: 1, b: 2, c: 3, d: 4 }, { Deleted: 'remove' });
    store.update('p', event('Deleted', { a: null }));
    store.update('p', event('Deleted', 'b'));
    store.update('p', event('Deleted', ['c', 'missing']));
    expect(stateOf(store, 'p')).toEqual({ d: 4 });
    expect(refusal(() => store.update('p', event('Deleted', 7))).kind).toBe('invalid-event');
  });

  it('replace swaps the whole state, and keeps the key for a new array', () => {
    const store = storeWith({ old: true }, { Reset: 'replace' }, 'sku');
    store.update('p', event('Reset', [{ sku: 1, q: 1 }]));
    store.update('p', event('Other', { sku: 1, q: 2 }));
    expect(stateOf(store, 'p')).toEqual([{ sku: 1, q: 2 }]);
  });
});

describe('idempotent redelivery', () => {
  it('answers a repeated event_id as a duplicate and changes nothing', () => {
    const store = storeWith([]);
    expect(store.update('p', event('E', { id: 'a', n: 1 }, 'e1')).duplicate).toBe(false);
    const again = store.update('p', event('E', { id: 'a', n: 99 }, 'e1'));
    expect(again.duplicate).toBe(true);
    expect(again.projection.version).toBe(1);
    expect(stateOf(store, 'p')).toEqual([{ id: 'a', n: 1 }]);
  });

  it('tells string and integer event ids apart, and compares huge integers exactly', () => {
    const store = storeWith([]);
    store.update('p', event('E', 1, 7));
    expect(store.update('p', event('E', 2, '7')).duplicate).toBe(false);
    const big = parseJson('[12345678901234567890123, 12345678901234567890124]') as ExactNumber[];
    expect(big[0]).toBeInstanceOf(ExactNumber);
    store.update('p', { event_type: 'E', event_data: 3, event_id: big[0] });
    expect(store.update('p', { event_type: 'E', event_data: 4, event_id: big[1] }).duplicate).toBe(false);
    expect(store.update('p', { event_type: 'E', event_data: 5, event_id: big[0] }).duplicate).toBe(true);
    expect(store.read('p').version).toBe(4);
  });

  it('rebuild forgets old ids, records its own, and skips repeats within its events', () => {
    const store = storeWith([]);
    store.update('p', event('E', { id: 'old' }, 'e1'));
    const { eventsProcessed } = store.rebuild('p', [
      event('E', { id: 'a' }, 'e2'),
      event('E', { id: 'b' }, 'e2'),
      event('E', { id: 'c' }),
      event('E', { id: 'd' }),
    ]);
    expect(eventsProcessed).toBe(3);
    expect(store.read('p').version).toBe(3);
    expect(stateOf(store, 'p')).toEqual([{ id: 'a' }, { id: 'c' }, { id: 'd' }]);
    expect(store.update('p', event('E', { id: 'x' }, 'e1')).duplicate).toBe(false);
    expect(store.update('p', event('E', { id: 'y' }, 'e2')).duplicate).toBe(true);
  });
});

describe('optimistic concurrency', () => {
  it('refuses an update or rebuild at another version, naming both versions', () => {
    const store = storeWith([]);
    store.update('p', event('E', 1));
    const error = refusal(() => store.update('p', event('E', 2), 0));
    expect(error.kind).toBe('version-mismatch');
    expect(error.message).toBe('expected version 0, but projection "p" is at version 1');
    expect(refusal(() => store.rebuild('p', [], 5)).kind).toBe('version-mismatch');
    expect(store.update('p', event('E', 2), 1).projection.version).toBe(2);
    expect(stateOf(store, 'p')).toEqual([1, 2]);
  });

  it('treats a missing projection as version 0 and does not create it on a mismatch', () => {
    const store = new ProjectionStore();
    expect(refusal(() => store.update('new', event('E', 1), 3)).message).toBe(
      'expected version 3, but projection "new" is at version 0',
    );
    expect(store.list()).toEqual([]);
    expect(store.update('new', event('E', 1), 0).projection.version).toBe(1);
  });

  it('answers a redelivered event as a duplicate even though the version moved on', () => {
    const store = storeWith([]);
    store.update('p', event('E', 1, 'e1'), 0);
    expect(store.update('p', event('E', 1, 'e1'), 0).duplicate).toBe(true);
  });
});

describe('rebuild', () => {
  it('starts from an unchanged deep copy of the initial state', () => {
    const initial = [{ id: 'a', tags: ['x'] }];
    const store = storeWith(initial);
    store.update('p', event('E', { id: 'a', tags: ['changed'] }));
    initial[0]!.tags.push('mutated by the caller');
    store.rebuild('p', []);
    expect(stateOf(store, 'p')).toEqual([{ id: 'a', tags: ['x'] }]);
    store.rebuild('p', [event('E', { id: 'b' })]);
    expect(stateOf(store, 'p')).toEqual([{ id: 'a', tags: ['x'] }, { id: 'b' }]);
    expect(store.read('p').version).toBe(1);
  });

  it('is all or nothing: a refused event names its index and keeps state, version and ids', () => {
    const store = storeWith({ a: 1 });
    store.update('p', event('E', { b: 2 }, 'e1'));
    const error = refusal(() =>
      store.rebuild('p', [event('E', { c: 3 }), event('E', { d: 4 }), event('E', 'not an object')]),
    );
    expect(error.message).toBe('events[2]: merge into an object state needs event_data to be an object, got string');
    expect(store.read('p').version).toBe(1);
    expect(stateOf(store, 'p')).toEqual({ a: 1, b: 2 });
    expect(store.update('p', event('E', { z: 0 }, 'e1')).duplicate).toBe(true);
  });

  it('creates an unknown projection from [] only if it succeeds', () => {
    const store = new ProjectionStore();
    expect(store.rebuild('r', [event('E', { id: 1 })]).eventsProcessed).toBe(1);
    expect(stateOf(store, 'r')).toEqual([{ id: 1 }]);
    expect(store.list()).toEqual([{ name: 'r', version: 1 }]);
  });
});

describe('the store', () => {
  it('refuses a second create and keeps the first projection intact', () => {
    const store = storeWith([]);
    store.update('p', event('E', { id: 1 }));
    const error = refusal(() => store.create('p', { other: true }));
    expect(error.kind).toBe('already-exists');
    expect(error.message).toBe('projection "p" already exists at version 1');
    expect(stateOf(store, 'p')).toEqual([{ id: 1 }]);
  });

  it('lists in creation order, and delete makes the name new again', () => {
    const store = new ProjectionStore();
    for (const name of ['b', 'a', 'c']) store.create(name, []);
    store.update('a', event('E', 1));
    store.delete('b');
    store.create('b', {});
    expect(store.list()).toEqual([
      { name: 'a', version: 1 },
      { name: 'c', version: 0 },
      { name: 'b', version: 0 },
    ]);
    expect(refusal(() => store.delete('zzz')).kind).toBe('not-found');
    expect(refusal(() => store.read('zzz')).message).toBe('projection "zzz" does not exist');
  });

  it('treats __proto__, constructor and toString as ordinary names and keys', () => {
    const store = new ProjectionStore();
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'toString']) store.create(name, {});
    store.update('__proto__', event('E', parseJson('{"__proto__":{"polluted":true},"constructor":1,"prototype":2}')));
    expect(stringifyJson(store.read('__proto__').state.value())).toBe(
      '{"__proto__":{"polluted":true},"constructor":1,"prototype":2}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(store.list().map(({ name }) => name)).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
  });
});

describe('keys of exact numbers', () => {
  it('matches an integer kept for its digits with the same value written as a double', () => {
    const store = storeWith([]);
    store.update('p', event('E', { id: parseJson('1000000000000000000000'), n: 1 }));
    store.update('p', event('E', { id: parseJson('1e21'), n: 2 }));
    // Matched, so merged in place: the later spelling of the id overwrites the earlier one.
    expect(stringifyJson(store.read('p').state.value())).toBe('[{"id":1e+21,"n":2}]');
  });
});
