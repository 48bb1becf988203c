import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayHoldLongMemberName } from '../../src/json/long-names.js';
import { MAX_MEMBER_NAME_LENGTH } from '../../src/json/value.js';
import { parseWithinMemory } from '../../src/maelstrom/parse-room.js';

const LONGEST = MAX_MEMBER_NAME_LENGTH;

/** Long text in pieces that are hard on a quote scan: quotes and backslashes (written escaped), and colons. */
const piece = fc.constantFrom('a', '"', '\\', ':', '":', '\\"', ' ', '}', 'é', '\u2028');

/** Pieces JSON.stringify writes as they are, so that the text is as long as the string. */
const plainPiece = fc.constantFrom('a', ':', ' ', '}', 'é');

/** A string of `min` to `max` characters (as decoded) built from pieces. */
const longString = (min: number, max: number, pieces = piece) =>
  fc.tuple(fc.array(pieces, { minLength: 1, maxLength: 30 }), fc.integer({ min, max })).map(([pieces, length]) => {
    const unit = pieces.join('');
    return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  });

/** Whitespace between tokens, as JSON.stringify indents. */
const space = fc.constantFrom(undefined, 1, '\t');

/** JSON text for `v`; an indented one has whitespace after each colon and between members. */
const textOf = (v: unknown, indent: string | number | undefined): string => JSON.stringify(v, null, indent);

/** A JSON value: members and strings of any length, names as `names` makes them. */
const value = (names: fc.Arbitrary<string>) =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.integer(),
      longString(0, 40_000),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(names, tie('value')), { maxLength: 4 }).map((members) => Object.fromEntries(members)),
    ),
  })).value;

describe('mayHoldLongMemberName', () => {
  it('says true for every text that holds a member name of more than 16,383 characters', () => {
    const longName = longString(LONGEST + 1, LONGEST + 30_000);
    fc.assert(
      fc.property(value(fc.oneof(fc.string(), longName)), longName, space, (v, name, indent) => {
        // One long name at least, somewhere inside.
        const text = textOf([v, { [name]: v }], indent);
        expect(mayHoldLongMemberName(text)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('says false for texts whose names are at most 16,383 characters, long strings and all', () => {
    const name = fc.oneof(fc.string(), longString(LONGEST - 5, LONGEST, plainPiece));
    fc.assert(
      fc.property(value(name), space, (v, indent) => {
        const text = textOf(v, indent);
        // Its false alarms need a name written in more than 16,383 characters, or 16,384 characters
        // outside strings and then a string that starts with ":": these texts have neither.
        expect(mayHoldLongMemberName(text)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('finds a name whatever escapes it holds, and only a name', () => {
    const name = (unit: string) => unit.repeat(Math.ceil((LONGEST + 1) / JSON.parse(`"${unit}"`).length));
    for (const unit of ['n', '\\"', '\\\\', '\\\\\\"', '\\u0041', '":']) {
      const raw = unit === '":' ? '\\":' : unit;
      const text = `{"a":1,"${name(raw)}"  :2}`;
      expect(JSON.parse(text)).toBeTypeOf('object');
      expect(mayHoldLongMemberName(text)).toBe(true);
      // The same string as a value.
      expect(mayHoldLongMemberName(`{"a":"${name(raw)}","b":2}`)).toBe(false);
    }
    expect(mayHoldLongMemberName(`{"${'n'.repeat(LONGEST)}":1}`)).toBe(false);
    // Only the text is looked at: a name of 16,383 characters written in more is a false alarm, which the parse takes.
    const escaped = `{"${'\\u0041'.repeat(LONGEST)}":1}`;
    expect(mayHoldLongMemberName(escaped)).toBe(true);
    expect(parseWithinMemory(escaped, undefined)).toEqual({ ['A'.repeat(LONGEST)]: 1 });
  });
});
