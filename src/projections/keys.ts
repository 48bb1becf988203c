import { ExactNumber } from '../json/exact-number.js';
import { digestOf, identityOf, LONG_STRING } from '../json/identity.js';

type PrimitiveKey = number | boolean | null;

const OTHER = Symbol('other');

/**
 * A number, boolean or null as itself, for a Map, which sees -0 as 0. An ExactNumber
 * kept only for its digits (1000000000000000000000) becomes its double. Anything
 * else (strings have a table of their own) is OTHER.
 */
function primitiveKey(value: unknown): PrimitiveKey | typeof OTHER {
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return value;
  }
  if (value === null) return null;
  if (value instanceof ExactNumber) return value.asDouble() ?? OTHER;
  return OTHER;
}

/** A short stand-in for a long text, so that no lookup hashes a string by its length alone. */
function bounded(text: string): string {
  return text.length < LONG_STRING ? text : `#${digestOf(text)}`;
}

/**
 * A Map keyed by JSON values, where two keys are the same when they are the same JSON
 * value: same type, numbers by value, object members in any order. Strings and
 * numbers, nearly every key and event id, are used as they are, with no key string
 * built per lookup.
 */
export class JsonKeyMap<V> {
  // Each table is made on first use: most projections need one or none of them.
  /** Short string keys, the most common: a prototype-less object looks them up faster than a Map. */
  private strings: Record<string, V> | undefined;
  private primitives: Map<PrimitiveKey, V> | undefined;
  /** Long strings, exact numbers no double holds, objects and arrays: by identity text, long ones by digest. */
  private others: Map<string, V> | undefined;

  get(key: unknown): V | undefined {
    if (typeof key === 'string' && key.length < LONG_STRING) return this.strings?.[key];
    const primitive = primitiveKey(key);
    return primitive === OTHER ? this.others?.get(bounded(identityOf(key))) : this.primitives?.get(primitive);
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  set(key: unknown, value: V): void {
    if (typeof key === 'string' && key.length < LONG_STRING) {
      (this.strings ??= Object.create(null) as Record<string, V>)[key] = value;
      return;
    }
    const primitive = primitiveKey(key);
    if (primitive === OTHER) (this.others ??= new Map()).set(bounded(identityOf(key)), value);
    else (this.primitives ??= new Map()).set(primitive, value);
  }

  delete(key: unknown): void {
    if (typeof key === 'string' && key.length < LONG_STRING) {
      if (this.strings) delete this.strings[key];
      return;
    }
    const primitive = primitiveKey(key);
    if (primitive === OTHER) this.others?.delete(bounded(identityOf(key)));
    else this.primitives?.delete(primitive);
  }

  /** Every value, in no particular order. */
  *values(): IterableIterator<V> {
    for (const key in this.strings) yield this.strings[key] as V;
    if (this.primitives) yield* this.primitives.values();
    if (this.others) yield* this.others.values();
  }

  clear(): void {
    this.strings = undefined;
    this.primitives = undefined;
    this.others = undefined;
  }
}
