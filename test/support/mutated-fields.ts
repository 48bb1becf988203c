/** Generated messages near a valid one: each field mostly valid, sometimes missing or wrong. */
import fc from 'fast-check';

/** Marks a generated field to leave out of its object. */
export const MISSING = Symbol('missing');

/** How often a field is valid, missing, or each kind of wrong value. */
export interface FieldMix {
  readonly valid: number;
  readonly missing: number;
  readonly wrong: readonly { readonly weight: number; readonly arbitrary: fc.Arbitrary<unknown> }[];
}

/** A field that is `valid` or MISSING or wrong, as often as `mix` weighs each. */
export function mutatedField(valid: fc.Arbitrary<unknown>, mix: FieldMix): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: mix.valid, arbitrary: valid },
    { weight: mix.missing, arbitrary: fc.constant(MISSING) },
    ...mix.wrong,
  );
}

/** An object of the generated fields, leaving out the MISSING ones. */
export function objectOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields).map(withoutMissing);
}

/** The object without its MISSING fields. */
export function withoutMissing(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== MISSING));
}
