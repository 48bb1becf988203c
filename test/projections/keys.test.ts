import { describe, expect, it, vi } from 'vitest';
import { parseJson } from '../../src/json/parse.js';
import fc from 'fast-check';
import { KeyIndex } from '../../src/projections/key-index.js';
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

  it('compares objects and arrays as JSON values: members in any order, numbers by value', () => {
    const map = new JsonKeyMap<string>();
    map.set(parseJson('{"a":1,"b":[2,{"c":1e400}]}'), 'object');
    map.set(parseJson('[1e400, 1.0]'), 'array');
    expect(map.get(parseJson('{"b":[2,{"c":10e399}],"a":1.0}'))).toBe('object');
    expect(map.get(parseJson('[10e399, 1]'))).toBe('array');
    expect(map.get(parseJson('[1, 1e400]'))).toBeUndefined();
    expect(map.get(parseJson('{"a":"1","b":[2,{"c":1e400}]}'))).toBeUndefined();
    expect(map.get(parseJson('[0.10000000000000000001]'))).toBeUndefined();
  });

  it('keeps long strings apart, at and around the length V8 stops hashing', () => {
    const map = new JsonKeyMap<number>();
    const keys = [16_383, 16_384, 16_385].flatMap((length) => [
      `${'x'.repeat(length - 1)}a`,
      `${'x'.repeat(length - 1)}b`,
      `${'x'.repeat(length - 1)}\ud800`,
      `${'x'.repeat(length - 1)}\ud801`,
    ]);
    for (const [index, key] of keys.entries()) map.set(key, index);
    expect(keys.map((key) => map.get(key.slice(0, -1) + key.slice(-1)))).toEqual(keys.map((_, index) => index));
    map.delete(keys[5]);
    expect(map.has(keys[5])).toBe(false);
    expect(map.has(keys[4])).toBe(true);
  });

  it('never hands a Map or its string table a key V8 would hash by length alone', () => {
    const seen: number[] = [];
    const set = Map.prototype.set;
    const spy = vi.spyOn(Map.prototype, 'set').mockImplementation(function (this: Map<unknown, unknown>, key, value) {
      if (typeof key === 'string') seen.push(key.length);
      return set.call(this, key, value);
    });
    try {
      const map = new JsonKeyMap<number>();
      for (let i = 0; i < 50; i++) {
        map.set('y'.repeat(20_000) + String(i), i);
        map.set([`${'z'.repeat(20_000)}${i}`], i);
      }
    } finally {
      spy.mockRestore();
    }
    expect(seen.length).toBe(100);
    expect(Math.max(...seen)).toBeLessThan(16_384);
  });
  it('keys numbers by their text, never handing a Map a number (V8 hashes numbers without a seed)', () => {
    const keys: unknown[] = [];
    const set = Map.prototype.set;
    vi.spyOn(Map.prototype, 'set').mockImplementation(function (this: Map<unknown, unknown>, key, value) {
      keys.push(key);
      return set.call(this, key, value);
    });
    const map = new JsonKeyMap<string>();
    for (const [value, name] of [
      [-0, 'zero'],
      [2.5e-238, 'tiny'],
      [parseJson('1e21'), 'big'],
      [parseJson('1e400'), 'huge'],
      [false, 'false'],
    ] as const)
      map.set(value, name);
    expect([map.get(0), map.get(parseJson('25e-239')), map.get(1e21), map.get(parseJson('1E+21'))]).toEqual([
      'zero',
      'tiny',
      'big',
      'big',
    ]);
    expect([map.get('0'), map.get('1e+21'), map.get(1), map.get(null)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect([...map.values()].sort()).toEqual(['big', 'false', 'huge', 'tiny', 'zero']);
    expect(keys.some((key) => typeof key === 'number')).toBe(false);
    map.delete(-0);
    expect(map.has(0)).toBe(false);
  });
});

describe('KeyIndex', () => {
  it('keeps the slots of each key in order through any mix of adds and removals of the first', () => {
    // Long runs of one key, so that the slots taken from the front pass the point where they are dropped.
    const step = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('a', 'b', 1).map((key) => ({ add: key })) },
      { weight: 2, arbitrary: fc.constantFrom('a', 'b', 1).map((key) => ({ remove: key })) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
        const index = new KeyIndex();
        const model = new Map<unknown, number[]>();
        steps.forEach((s, slot) => {
          if ('add' in s) {
            index.add(s.add, slot);
            model.set(s.add, [...(model.get(s.add) ?? []), slot]);
          } else {
            index.removeFirst(s.remove);
            model.set(s.remove, (model.get(s.remove) ?? []).slice(1));
          }
        });
        for (const key of ['a', 'b', 1]) {
          expect(index.slotsOf(key)).toEqual(model.get(key) ?? []);
          expect(index.firstSlotOf(key)).toBe(model.get(key)?.[0]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
