import { EXACT_NUMBER_IN_JSON, ExactNumber } from './exact-number.js';

/**
 * What a value's JSON can be at most, per character of the JSON text it was parsed from:
 * a number grows most when written back (`1e20`, 4 characters, is 100000000000000000000).
 */
export const MAX_JSON_GROWTH = 6;

/**
 * JSON.stringify for JSON values that may hold ExactNumbers, written as their text. The
 * native serializer writes every value without one; an ExactNumber stops it (see
 * EXACT_NUMBER_IN_JSON), and the value is written again here, ExactNumbers included.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error !== EXACT_NUMBER_IN_JSON) throw error;
  }
  // Native serialization reached an ExactNumber, so the value is one or a container, which write() never drops.
  return write(value) as string;
}

/** JSON.stringify's output for `value`, writing ExactNumber as its text; undefined where JSON.stringify omits the value. */
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof ExactNumber) return value.text;
      if (Array.isArray(value)) return writeArray(value);
      return writeObject(value as Record<string, unknown>);
    default:
      // undefined, functions and symbols, which JSON.stringify drops.
      return undefined;
  }
}

function writeArray(array: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out += ',';
    out += write(array[i]) ?? 'null';
  }
  return `${out}]`;
}

function writeObject(object: Record<string, unknown>): string {
  let out = '{';
  // Object.keys has JSON.stringify's key order, and includes an own "__proto__" data property.
  for (const key of Object.keys(object)) {
    const member = write(object[key]);
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${member}`;
  }
  return `${out}}`;
}
