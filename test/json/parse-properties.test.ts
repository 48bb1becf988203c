/** parseJsonExact and parseJson against JSON.parse, on generated texts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactNumber, canonicalDecimal } from '../../src/json/exact-number.js';
import { mayBeInexact, parseJson, parseJsonExact } from '../../src/json/parse.js';
import { expectSameJson } from '../support/json.js';

/** Replaces each ExactNumber by the double JSON.parse would have produced for its text. */
function toNative(value: unknown): unknown {
  if (value instanceof ExactNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(toNative);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNative(v)]));
  }
  return value;
}

/** Outcome of a parser on a text: the value, or the error's class name. */
function outcome(parse: (text: string) => unknown, text: string): { value: unknown } | { error: string } {
  try {
    return { value: parse(text) };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

describe('parseJsonExact against JSON.parse (properties)', () => {
  it('reads JSON.stringify output of any JSON value exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expectSameJson(parseJsonExact(text), JSON.parse(text));
        expectSameJson(parseJson(text), JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with JSON.parse on random JSON texts', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(outcome(parseJsonExact, text)).toStrictEqual(outcome(JSON.parse, text));
      }),
      { numRuns: 300 },
    );
  });

  const tokenSoup = fc
    .array(
      fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        ',',
        ':',
        '"',
        '\\',
        'u',
        '0',
        '1',
        '9',
        '-',
        '+',
        '.',
        'e',
        'E',
        'true',
        'fals',
        'null',
        'a',
        ' ',
        '\n',
        '\t',
        '\u0001',
        '\u00a0',
        '"ab"',
        '\\u00',
        '12345678901234567',
      ),
      { maxLength: 25 },
    )
    .map((parts) => parts.join(''));

  const mutatedJson = fc
    .tuple(
      fc.json(),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '"', ',', '}', ']', '\\', '0', '.', 'e', ' ', '\u0000')), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([text, edits]) =>
      // Each edit replaces 0 or 1 character at a position with the given (possibly empty) text.
      edits.reduce((t, [at, insert], k) => {
        const i = t.length === 0 ? 0 : at % (t.length + 1);
        return t.slice(0, i) + insert + t.slice(i + (k % 2));
      }, text),
    );

  it.each([
    ['arbitrary strings', fc.string()],
    ['arbitrary UTF-16 strings', fc.string({ unit: 'binary' })],
    ['token soup', tokenSoup],
    ['mutated JSON', mutatedJson],
  ])('accepts and rejects the same %s as JSON.parse', (_name, texts) => {
    fc.assert(
      fc.property(texts, (text) => {
        const exact = outcome(parseJsonExact, text);
        const native = outcome(JSON.parse, text);
        if ('error' in native) {
          expect(exact).toStrictEqual(native);
        } else {
          expect('value' in exact).toBe(true);
          if ('value' in exact) expectSameJson(toNative(exact.value), native.value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads every number lexeme as the exact parser does, whichever path the gate picks', () => {
    const lexeme = fc.stringMatching(/^-?(0|[1-9]\d{0,24})(\.\d{1,24})?([eE][+-]?\d{1,4})?$/);
    fc.assert(
      fc.property(lexeme, (text) => {
        expect(parseJson(text)).toEqual(parseJsonExact(text));
        expect(parseJson(`{"n":[${text}],"s":"id 42"}`)).toEqual(parseJsonExact(`{"n":[${text}],"s":"id 42"}`));
        // After long digit runs that are no reason for an exact parse: a number a double holds, and text in a string.
        const late = `{"at":1796199562,"s":"order 12345678","n":[${text}]}`;
        expect(parseJson(late)).toEqual(parseJsonExact(late));
      }),
      { numRuns: 2000 },
    );
  });

  it('asks for an exact parse only where a run of number characters may not fit a double', () => {
    expect(mayBeInexact('{"n":12345678901234567}')).toBe(true);
    expect(mayBeInexact('{"at":1796199562,"n":[1.5,2e400]}')).toBe(true);
    expect(mayBeInexact('{"at":1796199562,"n":-0.000000000000000001}')).toBe(true);
    // Runs of 16 digits and dots outside any number, with a long number a double holds.
    expect(mayBeInexact('{"at":1796199562,"s":"1.2.3.4.5.6.7.8.9 12345678","t":"v1.0.0.0.0.0.0.0.0"}')).toBe(false);
  });

  it('needs no exact parsing for numbers the gate lets through (15 digits, 2-digit exponent)', () => {
    const lexeme = fc
      .stringMatching(/^-?(0|[1-9]\d{0,14})(\.\d{1,14})?([eE][+-]?\d{1,2})?$/)
      .filter((text) => text.replace(/^-/, '').split(/[eE]/)[0]!.length <= 15);
    fc.assert(
      fc.property(lexeme, (text) => {
        expect(/\d[\d.]{15}|[eE][+-]?\d{3}/.test(text)).toBe(false);
        const n = Number(text);
        expect(Number.isFinite(n)).toBe(true);
        expect(canonicalDecimal(String(n))).toBe(canonicalDecimal(text));
      }),
      { numRuns: 500 },
    );
  });
});
