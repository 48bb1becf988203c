import { ExactNumber } from './exact-number.js';

export type JsonObject = Record<string, unknown>;

/**
 * The most members an object of input or state may have. V8 adds a member to an object
 * of 2^23 (8,388,608) members or more in time that grows with its size: each insert
 * rehashes the whole dictionary. Half that leaves room for the dictionary to grow.
 */
export const MAX_MEMBERS = 4 * 1024 * 1024;

/** A JSON object: not null, not an array, not an ExactNumber (which is a JSON number). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExactNumber);
}

/**
 * Sets an own data property. Plain assignment of "__proto__" would call the
 * Object.prototype setter and swap the prototype instead of storing data.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** The JSON type of a value, for error texts. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof ExactNumber) return 'number';
  return typeof value;
}

/**
 * The longest member name a value may have. V8 hashes a longer string by its length
 * alone, so that all such names of one length collide: in an object, and in the string
 * table where JSON.parse puts every member name it reads.
 */
export const MAX_MEMBER_NAME_LENGTH = 16_383;

/**
 * True if `value` nests arrays and objects more than `limit` levels deep (a bare
 * array is one level). Recursion stops at the limit, so it is safe on any depth.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  return isContainer(value) && containerNestsDeeperThan(value, limit);
}

/** An array or object: a value that nests. */
function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof ExactNumber);
}

/** The walk itself; scalars are passed over without a call, and a big rebuild holds a million of them. */
function containerNestsDeeperThan(container: object, limit: number): boolean {
  if (limit === 0) return true;
  if (Array.isArray(container)) {
    for (let index = 0; index < container.length; index++) {
      const element: unknown = container[index];
      if (isContainer(element) && containerNestsDeeperThan(element, limit - 1)) return true;
    }
    return false;
  }
  for (const key in container) {
    const member = (container as JsonObject)[key];
    if (isContainer(member) && containerNestsDeeperThan(member, limit - 1)) return true;
  }
  return false;
}

/**
 * Already-serialized JSON, written out as-is. Parts let a large cached Buffer go to
 * the output without being copied.
 */
export class JsonFragment {
  constructor(readonly parts: ReadonlyArray<string | Buffer>) {}
}

/** A deep copy of a JSON value; ExactNumbers, which never change, are shared. */
export function cloneJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || value instanceof ExactNumber) return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const copy: JsonObject = {};
  for (const name in value) setOwn(copy, name, cloneJson((value as JsonObject)[name]));
  return copy;
}
