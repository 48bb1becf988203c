import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPS, type Op } from '../../src/projections/ops.js';
import type { ProjectionEvent } from '../../src/projections/projection.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { StateJsonCache } from '../../src/state-json/state-json.js';
import { stateText } from '../support/json.js';
import { referenceApply } from '../support/reference.js';

const HANDLERS = new Map<string, Op>(OPS.map((op) => [op, op]));

/** Few ids, so upserts and removes hit; enough of them that arrays pass the byte-cache threshold. */
const eventData = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ id: fc.integer({ min: 0, max: 120 }), name: fc.string({ maxLength: 20 }), n: fc.integer() }),
  },
  { weight: 1, arbitrary: fc.record({ id: fc.constantFrom('1', 1, '€') }) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
    ),
  },
);
const operation = fc.record({ op: fc.constantFrom<Op>(...OPS.filter((op) => op !== 'replace')), data: eventData });
const replaceOp = fc.record({
  op: fc.constant<Op>('replace'),
  data: fc.oneof(fc.constant([]), fc.constant({}), fc.constant(0)),
});
const operations = fc.array(fc.oneof({ weight: 20, arbitrary: operation }, { weight: 1, arbitrary: replaceOp }), {
  minLength: 60,
  maxLength: 200,
});
const initialState = fc.oneof(
  // Past the element count where arrays keep their JSON as bytes.
  { weight: 3, arbitrary: fc.array(eventData, { minLength: 35, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.array(eventData, { maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, 's') },
);

const copy = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const asEvent = ({ op, data }: { op: Op; data: unknown }): ProjectionEvent => ({
  event_type: op,
  event_data: copy(data),
});

describe('projection state (properties)', () => {
  it('after any mix of ops, the cached JSON is byte-for-byte a fresh serialization of the reference state', () => {
    fc.assert(
      fc.property(initialState, operations, (initial, ops) => {
        const store = new ProjectionStore();
        const json = new StateJsonCache();
        store.create('p', copy(initial), { key: 'id', eventOps: HANDLERS });
        let expected = copy(initial);
        let version = 0;
        for (const step of ops) {
          let next: unknown;
          try {
            next = referenceApply(expected, step.op, copy(step.data));
          } catch {
            expect(() => store.update('p', asEvent(step))).toThrow();
            continue;
          }
          const { projection } = store.update('p', asEvent(step));
          expected = next;
          version++;
          expect(projection.version).toBe(version);
          expect(stateText(json.of(projection).json())).toBe(JSON.stringify(expected));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rebuild(events) gives the same state and version as create followed by the same updates', () => {
    fc.assert(
      fc.property(initialState, operations, (initial, ops) => {
        const updated = new ProjectionStore();
        updated.create('p', copy(initial), { key: 'id', eventOps: HANDLERS });
        const accepted: ProjectionEvent[] = [];
        for (const step of ops) {
          try {
            updated.update('p', asEvent(step));
            accepted.push(asEvent(step));
          } catch {
            // Refused updates change nothing, so the rebuild replays only the accepted ones.
          }
        }
        const rebuilt = new ProjectionStore();
        rebuilt.create('p', copy(initial), { key: 'id', eventOps: HANDLERS });
        rebuilt.update('p', { event_type: 'ignore', event_data: 'noise before the rebuild' });
        expect(rebuilt.rebuild('p', accepted).eventsProcessed).toBe(accepted.length);
        const [a, b] = [updated.read('p'), rebuilt.read('p')];
        expect(b.version).toBe(a.version);
        expect(b.state.value()).toEqual(a.state.value());
      }),
      { numRuns: 100 },
    );
  });
});
