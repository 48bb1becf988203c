import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ExactNumber, canonicalDecimal } from '../../src/json/exact-number.js';
import { parseJson, parseJsonExact } from '../../src/json/parse.js';

/** Deep equality that also checks key order and tells -0 from 0. */
function expectSameJson(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

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

function expectExact(value: unknown, text: string, isInteger: boolean): void {
  expect(value).toBeInstanceOf(ExactNumber);
  expect((value as ExactNumber).text).toBe(text);
  expect((value as ExactNumber).isInteger).toBe(isInteger);
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

describe('parseJsonExact objects and strings', () => {
  it('lets the last duplicate key win at the first key position', () => {
    const value = parseJsonExact('{"a":1,"b":2,"a":3}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['a', 'b']);
    expect(value).toStrictEqual({ a: 3, b: 2 });
  });

  it('makes "__proto__" an own data property without touching any prototype', () => {
    const value = parseJsonExact('{"__proto__":{"x":1},"y":2}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')).toStrictEqual({
      value: { x: 1 },
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect(Object.keys(value)).toEqual(['__proto__', 'y']);
    expect((value as { x?: unknown }).x).toBeUndefined();
    expect(({} as { x?: unknown }).x).toBeUndefined();
    expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse('{"__proto__":{"x":1},"y":2}')));
  });

  it('keeps the first position of a repeated "__proto__" key and its last value', () => {
    const text = '{"__proto__":1,"a":2,"__proto__":[3]}';
    const value = parseJsonExact(text) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual([3]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('decodes every escape and keeps lone surrogates', () => {
    const text = '"q\\" s\\\\ sl\\/ b\\b f\\f n\\n r\\r t\\t u\\u0041\\u00e9\\uD83D\\ude00 end"';
    expect(parseJsonExact(text)).toBe(JSON.parse(text));
    expect(parseJsonExact(text)).toBe('q" s\\ sl/ b\b f\f n\n r\r t\t uAé😀 end');
    const lone = parseJsonExact('"\\ud800"') as string;
    expect(lone.length).toBe(1);
    expect(lone.charCodeAt(0)).toBe(0xd800);
    expect(parseJsonExact('"x\udc00y"')).toBe('x\udc00y');
  });

  it('accepts the four whitespace characters anywhere between tokens', () => {
    const text = ' \t\n\r[ 1 ,\t{ "a" :\ntrue ,"b":[ ] } ,"s" ,null,false ]\r\n\t ';
    expectSameJson(parseJsonExact(text), JSON.parse(text));
  });

  it('parses 200,000 nested arrays without recursion', () => {
    const depth = 200_000;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    let level = parseJsonExact(text) as unknown[];
    let seen = 1;
    while (level.length === 1) {
      level = level[0] as unknown[];
      seen++;
    }
    expect(seen).toBe(depth);
    expect(level).toEqual([]);
  });

  it('parses 200,000 nested objects without recursion', () => {
    const depth = 200_000;
    const text = `${'{"a":'.repeat(depth)}12345678901234567890${'}'.repeat(depth)}`;
    let level = parseJson(text);
    let seen = 0;
    while (level !== null && typeof level === 'object' && 'a' in level) {
      level = level.a;
      seen++;
    }
    expect(seen).toBe(depth);
    expectExact(level, '12345678901234567890', true);
  });
});

describe('parseJsonExact errors', () => {
  it.each([
    '',
    ' ',
    '[',
    ']',
    '}',
    '[1,2',
    '{"a":1',
    '{"a"',
    '{"a":',
    '"abc',
    '"\\',
    '[1,]',
    '{"a":1,}',
    '[1,,2]',
    '{,}',
    '[1 2]',
    '{"a" 1}',
    '{a:1}',
    "{'a':1}",
    "'a'",
    '01',
    '-01',
    '00',
    '+1',
    '.5',
    '1.',
    '1.e5',
    '1e',
    '1e+',
    '-',
    '-a',
    '0x10',
    'NaN',
    'Infinity',
    '-Infinity',
    'undefined',
    'tru',
    'nul',
    'True',
    'falsey',
    '[1] x',
    '{} {}',
    '1 2',
    '"a"b',
    '"a\u0001b"',
    '"\n"',
    '"\t"',
    '"\u001f"',
    '"\\x"',
    '"\\u12g4"',
    '"\\u12"',
    '"\\U0041"',
    '\u00a01',
    '\v1',
    '\f1',
    '1\u2028',
  ])('rejects %j', (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => parseJsonExact(text)).toThrow(SyntaxError);
    expect(() => parseJson(text)).toThrow(SyntaxError);
  });

  it.each([
    ['{"a":1,}', 'Unexpected token } in JSON at position 7'],
    ['[1,2', 'Unexpected end of JSON input'],
    ['', 'Unexpected end of JSON input'],
    ['[1] x', 'Unexpected token x in JSON at position 4'],
    ['"a\nb"', 'Bad control character in string literal in JSON at position 2'],
    ['"\\x"', 'Bad escaped character in JSON at position 2'],
    ['[\u0001]', 'Unexpected token U+0001 in JSON at position 1'],
  ])('names what and where for %j', (text, message) => {
    expect(() => parseJsonExact(text)).toThrow(new SyntaxError(message));
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
      }),
      { numRuns: 2000 },
    );
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
