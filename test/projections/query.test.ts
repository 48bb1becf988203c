/** What a query answers on each kind of state, on the domain. */
import { describe, expect, it, vi } from 'vitest';
import { stringifyJson } from '../../src/json/stringify.js';
import { parseJson } from '../../src/json/parse.js';
import type { ArrayState } from '../../src/projections/array-state.js';
import { type Query, runQuery } from '../../src/projections/query.js';
import { ProjectionStore } from '../../src/projections/store.js';

const USERS = [
  { id: 'u1', name: 'Ann', age: 30, team: 'a' },
  { id: 'u2', name: 'Bob', age: 25, team: 'b' },
  { id: 'u3', name: 'Cy', age: 30, team: 'a' },
  { id: 'u4', name: 'Di', team: 'b' },
];

function projectionOf(initialState: unknown, indexes: readonly string[] = [], key = 'id') {
  const store = new ProjectionStore();
  return store.create('p', initialState, { key, eventOps: new Map(), indexes });
}

const answer = (initialState: unknown, query: Query, indexes: readonly string[] = []) =>
  runQuery(projectionOf(initialState, indexes), query);

describe('a query on an array state', () => {
  it('with no options gives every element, in state order', () => {
    expect(answer(USERS, {})).toEqual({ total: 4, items: USERS });
  });

  it('by key gives the elements with that key, compared as the upsert compares it', () => {
    expect(answer(USERS, { key: { value: 'u3' } }).items).toEqual([USERS[2]]);
    expect(answer([{ id: 1 }, { id: '1' }, { id: 1.0 }], { key: { value: 1 } }).items).toEqual([{ id: 1 }, { id: 1 }]);
    expect(answer([{ id: null }, { name: 'no id' }, null], { key: { value: null } }).items).toEqual([{ id: null }]);
    expect(answer(USERS, { key: { value: 'u9' } })).toEqual({ total: 0, items: [] });
  });

  it('by key keeps exact big numbers apart', () => {
    const state = parseJson('[{"id":9007199254740993,"n":1},{"id":9007199254740992,"n":2}]');
    const { items } = runQuery(projectionOf(state), { key: { value: parseJson('9007199254740993') } });
    expect(stringifyJson(items)).toBe('[{"id":9007199254740993,"n":1}]');
  });

  it('uses another key field when the projection declares one', () => {
    const store = new ProjectionStore();
    const projection = store.create('p', USERS, { key: 'name', eventOps: new Map() });
    expect(runQuery(projection, { key: { value: 'Bob' } }).items).toEqual([USERS[1]]);
  });

  it('where: every pair must match, as JSON values', () => {
    expect(answer(USERS, { where: [['age', 30]] }).items).toEqual([USERS[0], USERS[2]]);
    expect(
      answer(USERS, {
        where: [
          ['age', 30],
          ['name', 'Cy'],
        ],
      }).items,
    ).toEqual([USERS[2]]);
    expect(answer(USERS, { where: [['age', '30']] }).items).toEqual([]);
    // A missing field is not null.
    expect(answer(USERS, { where: [['age', null]] }).items).toEqual([]);
    const nested = [{ tag: { a: 1, b: [1, 2] } }, { tag: { b: [1, 2], a: 1.0 } }, { tag: { a: 1 } }];
    expect(answer(nested, { where: [['tag', { b: [1, 2], a: 1 }]] }).total).toBe(2);
  });

  it('key and where together', () => {
    expect(answer(USERS, { key: { value: 'u1' }, where: [['team', 'b']] }).total).toBe(0);
    expect(answer(USERS, { key: { value: 'u1' }, where: [['team', 'a']] }).items).toEqual([USERS[0]]);
  });

  it('order_by sorts stably, items without the field first; descending reverses, ties kept in state order', () => {
    const names = (query: Query) => answer(USERS, query).items.map((item) => (item as { name: string }).name);
    expect(names({ orderBy: 'age' })).toEqual(['Di', 'Bob', 'Ann', 'Cy']);
    expect(names({ orderBy: 'age', descending: true })).toEqual(['Ann', 'Cy', 'Bob', 'Di']);
    expect(names({ orderBy: 'name', descending: true })).toEqual(['Di', 'Cy', 'Bob', 'Ann']);
  });

  it('offset and limit page the matches; total counts them all', () => {
    expect(answer(USERS, { orderBy: 'id', offset: 1, limit: 2 })).toEqual({ total: 4, items: [USERS[1], USERS[2]] });
    expect(answer(USERS, { offset: 10 })).toEqual({ total: 4, items: [] });
    expect(answer(USERS, { limit: 0 })).toEqual({ total: 4, items: [] });
    expect(answer(USERS, { where: [['team', 'b']], limit: 1 })).toEqual({ total: 2, items: [USERS[1]] });
  });

  it('fields keeps the named top-level fields, in the element’s own order; other items stay whole', () => {
    expect(answer([...USERS.slice(0, 2), 7, null], { fields: ['name', 'id', 'nope'] }).items).toEqual([
      { id: 'u1', name: 'Ann' },
      { id: 'u2', name: 'Bob' },
      7,
      null,
    ]);
    const picked = answer(USERS, { fields: ['name', 'id'], limit: 1 }).items[0] as object;
    expect(Object.keys(picked)).toEqual(['id', 'name']);
    expect(answer(USERS, { fields: [], limit: 1 }).items).toEqual([{}]);
  });

  it('leaves the state as it was', () => {
    const projection = projectionOf(USERS, ['team']);
    runQuery(projection, { orderBy: 'name', descending: true, fields: ['id'] });
    expect(projection.state.value()).toEqual(USERS);
  });
});

describe('a query on an object state', () => {
  const state = { b: 2, a: { x: 1 }, c: 'z' };

  it('gives its members as {"key", "value"} items, in member order', () => {
    expect(answer(state, {})).toEqual({
      total: 3,
      items: [
        { key: 'b', value: 2 },
        { key: 'a', value: { x: 1 } },
        { key: 'c', value: 'z' },
      ],
    });
  });

  it('by key gives the member of that name; where, order_by and fields work on the items', () => {
    expect(answer(state, { key: { value: 'a' } }).items).toEqual([{ key: 'a', value: { x: 1 } }]);
    expect(answer(state, { key: { value: 1 } }).items).toEqual([]);
    expect(answer(state, { where: [['value', 'z']] }).items).toEqual([{ key: 'c', value: 'z' }]);
    expect(answer(state, { orderBy: 'key', fields: ['key'] }).items).toEqual([
      { key: 'a' },
      { key: 'b' },
      { key: 'c' },
    ]);
    // Numbers before strings before objects.
    expect(answer(state, { orderBy: 'value', fields: ['key'] }).items).toEqual([
      { key: 'b' },
      { key: 'c' },
      { key: 'a' },
    ]);
  });

  it('looks a member up by its name for a key, or a where on "key", without listing the others', () => {
    const projection = projectionOf(state);
    const keys = vi.spyOn(Object, 'keys');
    expect(runQuery(projection, { where: [['key', 'c']] }).items).toEqual([{ key: 'c', value: 'z' }]);
    expect(runQuery(projection, { key: { value: 'b' }, where: [['value', 2]] }).total).toBe(1);
    expect(runQuery(projection, { key: { value: 'b' }, where: [['value', 3]] }).total).toBe(0);
    expect(runQuery(projection, { key: { value: 'toString' } }).total).toBe(0);
    expect(runQuery(projection, { key: { value: 'a' }, where: [['key', 'b']] }).total).toBe(0);
    expect(keys).not.toHaveBeenCalled();
  });

  it('keeps a "__proto__" member as data', () => {
    const odd = parseJson('{"__proto__":1}');
    expect(stringifyJson(answer(odd, { fields: ['value'] }).items)).toBe('[{"value":1}]');
  });
});

describe('a query on a scalar state', () => {
  it('gives the value as the one item, which no key or where matches', () => {
    expect(answer('s', {})).toEqual({ total: 1, items: ['s'] });
    expect(answer(null, {})).toEqual({ total: 1, items: [null] });
    expect(answer(5, { key: { value: 5 } })).toEqual({ total: 0, items: [] });
    expect(answer(5, { where: [['value', 5]] })).toEqual({ total: 0, items: [] });
    expect(answer(5, { fields: ['x'], offset: 1 })).toEqual({ total: 1, items: [] });
  });
});

describe('declared indexes', () => {
  it('are found for a where on a declared field or the key, and not for another field', () => {
    const state = projectionOf(USERS, ['team']).state as ArrayState;
    expect(state.slotsWith('team', 'a')).toEqual([0, 2]);
    expect(state.slotsWith('id', 'u2')).toEqual([1]);
    expect(state.slotsWith('name', 'Ann')).toBeUndefined();
    expect((projectionOf(USERS).state as ArrayState).slotsWith('team', 'a')).toBeUndefined();
  });

  it('answer where on an indexed field as a scan would, through every kind of write', () => {
    const store = new ProjectionStore();
    const handlers = new Map([
      ['Removed', 'remove' as const],
      ['Appended', 'append' as const],
      ['Replaced', 'replace' as const],
    ]);
    store.create('p', [], { key: 'id', eventOps: handlers, indexes: ['team', 'team', 'id'] });
    const update = (event_type: string, event_data: unknown) => store.update('p', { event_type, event_data });
    const team = (value: string) => runQuery(store.read('p'), { where: [['team', value]], fields: ['id'] }).items;

    for (const user of USERS) update('Added', user);
    expect(team('a')).toEqual([{ id: 'u1' }, { id: 'u3' }]);
    update('Moved', { id: 'u1', team: 'b' });
    expect(team('a')).toEqual([{ id: 'u3' }]);
    expect(team('b')).toEqual([{ id: 'u1' }, { id: 'u2' }, { id: 'u4' }]);
    update('Removed', { id: 'u2' });
    expect(team('b')).toEqual([{ id: 'u1' }, { id: 'u4' }]);
    update('Appended', { id: 'u1', team: 'a' });
    expect(team('a')).toEqual([{ id: 'u3' }, { id: 'u1' }]);
    // A hundred removals compact the array and renumber its slots.
    for (let i = 0; i < 100; i++) update('Added', { id: i, team: 'c' });
    for (let i = 0; i < 100; i += 1) if (i % 3 !== 0) update('Removed', { id: i });
    expect(team('c')).toHaveLength(34);
    expect(team('a')).toEqual([{ id: 'u3' }, { id: 'u1' }]);
    update('Replaced', [{ id: 'n', team: 'a' }]);
    expect(team('a')).toEqual([{ id: 'n' }]);
    store.rebuild('p', [{ event_type: 'Added', event_data: { id: 'r', team: 'a' } }]);
    expect(team('a')).toEqual([{ id: 'r' }]);
    expect(team('c')).toEqual([]);
  });
});
