/** parseJsonExact refuses what JSON.parse refuses, naming what and where. */
import { describe, expect, it } from 'vitest';
import { parseJson, parseJsonExact } from '../../src/json/parse.js';

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
