/** ArrayStream: an array's elements parsed a batch at a time from text in pieces, against parsing the whole. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayStream } from '../../src/json/array-stream.js';
import { ExactNumber } from '../../src/json/exact-number.js';
import { parseJson } from '../../src/json/parse.js';

/** Streams `text` (the array's text after its "[") in pieces cut at `cuts`; returns the elements and the tail. */
function stream(text: string, cuts: readonly number[], batch: number): { elements: unknown[]; tail: string } {
  const elements: unknown[] = [];
  const array = new ArrayStream((batchOf) => elements.push(...batchOf), 1 << 20, batch);
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const point of [...points, text.length]) {
    array.push(text.slice(from, point));
    from = point;
  }
  return { elements, tail: array.end() };
}

/** Strings that look like element ends to a guess: "}," and "]" inside strings and nested values. */
const tricky = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('},{', '"]', '\\', '}, {"a":1}]', '\\"},'),
  fc.array(fc.record({ a: fc.constantFrom('},', ']', '\\"'), b: fc.array(fc.jsonValue(), { maxLength: 3 }) })),
);

describe('ArrayStream', () => {
  it('gives the elements parseJson gives for the whole, and the text after the array, however the text is cut', () => {
    fc.assert(
      fc.property(
        fc.array(tricky, { maxLength: 30 }),
        fc.constantFrom('}}', ',"expected_version":3}}', ' } , "x" : [1] }'),
        fc.constantFrom('', ' ', '\n '),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        (values, tail, space, cuts, batch) => {
          const text = `${space}${values.map((value) => JSON.stringify(value)).join(`${space},${space}`)}${space}]${tail}`;
          const result = stream(text, cuts, batch);
          expect(result.elements).toEqual(parseJson(`[${values.map((value) => JSON.stringify(value)).join(',')}]`));
          expect(result.tail).toBe(tail);
        },
      ),
    );
  });

  it('keeps numbers a double cannot hold exactly as written', () => {
    const { elements } = stream('9007199254740993,{"n":1e400},0.10000000000000000001]}', [5, 17], 4);
    expect(elements.map((element) => (element instanceof ExactNumber ? element.text : element))).toEqual([
      '9007199254740993',
      { n: new ExactNumber('1e400') },
      '0.10000000000000000001',
    ]);
  });

  it('throws SyntaxError on text that is not an array of JSON values, wherever the fault is', () => {
    const faults = ['{"a":1},]}', '{"a":1},,{"b":2}]}', '{"a":}]}', '{"a":1}}]}', '{"a":"x]}', '1 2]}', ''];
    for (const text of faults) {
      for (const batch of [1, 3, 1000]) {
        expect(() => stream(`${text}${' '.repeat(50)}`, [7], batch), `${text} in batches of ${batch}`).toThrow(
          SyntaxError,
        );
      }
    }
  });

  it('holds at most its bound of unparsed text: a longer element is a RangeError', () => {
    const array = new ArrayStream(() => {}, 100, 10);
    expect(() => array.push(`{"a":"${'x'.repeat(200)}`)).toThrow(RangeError);
  });

  it('holds an element of up to its bound, whatever text after it comes in the same piece', () => {
    // 98 characters of element, then elements that pass the bound in all: only the element counts.
    const element = `{"a":"${'x'.repeat(90)}"}`;
    for (let cut = 1; cut < element.length; cut++) {
      const elements: unknown[] = [];
      const array = new ArrayStream((batch) => elements.push(...batch), element.length, 4);
      array.push(element.slice(0, cut));
      array.push(`${element.slice(cut)},${'1,'.repeat(60)}2]`);
      expect(array.end()).toBe('');
      expect(elements).toHaveLength(62);
    }
    // Until its end comes, an element held is all there is to count.
    const short = new ArrayStream(() => {}, element.length - 1, 4);
    short.push(element.slice(0, -1));
    expect(() => short.push('}')).toThrow(RangeError);
    // An element whose end comes with the piece that takes it past the bound is refused too.
    const long = `"${'y'.repeat(998)}"`;
    const array = new ArrayStream(() => {}, 100, 4);
    array.push(long.slice(0, 99));
    expect(() => array.push(`${long.slice(99)},1]`)).toThrow(RangeError);
  });
});
