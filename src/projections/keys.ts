import { ExactNumber } from '../json/exact-number.js';
import { stringifyJson } from '../json/stringify.js';

type PrimitiveKey = string | number | boolean | null;

const COMPOSITE = Symbol('composite');

/**
 * The value itself when a Map can use it as a key: Map already tells "1" from 1
 * and sees -0 as 0. An ExactNumber kept only for its digits (1000000000000000000000)
 * becomes its double. Anything else is COMPOSITE.
 */
function primitiveKey(value: unknown): PrimitiveKey | typeof COMPOSITE {
  switch (typeof value) {
    case 'string':
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
  private readonly primitives = new Map<PrimitiveKey, V>();
  private readonly composites = new Map<string, V>();

  get(key: unknown): V | undefined {
    const primitive = primitiveKey(key);
    return primitive === COMPOSITE ? this.composites.get(compositeKey(key)) : this.primitives.get(primitive);
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  set(key: unknown, value: V): void {
    const primitive = primitiveKey(key);
    if (primitive === COMPOSITE) this.composites.set(compositeKey(key), value);
    else this.primitives.set(primitive, value);
  }

  delete(key: unknown): void {
    const primitive = primitiveKey(key);
    if (primitive === COMPOSITE) this.composites.delete(compositeKey(key));
    else this.primitives.delete(primitive);
  }

  clear(): void {
    this.primitives.clear();
    this.composites.clear();
  }
}
