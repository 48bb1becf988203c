/** parseJsonExact on objects and strings: duplicate and __proto__ keys, escapes, whitespace, deep nesting. */
import { describe, expect, it } from 'vitest';
import { parseJson, parseJsonExact } from '../../src/json/parse.js';
import { expectExact, expectSameJson } from '../support/json.js';

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
