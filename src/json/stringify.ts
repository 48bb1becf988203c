import { ExactNumber } from './exact-number.js';

/** Set by ExactNumber.prototype.toJSON: the native output just produced is unusable. */
let sawExactNumber = false;

// JSON.stringify cannot emit raw number text, so an ExactNumber only flags that
// the slow writer is needed. Its string form is what a plain JSON.stringify
// caller gets: lossless, though a string rather than a number.
Object.defineProperty(ExactNumber.prototype, 'toJSON', {
  value(this: ExactNumber): string {
    sawExactNumber = true;
    return this.text;
  },
  writable: true,
  configurable: true,
});

/** JSON.stringify for JSON values that may contain ExactNumber, which is written as its text. */
export function stringifyJson(value: unknown): string {
  sawExactNumber = false;
  const native = JSON.stringify(value);
  if (!sawExactNumber) return native;
  // Native serialization succeeded, so the value has no cycles and no BigInt; holding
  // an ExactNumber, it is one or a container, which write() never drops.
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
