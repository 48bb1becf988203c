import { nodeCrypto } from '../builtins.js';
import { canonicalDecimal, ExactNumber } from './exact-number.js';

/**
 * V8 hashes a string of this many UTF-16 units or more by its length alone, so a Map
 * or dictionary of such keys degrades to a list. Longer keys are looked up by digest.
 */
export const LONG_STRING = 16_384;

/**
 * A fixed-size stand-in for a long string: SHA-256 of its UTF-16 units (lossless, unlike
 * UTF-8, for lone surrogates). Two strings share one with probability about 2^-128.
 */
export function digestOf(text: string): string {
  return nodeCrypto().createHash('sha256').update(text, 'utf16le').digest('base64');
}

/**
 * A text that two JSON values share exactly when they are the same value: members in
 * any order, numbers by value (1e400 = 10e399, 1.0 = 1), strings by content. The
 * leading character tells the JSON type, so no two types share a text.
 */
export function identityOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${JSON.stringify(value)}`;
    case 'number':
      return `n${canonicalDecimal(String(value))}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'object':
      if (value === null) return 'z';
      if (value instanceof ExactNumber) return `n${value.canonical}`;
      if (Array.isArray(value)) return `a[${value.map(identityOf).join(',')}]`;
      return `o{${Object.keys(value)
        .sort()
        .map((name) => `${JSON.stringify(name)}:${identityOf((value as Record<string, unknown>)[name])}`)
        .join(',')}}`;
    default:
      // Not a JSON value; JSON.stringify would drop it too.
      return 'u';
  }
}
