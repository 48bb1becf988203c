import { canonicalDecimal, ExactNumber } from '../json/exact-number.js';
import { stringifyJson } from '../json/stringify.js';

/**
 * A string that two JSON values share exactly when they have the same JSON type and
 * value, so keys and event ids can live in a Map or Set. Numbers compare by exact
 * decimal value; objects and arrays by their serialized text.
 */
export function keyOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s:${value}`;
    case 'number':
      return `n:${value}`;
    case 'boolean':
      return `b:${value}`;
  }
  if (value === null) return 'null';
  if (value instanceof ExactNumber) return exactNumberKey(value);
  return `j:${stringifyJson(value)}`;
}

/** An ExactNumber kept only for its digits (1000000000000000000000) shares the key of its double. */
function exactNumberKey(number: ExactNumber): string {
  const double = Number(number.text);
  return Number.isFinite(double) && canonicalDecimal(String(double)) === number.canonical ? `n:${double}` : `x:${number.canonical}`;
}
