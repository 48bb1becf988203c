import { ExactNumber } from '../json/exact-number.js';
import { stringifyJson } from '../json/stringify.js';

type PrimitiveKey = number | boolean | null;

const COMPOSITE = Symbol('composite');

/**
 * A number, boolean or null as itself, for a Map, which sees -0 as 0. An ExactNumber
 * kept only for its digits (1000000000000000000000) becomes its double. Anything
 * else (strings have a table of their own) is COMPOSITE.
 */
function primitiveKey(value: unknown): PrimitiveKey | typeof COMPOSITE {
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return value;
  }
  if (value === null) return null;
  if (value instanceof ExactNumber) return value.asDouble() ?? COMPOSITE;
  return COMPOSITE;
}

/** Numbers no double holds compare by exact value; objects and arrays by their serialized text. */
function compositeKey(value: unknown): string {
  return value instanceof ExactNumber ? `number:${value.canonical}` : `json:${stringifyJson(value)}`;
}

/**
 * A Map keyed by JSON values, where two keys are the same when they have the same
 * JSON type and value. Strings and numbers, nearly every key and event id, are used
 * as they are, with no key string built per lookup.
 */
export class JsonKeyMap<V> {
  /** String keys, the most common: a prototype-less object looks them up faster than a Map. */
  private strings: Record<string, V> = Object.create(null) as Record<string, V>;
  private readonly primitives = new Map<PrimitiveKey, V>();
  private readonly composites = new Map<string, V>();

  get(key: unknown): V | undefined {
    if (typeof key === 'string') return this.strings[key];
    const primitive = primitiveKey(key);
    return primitive === COMPOSITE ? this.composites.get(compositeKey(key)) : this.primitives.get(primitive);
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  set(key: unknown, value: V): void {
    if (typeof key === 'string') {
      this.strings[key] = value;
      return;
    }
    const primitive = primitiveKey(key);
    if (primitive === COMPOSITE) this.composites.set(compositeKey(key), value);
    else this.primitives.set(primitive, value);
  }

  delete(key: unknown): void {
    if (typeof key === 'string') {
      delete this.strings[key];
      return;
    }
    const primitive = primitiveKey(key);
    if (primitive === COMPOSITE) this.composites.delete(compositeKey(key));
    else this.primitives.delete(primitive);
  }

  clear(): void {
    this.strings = Object.create(null) as Record<string, V>;
    this.primitives.clear();
    this.composites.clear();
  }
}
