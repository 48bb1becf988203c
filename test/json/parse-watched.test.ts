/** parseJsonWatched: the parse of a large line, which a watch on memory may stop. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LongMemberName,
  parseJson,
  parseJsonExact,
  parseJsonWatched,
  TooManyMembers,
  WATCH_INTERVAL,
} from '../../src/json/parse.js';
import { MAX_MEMBER_NAME_LENGTH, MAX_MEMBERS } from '../../src/json/value.js';

describe('parseJsonWatched', () => {
  it('gives what parseJson gives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseJsonWatched(text, () => {})).toStrictEqual(parseJson(text));
      }),
    );
  });

  it('calls its watch once per WATCH_INTERVAL values, containers and nested ones included', () => {
    const count = (text: string): number => {
      let calls = 0;
      parseJsonWatched(text, () => calls++);
      return calls;
    };
    // The array, then each element: one more value than elements.
    expect(count(`[${'{},'.repeat(WATCH_INTERVAL - 3)}{}]`)).toBe(0);
    expect(count(`[${'{},'.repeat(WATCH_INTERVAL - 2)}{}]`)).toBe(1);
    expect(count(`[${'1,'.repeat(3 * WATCH_INTERVAL - 1)}1]`)).toBe(3);
    // Containers that only open others count too: a deep text cannot grow unwatched.
    const depth = 2 * WATCH_INTERVAL;
    expect(count(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toBe(2);
  });

  it('stops at the first watch that throws, with what it threw', () => {
    const stop = new Error('no room');
    let calls = 0;
    const text = `[${'[],'.repeat(10 * WATCH_INTERVAL)}[]]`;
    expect(() =>
      parseJsonWatched(text, () => {
        if (++calls === 2) throw stop;
      }),
    ).toThrow(stop);
    expect(calls).toBe(2);
  });
  it('takes an object of MAX_MEMBERS members, repeated names counted, and stops at one more', () => {
    const text = `{${'"a":0,'.repeat(MAX_MEMBERS - 1)}"b":[{}]}`;
    expect(parseJsonWatched(text, () => {})).toEqual({ a: 0, b: [{}] });
    const over = `[${text.slice(0, -1)},"c":1}]`;
    expect(() => parseJsonWatched(over, () => {})).toThrow(TooManyMembers);
    // Only input is parsed watched; what the node itself wrote is read whatever its size.
    expect(parseJsonExact(over)).toEqual([{ a: 0, b: [{}], c: 1 }]);
  });
  it('takes member names of MAX_MEMBER_NAME_LENGTH characters, and stops at the first longer one', () => {
    const longest = 'n'.repeat(MAX_MEMBER_NAME_LENGTH);
    expect(parseJsonWatched(`{"${longest}":1}`, () => {})).toEqual({ [longest]: 1 });
    // Counted as decoded: an escape is one character of the name.
    const escaped = `[{"a":1},{"\\u006e${longest}":2}]`;
    expect(() => parseJsonWatched(escaped, () => {})).toThrow(LongMemberName);
    expect(parseJsonExact(escaped)).toEqual([{ a: 1 }, { [`n${longest}`]: 2 }]);
    // A string value of any length is not a name.
    expect(parseJsonWatched(`{"a":"${longest}n"}`, () => {})).toEqual({ a: `${longest}n` });
  });
});
