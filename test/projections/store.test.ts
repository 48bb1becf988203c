import { describe, expect, it } from 'vitest';
import { ExactNumber } from '../../src/json/exact-number.js';
import { parseJson } from '../../src/json/parse.js';
import { stringifyJson } from '../../src/json/stringify.js';
import { ProjectionError } from '../../src/projections/errors.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { event, projectionSpec, rebuild, update } from '../support/projection-spec.js';

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
  const array = projectionSpec({ initialState: [] });

  it('upserts by id in place, keeping the position, and appends new ids', () => {
    array
      .given([event('UserCreated', { id: 'u1', name: 'Ann' }), event('UserCreated', { id: 'u2', name: 'Bob' })])
      .when(event('UserRenamed', { id: 'u1', name: 'Anna', age: 3 }))
      .then(
        [
          { id: 'u1', name: 'Anna', age: 3 },
          { id: 'u2', name: 'Bob' },
        ],
        3,
      );
  });

  it('compares ids by JSON type and value: "1" and 1 are different ids', () => {
    array
      .when([event('E', { id: 1, v: 'number' }), event('E', { id: '1', v: 'string' }), event('E', { id: 1, w: true })])
      .then([
        { id: 1, v: 'number', w: true },
        { id: '1', v: 'string' },
      ]);
  });

  it('appends data that is not an object with the key, such as scalars', () => {
    projectionSpec({ initialState: [{ id: 'a' }] })
      .when([event('E', 'text'), event('E', { name: 'no id' }), event('E', [1, 2])])
      .then([{ id: 'a' }, 'text', { name: 'no id' }, [1, 2]]);
  });

  it('compares 64-bit and larger ids exactly', () => {
    const id = (text: string) => parseJson(text);
    array
      .when([
        event('E', { id: id('9007199254740993'), n: 1 }),
        event('E', { id: id('9007199254740992'), n: 2 }),
        event('E', { id: id('9007199254740993'), n: 3 }),
      ])
      .thenJson('[{"id":9007199254740993,"n":3},{"id":9007199254740992,"n":2}]');
  });

  it('uses the configured key field', () => {
    projectionSpec({ initialState: [], key: 'sku' })
      .when([event('E', { sku: 'x', qty: 1 }), event('E', { sku: 'x', qty: 2 }), event('E', { id: 'x', qty: 3 })])
      .then([
        { sku: 'x', qty: 2 },
        { id: 'x', qty: 3 },
      ]);
  });

  it('matches an integer kept for its digits with the same value written as a double', () => {
    // Matched, so merged in place: the later spelling of the id overwrites the earlier one.
    array
      .when([
        event('E', { id: parseJson('1000000000000000000000'), n: 1 }),
        event('E', { id: parseJson('1e21'), n: 2 }),
      ])
      .thenJson('[{"id":1e+21,"n":2}]');
  });
});

describe('merge into an object or scalar state', () => {
  it('merges an object state shallowly, later keys overwriting', () => {
    projectionSpec({ initialState: { a: 1, nested: { x: 1 } } })
      .when(event('E', { b: 2, nested: { y: 2 } }))
      .then({ a: 1, b: 2, nested: { y: 2 } });
  });

  it('refuses non-object data for an object state and changes nothing', () => {
    projectionSpec({ initialState: { a: 1 } })
      .when(event('E', [1]))
      .thenRefuses('merge into an object state needs event_data to be an object, got array', {
        kind: 'invalid-event',
        state: { a: 1 },
        version: 0,
      });
  });

  it('replaces a scalar or null state with the data, whatever it is', () => {
    const scalar = projectionSpec({ initialState: null });
    scalar.when(event('E', 5)).then(5);
    scalar
      .given(event('E', 5))
      .when([event('E', [{ id: 'a' }]), event('E', { id: 'a', v: 1 })])
      .then([{ id: 'a', v: 1 }], 3);
  });
});

describe('declarative handlers', () => {
  it('append adds even an existing key; remove drops the first match, then the next', () => {
    const list = projectionSpec({ initialState: [], handlers: { Added: 'append', Deleted: 'remove' } });
    const added = [
      event('Added', { id: 'a', n: 1 }),
      event('Added', { id: 'a', n: 2 }),
      event('Added', { id: 'b', n: 3 }),
      event('Deleted', { id: 'a' }),
    ];
    list.when(added).then([
      { id: 'a', n: 2 },
      { id: 'b', n: 3 },
    ]);
    list
      .given(added)
      .when([event('Changed', { id: 'a', n: 4 }), event('Deleted', { id: 'a' })])
      .then([{ id: 'b', n: 3 }]);
  });

  it('counts every applied event, including ignore and a remove that matched nothing', () => {
    projectionSpec({ initialState: [{ id: 'a' }], handlers: { Deleted: 'remove', Noise: 'ignore' } })
      .when([event('Deleted', { id: 'zzz' }), event('Noise', { id: 'a', junk: true })])
      .then([{ id: 'a' }], 2);
  });

  it('remove needs the key on an array state and is refused on a scalar', () => {
    projectionSpec({ initialState: [{ id: 'a' }], handlers: { Deleted: 'remove' } })
      .when(event('Deleted', { name: 'a' }))
      .thenRefuses('remove needs event_data to be an object with the key "id"', { version: 0 });
    const scalar = projectionSpec({ initialState: 3, handlers: { Deleted: 'remove', Added: 'append' } });
    scalar
      .when(event('Deleted', { id: 'a' }))
      .thenRefuses('remove needs an array or object state, but the state is number', { version: 0 });
    scalar.when(event('Added', 1)).thenRefuses('append needs an array state, but the state is number', { version: 0 });
  });

  it('remove on an object state deletes the keys event_data names', () => {
    const object = projectionSpec({ initialState: { a: 1, b: 2, c: 3, d: 4 }, handlers: { Deleted: 'remove' } });
    const removes = [event('Deleted', { a: null }), event('Deleted', 'b'), event('Deleted', ['c', 'missing'])];
    object.when(removes).then({ d: 4 });
    object
      .given(removes)
      .when(event('Deleted', 7))
      .thenRefuses(
        'remove from an object state needs event_data to be an object, a key name or an array of key names, got number',
        { kind: 'invalid-event' },
      );
  });

  it('replace swaps the whole state, and keeps the key for a new array', () => {
    projectionSpec({ initialState: { old: true }, handlers: { Reset: 'replace' }, key: 'sku' })
      .when([event('Reset', [{ sku: 1, q: 1 }]), event('Other', { sku: 1, q: 2 })])
      .then([{ sku: 1, q: 2 }]);
  });
});

describe('idempotent redelivery', () => {
  const array = projectionSpec({ initialState: [] });

  it('answers a repeated event_id as a duplicate and changes nothing', () => {
    const { duplicates } = array
      .when([event('E', { id: 'a', n: 1 }, 'e1'), event('E', { id: 'a', n: 99 }, 'e1')])
      .then([{ id: 'a', n: 1 }], 1);
    expect(duplicates).toEqual([false, true]);
  });

  it('tells string and integer event ids apart, and compares huge integers exactly', () => {
    const big = parseJson('[12345678901234567890123, 12345678901234567890124]') as ExactNumber[];
    expect(big[0]).toBeInstanceOf(ExactNumber);
    const { duplicates } = array
      .when([event('E', 1, 7), event('E', 2, '7'), event('E', 3, big[0]), event('E', 4, big[1]), event('E', 5, big[0])])
      .then([1, 2, 3, 4], 4);
    expect(duplicates).toEqual([false, false, false, false, true]);
  });

  it('rebuild forgets old ids, records its own, and skips repeats within its events', () => {
    const events = [
      event('E', { id: 'a' }, 'e2'),
      event('E', { id: 'b' }, 'e2'),
      event('E', { id: 'c' }),
      event('E', { id: 'd' }),
    ];
    const { eventsProcessed } = array
      .given(event('E', { id: 'old' }, 'e1'))
      .when(rebuild(events))
      .then([{ id: 'a' }, { id: 'c' }, { id: 'd' }], 3);
    expect(eventsProcessed).toEqual([3]);
    const { duplicates } = array
      .given([event('E', { id: 'old' }, 'e1'), rebuild(events)])
      .when([event('E', { id: 'x' }, 'e1'), event('E', { id: 'y' }, 'e2')])
      .then([{ id: 'a' }, { id: 'c' }, { id: 'd' }, { id: 'x' }], 4);
    expect(duplicates).toEqual([false, true]);
  });

  it('answers a redelivered event as a duplicate even though the version moved on', () => {
    const { duplicates } = array
      .given(update(event('E', 1, 'e1'), 0))
      .when(update(event('E', 1, 'e1'), 0))
      .then([1], 1);
    expect(duplicates).toEqual([true]);
  });
});

describe('optimistic concurrency', () => {
  it('refuses an update or rebuild at another version, naming both versions', () => {
    const atVersion1 = projectionSpec({ initialState: [] }).given(event('E', 1));
    atVersion1
      .when(update(event('E', 2), 0))
      .thenRefuses('expected version 0, but projection "p" is at version 1', { kind: 'version-mismatch' });
    atVersion1
      .when(rebuild([], 5))
      .thenRefuses('expected version 5, but projection "p" is at version 1', { kind: 'version-mismatch' });
    atVersion1.when(update(event('E', 2), 1)).then([1, 2], 2);
  });

  it('treats a missing projection as version 0 and does not create it on a mismatch', () => {
    const { store } = projectionSpec({ name: 'new' })
      .when(update(event('E', 1), 3))
      .thenRefuses('expected version 3, but projection "new" is at version 0');
    expect(store.list()).toEqual([]);
    expect(store.update('new', event('E', 1), 0).projection.version).toBe(1);
  });
});

describe('rebuild', () => {
  it('starts from an unchanged deep copy of the initial state', () => {
    const initial = [{ id: 'a', tags: ['x'] }];
    const store = new ProjectionStore();
    store.create('p', initial);
    store.update('p', event('E', { id: 'a', tags: ['changed'] }));
    initial[0]!.tags.push('mutated by the caller');
    store.rebuild('p', []);
    expect(store.read('p').state.value()).toEqual([{ id: 'a', tags: ['x'] }]);
    store.rebuild('p', [event('E', { id: 'b' })]);
    expect(store.read('p').state.value()).toEqual([{ id: 'a', tags: ['x'] }, { id: 'b' }]);
    expect(store.read('p').version).toBe(1);
  });

  it('is all or nothing: a refused event names its index and keeps state, version and ids', () => {
    projectionSpec({ initialState: { a: 1 } })
      .given(event('E', { b: 2 }, 'e1'))
      .when(rebuild([event('E', { c: 3 }), event('E', { d: 4 }), event('E', 'not an object')]))
      .thenRefuses('events[2]: merge into an object state needs event_data to be an object, got string', {
        state: { a: 1, b: 2 },
        version: 1,
        ids: ['e1'],
      });
  });

  it('creates an unknown projection from [] only if it succeeds', () => {
    const { store, eventsProcessed } = projectionSpec({ name: 'r' })
      .when(rebuild([event('E', { id: 1 })]))
      .then([{ id: 1 }]);
    expect(eventsProcessed).toEqual([1]);
    expect(store.list()).toEqual([{ name: 'r', version: 1 }]);
  });
});

describe('the store', () => {
  it('refuses a second create and keeps the first projection intact', () => {
    const store = new ProjectionStore();
    store.create('p', []);
    store.update('p', event('E', { id: 1 }));
    const error = refusal(() => store.create('p', { other: true }));
    expect(error.kind).toBe('already-exists');
    expect(error.message).toBe('projection "p" already exists at version 1');
    expect(store.read('p').state.value()).toEqual([{ id: 1 }]);
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
