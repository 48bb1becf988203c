/** Memory per projection: what most projections have in common is shared, not copied per projection. */
import { describe, expect, it } from 'vitest';
import { ArrayState } from '../../src/projections/array-state.js';
import { DEFAULT_DEFINITION, NO_EVENT_OPS, NO_INDEXES } from '../../src/projections/projection.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { event } from '../support/projection-spec.js';

// Built afresh, as a compiled request schema builds them: a new Map and a new array per request.
const fresh = () => ({ key: 'id', eventOps: new Map(), indexes: [] as string[] });

describe('shared definitions and initial states', () => {
  it('a definition with no ops and no indexes is the shared default, however it was built', () => {
    const store = new ProjectionStore();
    const a = store.create('a', [], fresh());
    const b = store.create('b', {}, { key: 'id', eventOps: new Map() });
    expect(a.definition).toBe(DEFAULT_DEFINITION);
    expect(b.definition).toBe(DEFAULT_DEFINITION);
  });

  it('with a dedup window, one shared definition per window', () => {
    const store = new ProjectionStore({ dedupWindow: 5 });
    const [a, b] = [store.create('a', [], fresh()), store.create('b', [], fresh())];
    expect(a.definition).toBe(b.definition);
    expect(a.definition).toMatchObject({ key: 'id', eventOps: NO_EVENT_OPS, indexes: NO_INDEXES, dedupWindow: 5 });
  });

  it('a definition of its own shares its empty tables, and keeps what it declares', () => {
    const store = new ProjectionStore();
    const ops = store.create('ops', [], { key: 'id', eventOps: new Map([['Gone', 'remove']]), indexes: [] });
    const keyed = store.create('keyed', [], { key: 'sku', eventOps: new Map(), indexes: ['email'] });
    expect(ops.definition.eventOps.get('Gone')).toBe('remove');
    expect(ops.definition.indexes).toBe(NO_INDEXES);
    expect(keyed.definition).toMatchObject({ key: 'sku', eventOps: NO_EVENT_OPS, indexes: ['email'] });
  });

  it('empty initial states are shared, and stay empty whatever the projections go through', () => {
    const store = new ProjectionStore();
    const [a, b] = [store.create('a', [], fresh()), store.create('b', [], fresh())];
    const [c, d] = [store.create('c', {}, fresh()), store.create('d', {}, fresh())];
    expect(a.initialState).toBe(b.initialState);
    expect(c.initialState).toBe(d.initialState);
    store.update('a', event('Added', { id: 'u1' }));
    store.update('c', event('Set', { n: 1 }));
    store.rebuild('b', [event('Added', { id: 'u2' }), event('Added', { id: 'u3' })]);
    expect([a.state.value(), b.state.value(), c.state.value()]).toEqual([
      [{ id: 'u1' }],
      [{ id: 'u2' }, { id: 'u3' }],
      { n: 1 },
    ]);
    expect([a.initialState, b.initialState, c.initialState, d.initialState]).toEqual([[], [], {}, {}]);
    store.rebuild('a', []);
    expect(a.state.value()).toEqual([]);
  });

  it('an array state is indexed at its first upsert, not when it is created or read', () => {
    const store = new ProjectionStore();
    const p = store.create('p', [{ id: 'u1' }, { id: 'u2' }], fresh());
    const state = p.state as ArrayState;
    const index = () => (state as unknown as { index: unknown }).index;
    expect(state.value()).toEqual([{ id: 'u1' }, { id: 'u2' }]);
    expect(index()).toBeUndefined();
    store.update('p', event('Added', { id: 'u2', n: 1 }));
    expect(index()).toBeDefined();
    expect(state.value()).toEqual([{ id: 'u1' }, { id: 'u2', n: 1 }]);
  });

  it('an index that cannot be made is not left half made', () => {
    // A key whose identity cannot be taken, standing in for running out of memory part way.
    const bad = {
      id: Object.defineProperty({}, 'x', {
        enumerable: true,
        get: () => {
          throw new Error('boom');
        },
      }),
    };
    const state = new ArrayState([{ id: 'a' }, bad], 'id');
    expect(() => state.merge({ id: 'a', n: 1 })).toThrow('boom');
    // Made again from the start, not taken as made from the first element alone.
    expect(() => state.merge({ id: 'a', n: 1 })).toThrow('boom');
    expect(state.value()).toEqual([{ id: 'a' }, bad]);
  });
});
