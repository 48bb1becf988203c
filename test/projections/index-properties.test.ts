/** Declared indexes never change an answer: checked against a scan of the reference state. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayState } from '../../src/projections/array-state.js';
import { OPS, type Op } from '../../src/projections/ops.js';
import type { ProjectionEvent } from '../../src/projections/projection.js';
import { runQuery } from '../../src/projections/query.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { isObject } from '../support/json.js';
import { referenceApply } from '../support/reference.js';

const HANDLERS = new Map<string, Op>(OPS.map((op) => [op, op]));
/** Few values, so that many elements share one, and values of every JSON type. */
const TEAMS = ['a', 'b', 1, null, { x: 1 }, [1]] as const;
const team = fc.constantFrom(...TEAMS);

const eventData = fc.oneof(
  { weight: 8, arbitrary: fc.record({ id: fc.integer({ min: 0, max: 40 }), team }, { requiredKeys: ['id'] }) },
  { weight: 1, arbitrary: fc.record({ team }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.string({ maxLength: 2 })) },
);
const step = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.record({ op: fc.constantFrom<Op>(...OPS.filter((op) => op !== 'replace')), data: eventData }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant<Op>('replace'), data: fc.constantFrom([], {}, [{ id: 1, team: 'a' }]) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('rebuild' as const),
      events: fc.array(fc.record({ op: fc.constantFrom<Op>('merge', 'remove'), data: eventData }), { maxLength: 80 }),
    }),
  },
);

const copy = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const asEvent = ({ op, data }: { op: Op; data: unknown }): ProjectionEvent => ({
  event_type: op,
  event_data: copy(data),
});

/** The reference state's elements whose `field` is `value`, in order. */
function scan(state: unknown, field: string, value: unknown): unknown[] {
  if (!Array.isArray(state)) return [];
  return state.filter(
    (element) => isObject(element) && field in element && JSON.stringify(element[field]) === JSON.stringify(value),
  );
}

/** The reference state after `ops`, or undefined if one of them is refused. */
function fold(state: unknown, ops: readonly { op: Op; data: unknown }[]): unknown {
  let next = state;
  try {
    for (const { op, data } of ops) next = referenceApply(next, op, copy(data));
  } catch {
    return undefined;
  }
  return next;
}

describe('declared indexes (properties)', () => {
  // Indexes are made at first need: from an initial state (repeated ids included), and
  // after changes no query looked at, as well as step by step.
  const initial = fc.array(fc.record({ id: fc.integer({ min: 0, max: 40 }), team }), { maxLength: 30 });
  it('after any mix of updates, removes, replaces and rebuilds, where on an indexed field equals a scan', () => {
    fc.assert(
      fc.property(
        initial,
        fc.array(fc.tuple(step, fc.boolean()), { minLength: 30, maxLength: 120 }),
        (start, steps) => {
          const store = new ProjectionStore();
          const indexed = store.create('indexed', copy(start), { key: 'id', eventOps: HANDLERS, indexes: ['team'] });
          const scanned = store.create('scanned', copy(start), { key: 'id', eventOps: HANDLERS });
          let expected: unknown = copy(start);
          for (const [at, [action, look]] of steps.entries()) {
            if (action.op === 'rebuild') {
              const next = fold(copy(start), action.events);
              const events = action.events.map(asEvent);
              if (next === undefined) {
                expect(() => store.rebuild('indexed', events)).toThrow();
                continue;
              }
              store.rebuild('indexed', events);
              store.rebuild(
                'scanned',
                events.map((event) => copy(event) as ProjectionEvent),
              );
              expected = next;
            } else {
              const next = fold(expected, [action]);
              if (next === undefined) {
                expect(() => store.update('indexed', asEvent(action))).toThrow();
                continue;
              }
              store.update('indexed', asEvent(action));
              store.update('scanned', asEvent(action));
              expected = next;
            }
            if (!look && at < steps.length - 1) continue;
            for (const value of TEAMS) {
              const want = scan(expected, 'team', value);
              expect(runQuery(indexed, { where: [['team', value]] }).items).toEqual(want);
              expect(runQuery(scanned, { where: [['team', value]] }).items).toEqual(want);
              // The index itself, before a query checks what it gives: no stale slot, no missing one.
              const { state } = indexed;
              if (state instanceof ArrayState)
                expect(state.slotsWith('team', value)?.map((slot) => state.elementAt(slot))).toEqual(want);
            }
            for (const id of [0, 7, 40])
              expect(runQuery(indexed, { key: { value: id } }).items).toEqual(scan(expected, 'id', id));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
