import { expect } from 'vitest';
import { ExactNumber } from '../../src/json/exact-number.js';
import { parseJson } from '../../src/json/parse.js';
import { stringifyJson } from '../../src/json/stringify.js';
import { JsonFragment } from '../../src/json/value.js';

/** The JSON text of a state as a reply would carry it: a value, or the parts of its cached JSON. */
export function stateText(state: unknown): string {
  if (!(state instanceof JsonFragment)) return stringifyJson(state);
  return state.parts.map((part) => (typeof part === 'string' ? part : part.toString('utf8'))).join('');
}

/** The value a reply's state would parse back to. */
export function stateValue(state: unknown): unknown {
  return parseJson(stateText(state));
}

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality that also checks key order and tells -0 from 0. */
export function expectSameJson(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

/** `value` is an ExactNumber with this text, an integer or not. */
export function expectExact(value: unknown, text: string, isInteger: boolean): void {
  expect(value).toBeInstanceOf(ExactNumber);
  expect((value as ExactNumber).text).toBe(text);
  expect((value as ExactNumber).isInteger).toBe(isInteger);
}
