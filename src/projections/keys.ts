import { ExactNumber } from '../json/exact-number.js';
import { digestOf, identityOf, LONG_STRING } from '../json/identity.js';

const OTHER = Symbol('other');

/**
 * A number's text, the same for every spelling of one value (-0 as 0, 1.0 as 1): V8 hashes
 * a number in a Map without a secret seed, so numbers chosen to collide would make each
 * lookup scan them all; it hashes strings with one. An ExactNumber kept only for its
 * digits (1000000000000000000000) counts as its double. Anything else is OTHER.
 */
function numberKey(value: unknown): string | typeof OTHER {
  if (typeof value === 'number') return String(value);
  if (value instanceof ExactNumber) {
    const double = value.asDouble();
    return double === undefined ? OTHER : String(double);
  }
  return OTHER;
}

/** A short stand-in for a long text, so that no lookup hashes a string by its length alone. */
function bounded(text: string): string {
  return text.length < LONG_STRING ? text : `#${digestOf(text)}`;
}

/**
 * A Map keyed by JSON values, where two keys are the same when they are the same JSON
 * value: same type, numbers by value, object members in any order. Short strings,
 * nearly every key and event id, are used as they are, with no key string built per
 * lookup.
 */
export class JsonKeyMap<V> {
  // Each table is made on first use: most projections need one or none of them.
  // Prototype-less objects: they look short strings up faster than a Map.
  /** Short string keys, the most common. */
  private strings: Record<string, V> | undefined;
  /** Numbers, by their text. */
  private numbers: Record<string, V> | undefined;
  /** true, false and null. */
  private literals: Map<boolean | null, V> | undefined;
  /** Long strings, exact numbers no double holds, objects and arrays: by identity text, long ones by digest. */
  private others: Map<string, V> | undefined;

  get(key: unknown): V | undefined {
    if (typeof key === 'string' && key.length < LONG_STRING) return this.strings?.[key];
    if (typeof key === 'boolean' || key === null) return this.literals?.get(key);
    const number = numberKey(key);
    return number === OTHER ? this.others?.get(bounded(identityOf(key))) : this.numbers?.[number];
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  set(key: unknown, value: V): void {
    if (typeof key === 'string' && key.length < LONG_STRING) {
      (this.strings ??= Object.create(null) as Record<string, V>)[key] = value;
      return;
    }
    if (typeof key === 'boolean' || key === null) {
      (this.literals ??= new Map()).set(key, value);
      return;
    }
    const number = numberKey(key);
    if (number === OTHER) (this.others ??= new Map()).set(bounded(identityOf(key)), value);
    else (this.numbers ??= Object.create(null) as Record<string, V>)[number] = value;
  }

  delete(key: unknown): void {
    if (typeof key === 'string' && key.length < LONG_STRING) {
      if (this.strings) delete this.strings[key];
      return;
    }
    if (typeof key === 'boolean' || key === null) {
      this.literals?.delete(key);
      return;
    }
    const number = numberKey(key);
    if (number === OTHER) this.others?.delete(bounded(identityOf(key)));
    else if (this.numbers) delete this.numbers[number];
  }

  /** Every value, in no particular order. */
  *values(): IterableIterator<V> {
    for (const key in this.strings) yield this.strings[key] as V;
    for (const key in this.numbers) yield this.numbers[key] as V;
    if (this.literals) yield* this.literals.values();
    if (this.others) yield* this.others.values();
  }

  clear(): void {
    this.strings = undefined;
    this.numbers = undefined;
    this.literals = undefined;
    this.others = undefined;
  }
}
