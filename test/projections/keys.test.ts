import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/json/parse.js';
import { JsonKeyMap } from '../../src/projections/keys.js';

describe('JsonKeyMap', () => {
  it('keys by JSON type and value', () => {
    const map = new JsonKeyMap<string>();
    map.set('1', 'string');
    map.set(1, 'number');
    map.set(true, 'boolean');
    map.set(null, 'null');
    map.set({ a: [1] }, 'object');
    expect([map.get('1'), map.get(1), map.get(-0 + 1), map.get(true), map.get(null), map.get({ a: [1] })]).toEqual([
      'string',
      'number',
      'number',
      'boolean',
      'null',
      'object',
    ]);
    expect(map.get('true')).toBeUndefined();
    expect(map.get('null')).toBeUndefined();
    expect(map.get('json:{"a":[1]}')).toBeUndefined();
  });

  it('compares exact numbers by value, and an exact integer a double holds as that double', () => {
    const map = new JsonKeyMap<string>();
    map.set(parseJson('1e400'), 'huge');
    map.set(parseJson('1000000000000000000000'), 'digits');
    expect(map.get(parseJson('10e399'))).toBe('huge');
    expect(map.get(1e21)).toBe('digits');
    expect(map.get('number:1e400')).toBeUndefined();
    map.delete(parseJson('100e398'));
    expect(map.has(parseJson('1e400'))).toBe(false);
    expect(map.has(1e21)).toBe(true);
  });

  it('keeps string keys that name Object.prototype members as plain keys', () => {
    const map = new JsonKeyMap<number>();
    for (const [index, key] of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', ''].entries()) {
      expect(map.get(key)).toBeUndefined();
      map.set(key, index);
    }
    expect(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', ''].map((key) => map.get(key))).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    expect(map.get(0)).toBeUndefined();
    map.delete('__proto__');
    expect(map.has('__proto__')).toBe(false);
    map.clear();
    expect(map.has('constructor')).toBe(false);
  });
});
