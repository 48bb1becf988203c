/** The total order order_by sorts by, and the equality where and key match by. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/json/parse.js';
import { compareJson, sameJson, sameJsonAs } from '../../src/projections/json-order.js';

const exact = (text: string): unknown => parseJson(text);

describe('compareJson', () => {
  it('orders null < false < true < numbers < strings < arrays < objects', () => {
    const ascending = [
      null,
      false,
      true,
      -1,
      0,
      2.5,
      '',
      'a',
      'b',
      [],
      [1],
      [1, 2],
      [2],
      {},
      { a: 1 },
      { a: 2 },
      { b: 0 },
    ];
    const shuffled = [...ascending].reverse();
    expect(shuffled.sort(compareJson)).toEqual(ascending);
  });

  it('orders numbers by exact value, beyond what a double holds', () => {
    const texts = [
      '-1e400',
      '-9007199254740993',
      '-1',
      '0',
      '1e-400',
      '0.1',
      '0.10000000000000000001',
      '9007199254740992',
      '9007199254740993',
      '1e400',
    ];
    const values = texts.map(exact);
    for (let i = 0; i + 1 < values.length; i++) {
      expect(compareJson(values[i], values[i + 1]), `${texts[i]} < ${texts[i + 1]}`).toBe(-1);
      expect(compareJson(values[i + 1], values[i])).toBe(1);
    }
    expect(compareJson(exact('1e400'), exact('10e399'))).toBe(0);
    expect(compareJson(exact('1000000000000000000000'), 1e21)).toBe(0);
    expect(compareJson(-0, 0)).toBe(0);
  });

  it('orders strings by UTF-16 code units', () => {
    expect(['b', 'B', '\u{1F600}', '\uFFFF', 'a'].sort(compareJson)).toEqual(['B', 'a', 'b', '\u{1F600}', '\uFFFF']);
  });

  it('is a total order that is 0 exactly for the same JSON value', () => {
    const value = fc.jsonValue({ maxDepth: 2 });
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        expect(Math.sign(compareJson(a, b))).toBe(-Math.sign(compareJson(b, a)) || 0);
        expect(compareJson(a, b) === 0).toBe(sameJson(a, b));
        if (compareJson(a, b) <= 0 && compareJson(b, c) <= 0) expect(compareJson(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sameJson', () => {
  it('matches as keys do: same type, numbers by value, members in any order', () => {
    expect(sameJson(1, 1.0)).toBe(true);
    expect(sameJson(1, '1')).toBe(false);
    expect(sameJson(null, false)).toBe(false);
    expect(sameJson({ a: 1, b: [2] }, { b: [2], a: 1 })).toBe(true);
    expect(sameJson(exact('9007199254740993'), exact('9007199254740993'))).toBe(true);
    expect(sameJson(exact('9007199254740993'), 9007199254740992)).toBe(false);
    expect(sameJson(exact('1e400'), exact('10e399'))).toBe(true);
  });
});

describe('sameJsonAs', () => {
  it('answers as sameJson does, for any two values', () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom<unknown>(exact('1e400'), [1], { a: 1 }, [], {}),
    );
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameJsonAs(b)(a)).toBe(sameJson(a, b));
      }),
      { numRuns: 500 },
    );
    expect(sameJsonAs({ a: 1, b: [2] })({ b: [2], a: 1 })).toBe(true);
    expect(sameJsonAs([])({})).toBe(false);
    expect(sameJsonAs({})([])).toBe(false);
    expect(sameJsonAs([1])(exact('1'))).toBe(false);
  });
});
