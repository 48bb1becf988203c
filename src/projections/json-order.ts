import { addToInteger, canonicalDecimal, compareIntegers, ExactNumber } from '../json/exact-number.js';
import { identityOf } from '../json/identity.js';

/**
 * Whether two JSON values are the same value, as keys compare: same type, numbers by
 * exact value, strings by content, object members in any order.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Strings, doubles, booleans and null that differ by === differ as JSON too.
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    if (!(a instanceof ExactNumber || b instanceof ExactNumber)) return false;
  }
  return identityOf(a) === identityOf(b);
}

/**
 * `(other) => sameJson(other, value)`, for comparing one value with many: a container's
 * identity is worked out once, not once per comparison.
 */
export function sameJsonAs(value: unknown): (other: unknown) => boolean {
  if (typeof value !== 'object' || value === null || value instanceof ExactNumber) {
    return (other) => sameJson(other, value);
  }
  const isArray = Array.isArray(value);
  const identity = identityOf(value);
  return (other) =>
    other === value ||
    (typeof other === 'object' &&
      other !== null &&
      Array.isArray(other) === isArray &&
      !(other instanceof ExactNumber) &&
      identityOf(other) === identity);
}

/** The rank of a value's JSON type in the order: null, false, true, numbers, strings, arrays, objects. */
function rank(value: unknown): number {
  switch (typeof value) {
    case 'boolean':
      return value ? 2 : 1;
    case 'number':
      return 3;
    case 'string':
      return 4;
    default:
      if (value === null) return 0;
      if (value instanceof ExactNumber) return 3;
      return Array.isArray(value) ? 5 : 6;
  }
}

/**
 * A total order on JSON values: null < false < true < numbers < strings < arrays <
 * objects. Numbers by exact value, strings by UTF-16 code units, arrays element by
 * element (a prefix first), objects by their members sorted by name, each by name
 * then value (fewer members first on a tie). 0 exactly when sameJson.
 */
export function compareJson(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const byType = rank(a) - rank(b);
  if (byType !== 0) return Math.sign(byType);
  switch (rank(a)) {
    case 3:
      return compareDecimals(decimalOf(a as number | ExactNumber), decimalOf(b as number | ExactNumber));
    case 5:
      return compareArrays(a as readonly unknown[], b as readonly unknown[]);
    case 6:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    default:
      return 0;
  }
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    const order = compareJson(a[i], b[i]);
    if (order !== 0) return order;
  }
  return Math.sign(a.length - b.length);
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const names = Object.keys(a).sort();
  const others = Object.keys(b).sort();
  const common = Math.min(names.length, others.length);
  for (let i = 0; i < common; i++) {
    const name = names[i] as string;
    const other = others[i] as string;
    if (name !== other) return name < other ? -1 : 1;
    const order = compareJson(a[name], b[other]);
    if (order !== 0) return order;
  }
  return Math.sign(names.length - others.length);
}

/** A number as sign, significant digits and the power of ten of its first digit. */
interface Decimal {
  readonly sign: number;
  readonly digits: string;
  /** A decimal integer, as addToInteger writes it. */
  readonly magnitude: string;
}

/** Parses canonicalDecimal's `[-]DIGITSeEXP`. */
function decimalOf(value: number | ExactNumber): Decimal {
  const canonical = typeof value === 'number' ? canonicalDecimal(String(value)) : value.canonical;
  if (canonical === '0e0') return { sign: 0, digits: '', magnitude: '0' };
  const negative = canonical.startsWith('-');
  const e = canonical.indexOf('e');
  const digits = canonical.slice(negative ? 1 : 0, e);
  return { sign: negative ? -1 : 1, digits, magnitude: addToInteger(canonical.slice(e + 1), digits.length) };
}

function compareDecimals(a: Decimal, b: Decimal): number {
  if (a.sign !== b.sign) return Math.sign(a.sign - b.sign);
  if (a.sign === 0) return 0;
  let order: number;
  if (a.magnitude !== b.magnitude) order = compareIntegers(a.magnitude, b.magnitude);
  else {
    const length = Math.max(a.digits.length, b.digits.length);
    const x = a.digits.padEnd(length, '0');
    const y = b.digits.padEnd(length, '0');
    order = x < y ? -1 : x > y ? 1 : 0;
  }
  return order * a.sign;
}
