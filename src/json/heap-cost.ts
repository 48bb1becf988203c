import { ExactNumber } from './exact-number.js';

/*
 * What a copy of a JSON value (cloneJson's) takes in V8's heap, at most, part by part, as
 * measured on 64-bit Node 20. Strings are not counted: a copy shares them with the value.
 * An object counts as one whose keys no other object has, which costs V8 a new shape each
 * (about 250 bytes with one key, against 64 for an object of a shape it has seen).
 */
const OBJECT_BYTES = 200;
const PROPERTY_BYTES = 56;
const ARRAY_BYTES = 48;
const ELEMENT_BYTES = 8;
/** A number that is no small integer has a box of its own. */
const NUMBER_BYTES = 16;

/** Whether V8 keeps the number inside its slot (a small integer). */
function isSmall(value: number): boolean {
  return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
}

/**
 * An upper bound on the bytes of heap a copy of `value` takes. It recurses once per level
 * of nesting, which requests bound (see MAX_NESTING), and allocates nothing.
 */
export function heapCost(value: unknown): number {
  if (typeof value === 'number') return isSmall(value) ? 0 : NUMBER_BYTES;
  // Strings and ExactNumbers are shared by a copy; true, false and null take nothing.
  if (typeof value !== 'object' || value === null || value instanceof ExactNumber) return 0;
  if (Array.isArray(value)) {
    let bytes = ARRAY_BYTES + ELEMENT_BYTES * value.length;
    for (let index = 0; index < value.length; index++) bytes += heapCost(value[index]);
    return bytes;
  }
  let bytes = OBJECT_BYTES;
  for (const key in value) bytes += PROPERTY_BYTES + heapCost((value as Record<string, unknown>)[key]);
  return bytes;
}
