/** A JSON number lexeme (RFC 8259 grammar); capture groups: sign, integer part, fraction, exponent. */
const NUMBER_LEXEME = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * The decimal value of a JSON number lexeme in canonical form, so that equal
 * values (and only equal values) give equal strings.
 *
 * Format: `[-]DIGITSeEXP`, meaning DIGITS × 10^EXP, where DIGITS is the
 * integer significand without leading or trailing zeros and EXP is a decimal
 * integer with no `+` and no leading zeros. Examples: "12300" → "123e2",
 * "1.5" → "15e-1", "1e400" = "10e399" → "1e400". Zero of either sign is "0e0"
 * (-0 and 0 are the same value). The exponent is computed on its digits, so a
 * lexeme like "1e99999999999999999999" stays exact, in time linear in its length.
 *
 * Throws SyntaxError if `numberText` is not a JSON number.
 */
export function canonicalDecimal(numberText: string): string {
  const match = NUMBER_LEXEME.exec(numberText);
  if (match === null) throw new SyntaxError(`Not a JSON number: ${JSON.stringify(numberText)}`);
  const [, sign = '', integer = '', fraction = '', exponent = '0'] = match;
  const digits = integer + fraction;
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === 48) first++;
  if (first === digits.length) return '0e0';
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  const scale = addToInteger(exponent, digits.length - end - fraction.length);
  return `${sign}${digits.slice(first, end)}e${scale}`;
}

/** Integers of at most this many digits, plus any delta addToInteger takes, are exact in a double. */
const SAFE_DIGITS = 15;
const SAFE_UNIT = 10 ** SAFE_DIGITS;

/**
 * The decimal integer `integer` (an optional sign, then digits) plus `delta`, with no `+`
 * and no leading zeros. `delta` must be an integer under 2^31 in size, as counts of a
 * string's characters are. Digits, not BigInt: BigInt reads and writes decimal text in
 * time that grows with the square of its length, and an exponent may have millions of digits.
 */
export function addToInteger(integer: string, delta: number): string {
  const negative = integer.startsWith('-');
  let from = negative || integer.startsWith('+') ? 1 : 0;
  while (from < integer.length - 1 && integer.charCodeAt(from) === 48) from++;
  const digits = integer.slice(from);
  if (digits.length <= SAFE_DIGITS) return String((negative ? -Number(digits) : Number(digits)) + delta);
  // At least 10^15 in size, so adding delta keeps the sign: only the size changes.
  const grows = delta !== 0 && delta < 0 === negative;
  let high = digits.slice(0, -SAFE_DIGITS);
  let low = Number(digits.slice(-SAFE_DIGITS)) + (grows ? Math.abs(delta) : -Math.abs(delta));
  if (low >= SAFE_UNIT) {
    high = stepDigits(high, 1);
    low -= SAFE_UNIT;
  } else if (low < 0) {
    high = stepDigits(high, -1);
    low += SAFE_UNIT;
  }
  const size = `${high}${String(low).padStart(SAFE_DIGITS, '0')}`.replace(/^0+/, '');
  return negative ? `-${size}` : size;
}

/** The digits of a positive integer plus or minus 1 (minus only above 0), leading zeros kept. */
function stepDigits(digits: string, step: 1 | -1): string {
  const stop = step === 1 ? '9' : '0';
  let at = digits.length - 1;
  while (at >= 0 && digits[at] === stop) at--;
  const turned = (step === 1 ? '0' : '9').repeat(digits.length - 1 - at);
  if (at < 0) return `1${turned}`;
  return `${digits.slice(0, at)}${Number(digits[at]) + step}${turned}`;
}

/** Orders two integers as addToInteger writes them (no `+`, no leading zeros). */
export function compareIntegers(a: string, b: string): number {
  const aNegative = a.startsWith('-');
  if (aNegative !== b.startsWith('-')) return aNegative ? -1 : 1;
  if (a === b) return 0;
  const larger = a.length !== b.length ? a.length > b.length : a > b;
  return larger !== aNegative ? 1 : -1;
}

/**
 * What JSON.stringify throws for a value that holds an ExactNumber: no double can carry
 * its value, so only a writer that knows ExactNumber (stringifyJson) may write it.
 * One instance, thrown without a stack: the exact writer catches it often.
 */
export const EXACT_NUMBER_IN_JSON: Error = Object.freeze(
  Object.assign(Object.create(TypeError.prototype) as TypeError, {
    message: 'an ExactNumber can only be written by stringifyJson',
  }),
);

/** A JSON number that no double can hold: kept as the text it was written with. */
export class ExactNumber {
  /** Value key: equal values ⇔ equal `canonical` (format documented on canonicalDecimal). */
  readonly canonical: string;

  /** `text` must be a JSON number lexeme (throws SyntaxError otherwise), so writing it back is always valid JSON. */
  constructor(readonly text: string) {
    this.canonical = canonicalDecimal(text);
  }

  /** The double with exactly this value, if there is one (an integer kept only for its digits). */
  asDouble(): number | undefined {
    const double = Number(this.text);
    return Number.isFinite(double) && canonicalDecimal(String(double)) === this.canonical ? double : undefined;
  }

  /** A native JSON.stringify cannot write this number as a number, and must not write it as anything else. */
  toJSON(): never {
    throw EXACT_NUMBER_IN_JSON;
  }

  /** True iff the value is mathematically an integer: the canonical exponent is not negative. */
  get isInteger(): boolean {
    return !this.canonical.includes('e-');
  }
}
