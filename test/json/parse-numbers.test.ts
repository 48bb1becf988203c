/** Numbers: which parseJson keeps exact and which become doubles; canonicalDecimal and ExactNumber. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactNumber, addToInteger, canonicalDecimal, compareIntegers } from '../../src/json/exact-number.js';
import { parseJson, parseJsonExact } from '../../src/json/parse.js';
import { expectExact } from '../support/json.js';

/** Writes m × 10^e as a JSON number lexeme, in exponent or plain form, with `pad` extra significand zeros. */
function decimalText(m: bigint, e: number, pad: number, plain: boolean): string {
  const sign = m < 0n ? '-' : '';
  const digits = m === 0n ? '0' : (m < 0n ? -m : m).toString() + '0'.repeat(pad);
  const exp = m === 0n ? e : e - pad;
  if (!plain) return `${sign}${digits}e${exp}`;
  if (exp >= 0) return sign + (m === 0n ? '0' : digits + '0'.repeat(exp));
  const padded = digits.padStart(1 - exp, '0');
  return `${sign}${padded.slice(0, padded.length + exp)}.${padded.slice(padded.length + exp)}`;
}

describe('parseJsonExact numbers', () => {
  it.each([
    ['9007199254740993', true],
    ['1234567890123456789012', true],
    ['-1234567890123456789012', true],
    ['12345678901234567890', true],
    ['1000000000000000000000', true],
    ['1e400', true],
    ['-1E+400', true],
    ['1e-400', false],
    ['2.5e-324', false],
    ['1.8e308', true],
    ['12345678901234567890.5', false],
    ['-0.10000000000000000001', false],
  ])('keeps %s exact', (text, isInteger) => {
    expectExact(parseJsonExact(text), text, isInteger);
    expectExact(parseJson(text), text, isInteger);
    expectExact((parseJson(`{"n":[${text}]}`) as { n: unknown[] }).n[0], text, isInteger);
  });

  it.each([
    ['1.0', 1],
    ['0.1', 0.1],
    ['1E2', 100],
    ['1e+2', 100],
    ['-12.5e-1', -1.25],
    ['1.0000000000000000000', 1],
    ['9007199254740992', 9007199254740992],
    ['100000000000000000000', 1e20],
    ['5e-324', 5e-324],
    ['1.7976931348623157e308', 1.7976931348623157e308],
    ['0.30000000000000004', 0.30000000000000004],
  ])('reads %s as the double %d', (text, expected) => {
    expect(parseJsonExact(text)).toBe(expected);
    expect(parseJson(text)).toBe(expected);
  });

  it('reads -0 as the double -0', () => {
    expect(Object.is(parseJsonExact('-0'), -0)).toBe(true);
    expect(Object.is(parseJsonExact('-0.0e500'), -0)).toBe(true);
    expect(Object.is(parseJson('-0'), -0)).toBe(true);
  });

  it('keeps long digit runs inside strings as strings', () => {
    expect(parseJson('{"s":"12345678901234567890","e":"1e400"}')).toStrictEqual({
      s: '12345678901234567890',
      e: '1e400',
    });
  });
});

describe('canonicalDecimal and ExactNumber', () => {
  it.each([
    ['12300', '123e2'],
    ['1.5', '15e-1'],
    ['1e400', '1e400'],
    ['10e399', '1e400'],
    ['100e398', '1e400'],
    ['1000e398', '1e401'],
    ['-0.10000000000000000001', '-10000000000000000001e-20'],
    ['0.0012300E+5', '123e0'],
    ['0', '0e0'],
    ['-0.000e-7', '0e0'],
    ['1e99999999999999999999', '1e99999999999999999999'],
    ['1e+21', '1e21'],
  ])('writes %s as %s', (text, canonical) => {
    expect(canonicalDecimal(text)).toBe(canonical);
    expect(new ExactNumber(text).canonical).toBe(canonical);
  });

  it.each(['', 'abc', '01', '+1', '.5', '1.', '1e', ' 1', '1 ', 'NaN', 'Infinity'])('rejects %j', (text) => {
    expect(() => canonicalDecimal(text)).toThrow(SyntaxError);
    expect(() => new ExactNumber(text)).toThrow(SyntaxError);
  });

  it.each([
    ['1e400', true],
    ['1.5', false],
    ['12345678901234567890', true],
    ['1.50e1', true],
    ['-10e-1', true],
    ['1e-400', false],
    ['0.0', true],
  ])('isInteger of %s is %s', (text, isInteger) => {
    expect(new ExactNumber(text).isInteger).toBe(isInteger);
  });

  it('gives one canonical string to every spelling of a value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -40, max: 40 }), (m, e) => {
        const expected = canonicalDecimal(decimalText(m, e, 0, false));
        for (const pad of [0, 1, 3]) {
          expect(canonicalDecimal(decimalText(m, e, pad, false))).toBe(expected);
          expect(canonicalDecimal(decimalText(m, e, pad, true))).toBe(expected);
        }
        expect(canonicalDecimal(decimalText(m, e, 2, true).replace('e', 'E+'))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('gives equal canonical strings exactly to equal values', () => {
    const decimal = fc.record({
      m: fc.bigInt({ min: -30n, max: 30n }),
      e: fc.integer({ min: -3, max: 3 }),
      pad: fc.integer({ min: 0, max: 3 }),
      plain: fc.boolean(),
    });
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const low = Math.min(a.e, b.e);
        const equal = a.m * 10n ** BigInt(a.e - low) === b.m * 10n ** BigInt(b.e - low);
        const same =
          canonicalDecimal(decimalText(a.m, a.e, a.pad, a.plain)) ===
          canonicalDecimal(decimalText(b.m, b.e, b.pad, b.plain));
        expect(same).toBe(equal);
      }),
      { numRuns: 500 },
    );
  });
});

describe('addToInteger and compareIntegers', () => {
  // Sizes on both sides of 10^15, where addToInteger leaves doubles for digits.
  const integer = fc.oneof(
    fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
    fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
    fc.constantFrom(10n ** 15n, -(10n ** 15n), 10n ** 15n - 1n, 10n ** 30n, -(10n ** 30n), 2n ** 31n),
  );
  const delta = fc.oneof(fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }), fc.integer({ min: -3, max: 3 }));

  it('adds as BigInt does, whatever sign and leading zeros the integer is written with', () => {
    fc.assert(
      fc.property(integer, delta, fc.constantFrom('', '+', '00'), (n, d, prefix) => {
        const text = n < 0n ? `-${prefix.replace('+', '')}${-n}` : `${prefix}${n}`;
        expect(addToInteger(text, d)).toBe(String(n + BigInt(d)));
      }),
      { numRuns: 2000 },
    );
    expect(addToInteger('999999999999999999', 1)).toBe('1000000000000000000');
    expect(addToInteger('-1000000000000000000', 1)).toBe('-999999999999999999');
    expect(addToInteger('-0', 0)).toBe('0');
  });

  it('orders as BigInt does', () => {
    fc.assert(
      fc.property(integer, integer, (a, b) => {
        expect(compareIntegers(String(a), String(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it('keeps an exponent of 100,000 digits exact', () => {
    const exponent = `9${'0'.repeat(99_998)}1`;
    expect(canonicalDecimal(`-12.5000e-${exponent}`)).toBe(`-125e-${exponent.slice(0, -1)}2`);
    expect(canonicalDecimal(`100e${'9'.repeat(100_000)}`)).toBe(`1e1${'0'.repeat(99_999)}1`);
  });
});
