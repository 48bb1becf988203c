import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ExactNumber, canonicalDecimal } from '../../src/json/exact-number.js';
import { parseJson } from '../../src/json/parse.js';
import { stringifyJson } from '../../src/json/stringify.js';
import { nestsDeeperThan } from '../../src/json/value.js';

/** Replaces numbers by ExactNumbers of their own JavaScript text wherever `pick` says so. */
function withExactNumbers(value: unknown, pick: () => boolean): unknown {
  if (typeof value === 'number') return pick() ? new ExactNumber(String(value)) : value;
  if (Array.isArray(value)) return value.map((v) => withExactNumbers(v, pick));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withExactNumbers(v, pick)]));
  }
  return value;
}

describe('stringifyJson', () => {
  it.each([
    ['9007199254740993', '9007199254740993'],
    [
      '{"id":1234567890123456789012, "n":[-1e400,1e-400,0.1,-0,1.0]}',
      '{"id":1234567890123456789012,"n":[-1e400,1e-400,0.1,0,1]}',
    ],
    [
      '[12345678901234567890.5,"12345678901234567890",{"__proto__":1E+400}]',
      '[12345678901234567890.5,"12345678901234567890",{"__proto__":1E+400}]',
    ],
    ['-0.10000000000000000001', '-0.10000000000000000001'],
  ])('writes %s back as %s', (text, expected) => {
    expect(stringifyJson(parseJson(text))).toBe(expected);
  });

  it('writes the raw number text where JSON.stringify would write the number', () => {
    const value = {
      a: new ExactNumber('1e400'),
      b: [new ExactNumber('-12345678901234567890'), 'x', null, true],
      c: 0.5,
    };
    expect(stringifyJson(value)).toBe('{"a":1e400,"b":[-12345678901234567890,"x",null,true],"c":0.5}');
    expect(stringifyJson(new ExactNumber('9007199254740993'))).toBe('9007199254740993');
  });

  it('writes an own "__proto__" key as an ordinary key on both paths', () => {
    for (const text of ['{"__proto__":{"x":1},"y":[2]}', '{"__proto__":{"x":1e400},"y":[2]}']) {
      expect(stringifyJson(parseJson(text))).toBe(text);
    }
  });

  it('drops undefined members and writes undefined elements as null, like JSON.stringify', () => {
    const exact = new ExactNumber('1e400');
    expect(stringifyJson({ a: undefined, b: exact, c: () => 1 })).toBe('{"b":1e400}');
    expect(stringifyJson([undefined, exact, () => 1])).toBe('[null,1e400,null]');
    expect(stringifyJson([Infinity, NaN, -0, exact])).toBe('[null,null,0,1e400]');
  });

  it('keeps the native output after a call that needed the slow writer', () => {
    expect(stringifyJson([new ExactNumber('1e400')])).toBe('[1e400]');
    expect(stringifyJson([1e300, 'a'])).toBe('[1e+300,"a"]');
  });

  it('lets no plain JSON.stringify write an ExactNumber as anything else', () => {
    expect(() => JSON.stringify({ n: new ExactNumber('1e400') })).toThrow(
      'an ExactNumber can only be written by stringifyJson',
    );
    expect(Object.getOwnPropertyNames(ExactNumber.prototype)).toContain('toJSON');
  });
});

describe('stringifyJson (properties)', () => {
  it('equals JSON.stringify for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stringifyJson(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('equals JSON.stringify when numbers are replaced by ExactNumbers of the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (value, choices) => {
        let k = 0;
        const mixed = withExactNumbers(value, () => choices[k++ % choices.length] === true);
        expect(stringifyJson(mixed)).toBe(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('writes back every integer with exactly the same digits', () => {
    const integers = fc.oneof(
      fc.bigInt(),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
      fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
    );
    fc.assert(
      fc.property(integers, (n) => {
        const text = n.toString();
        expect(stringifyJson(parseJson(text))).toBe(text);
        expect(stringifyJson(parseJson(`{"id":${text},"ids":[${text}]}`))).toBe(`{"id":${text},"ids":[${text}]}`);
      }),
      { numRuns: 500 },
    );
  });

  it('writes back every decimal lexeme with exactly the same value', () => {
    const lexeme = fc.stringMatching(/^-?(0|[1-9]\d{0,30})(\.\d{1,30})?([eE][+-]?\d{1,3})?$/);
    fc.assert(
      fc.property(lexeme, (text) => {
        const out = stringifyJson(parseJson(text));
        expect(canonicalDecimal(out)).toBe(canonicalDecimal(text));
        expect(stringifyJson(parseJson(`[${text}]`))).toBe(`[${out}]`);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the digits of an integer from 1e21 up, which a double would print as 1e+21', () => {
    expect(parseJson('1000000000000000000000')).toBeInstanceOf(ExactNumber);
    expect(stringifyJson(parseJson('1000000000000000000000'))).toBe('1000000000000000000000');
    expect(stringifyJson(parseJson('1e21'))).toBe('1e+21');
  });
});

describe('nestsDeeperThan', () => {
  // Titled by stringifyJson: vitest's %j is JSON.stringify, which no ExactNumber lets write it.
  it.each(
    (
      [
        [1, 0, false],
        [[], 0, true],
        [[], 1, false],
        [{ a: [1, { b: [] }] }, 3, true],
        [{ a: [1, { b: [] }] }, 4, false],
        [[[], [[[]]]], 3, true],
        [{ n: parseJson('1e400') }, 1, false],
      ] as [unknown, number, boolean][]
    ).map(([value, limit, expected]) => [stringifyJson(value), value, limit, expected] as const),
  )('%s deeper than %d: %s', (_, value, limit, expected) => {
    expect(nestsDeeperThan(value, limit)).toBe(expected);
  });

  it('stops at the limit on a value nested 200,000 levels deep', () => {
    const deep = parseJson('['.repeat(200_000) + ']'.repeat(200_000));
    expect(nestsDeeperThan(deep, 1000)).toBe(true);
    const exactly1000 = parseJson('['.repeat(1000) + ']'.repeat(1000));
    expect(nestsDeeperThan(exactly1000, 1000)).toBe(false);
    expect(nestsDeeperThan([exactly1000], 1000)).toBe(true);
  });
});
