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
 * (-0 and 0 are the same value). The exponent is computed with BigInt, so a
 * lexeme like "1e99999999999999999999" stays exact.
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
  const scale = BigInt(exponent) - BigInt(fraction.length) + BigInt(digits.length - end);
  return `${sign}${digits.slice(first, end)}e${scale}`;
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
