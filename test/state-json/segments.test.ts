import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/json/parse.js';
import { stringifyJson } from '../../src/json/stringify.js';
import { cloneJson, type JsonFragment } from '../../src/json/value.js';
import { OPS, type Op } from '../../src/projections/ops.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { StateJsonCache } from '../../src/state-json/state-json.js';
import { stateText } from '../support/json.js';
import { referenceApply } from '../support/reference.js';

const HANDLERS = new Map<string, Op>(OPS.map((op) => [op, op]));

/**
 * Elements up to a few KiB, so that a state of 32 to 100 of them spans several
 * segments; text with characters of 1 to 4 UTF-8 bytes, so that an upsert changes
 * an element's length in bytes, not only in characters.
 */
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc
    .tuple(fc.constantFrom('a', 'é', '€', '😀', '"', '\n'), fc.integer({ min: 0, max: 1500 }))
    .map(([unit, count]) => unit.repeat(count)),
);
const element = fc.oneof(
  { weight: 8, arbitrary: fc.record({ id: fc.integer({ min: 0, max: 40 }), pad: text }) },
  { weight: 1, arbitrary: fc.record({ id: fc.integer({ min: 0, max: 40 }), n: fc.integer() }) },
  // Digits a double cannot hold: written back as they came.
  { weight: 1, arbitrary: fc.constant(parseJson('{"id":7,"big":123456789012345678901234567890}')) },
  { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.string({ maxLength: 3 }), fc.integer()) },
);
const step = fc.oneof(
  { weight: 30, arbitrary: fc.record({ op: fc.constantFrom<Op>('merge', 'append', 'remove'), data: element }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant<Op>('replace'), data: fc.constant([]) }) },
);
/** Each step is read after it or not: the JSON is built lazily, and then follows the changes it did not see. */
const steps = fc.array(fc.tuple(step, fc.boolean()), { minLength: 40, maxLength: 160 });
const initialState = fc.array(element, { minLength: 32, maxLength: 100 });

describe('the cached JSON of array states, in segments', () => {
  it('after any mix of upserts, appends and removes, is byte for byte the JSON of the reference state', () => {
    fc.assert(
      fc.property(initialState, steps, (initial, mix) => {
        const store = new ProjectionStore();
        const json = new StateJsonCache();
        const projection = store.create('p', cloneJson(initial), { key: 'id', eventOps: HANDLERS });
        let expected: unknown = cloneJson(initial);
        /** Every JSON handed out, with its text then: a pending write must never see it change. */
        const handedOut: [JsonFragment, string][] = [];
        const check = (): void => {
          const fragment = json.of(projection).json();
          const text = stringifyJson(expected);
          expect(stateText(fragment)).toBe(text);
          expect([text.length, Buffer.byteLength(text)]).toContain(json.of(projection).length());
          handedOut.push([fragment, text]);
        };
        check();
        for (const [{ op, data }, read] of mix) {
          let next: unknown;
          try {
            next = referenceApply(expected, op, cloneJson(data));
          } catch {
            expect(() => store.update('p', { event_type: op, event_data: cloneJson(data) })).toThrow();
            continue;
          }
          store.update('p', { event_type: op, event_data: cloneJson(data) });
          expected = next;
          if (read) check();
        }
        check();
        for (const [fragment, text] of handedOut) expect(stateText(fragment)).toBe(text);
      }),
      { numRuns: 40 },
    );
  });

  it('says its length in UTF-8 bytes, brackets included, while elements are removed from the front', () => {
    const store = new ProjectionStore();
    const json = new StateJsonCache();
    // About 6 KB each: the first few removes empty the first segment while others remain.
    const elements = Array.from({ length: 40 }, (_, id) => ({ id, pad: '€'.repeat(2000) }));
    const projection = store.create('p', cloneJson(elements), { key: 'id', eventOps: HANDLERS });
    expect(json.of(projection).length()).toBe(Buffer.byteLength(JSON.stringify(elements)));
    for (let id = 0; id < 40; id++) {
      store.update('p', { event_type: 'remove', event_data: { id } });
      const left = elements.slice(id + 1);
      // Under 32 elements the state is serialized per request, and its length counted in characters.
      if (left.length >= 32) expect(json.of(projection).length()).toBe(Buffer.byteLength(JSON.stringify(left)));
      expect(stateText(json.of(projection).json())).toBe(JSON.stringify(left));
    }
    expect(json.of(projection).length()).toBe(2);
  });

  it('rewrites only the segment that holds an upserted element, and sends the others as they were', () => {
    const store = new ProjectionStore();
    const json = new StateJsonCache();
    const elements = Array.from({ length: 2000 }, (_, i) => ({ id: `u${i}`, n: 0 }));
    const projection = store.create('p', cloneJson(elements), { key: 'id', eventOps: HANDLERS });
    const before = json.of(projection).json().parts;
    store.update('p', { event_type: 'merge', event_data: { id: 'u1000', n: 123456 } });
    const after = json.of(projection).json();
    elements[1000] = { id: 'u1000', n: 123456 };
    expect(stateText(after)).toBe(JSON.stringify(elements));
    // The same bytes: a view of the same memory, not a copy.
    const same = (a: unknown, b: unknown): boolean =>
      a === b || (a instanceof Buffer && b instanceof Buffer && a.buffer === b.buffer && a.byteOffset === b.byteOffset);
    expect(after.parts.length).toBe(before.length);
    expect(before.length).toBeGreaterThan(3);
    expect(after.parts.filter((part, i) => !same(part, before[i]))).toHaveLength(1);
  });
});
