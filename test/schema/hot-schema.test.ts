import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { event, writeFields } from '../../src/messages/schemas.js';
import { requestSchema } from '../../src/maelstrom/envelope.js';
import { CHECKS_BEFORE_COMPILING, HotSchema } from '../../src/schema/hot-schema.js';
import { MISSING, mutatedField, objectOf } from '../support/mutated-fields.js';

const update = requestSchema(z.object({ ...writeFields, event }));

/** A HotSchema that has already compiled its schema. */
function compiled<Schema extends z.ZodType>(schema: Schema): HotSchema<Schema> {
  const hot = new HotSchema(schema, 1);
  hot.validate(undefined);
  expect(hot.isCompiled).toBe(true);
  return hot;
}

/** Mostly `valid`; sometimes any JSON value, or no field at all. */
const field = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  mutatedField(valid, { valid: 20, missing: 1, wrong: [{ weight: 1, arbitrary: fc.jsonValue() }] });

/** Values near a valid update request: about a quarter are valid, and each field may be missing or anything. */
const nearUpdate = objectOf({
  src: field(fc.constant('c1')),
  dest: field(fc.constant('n1')),
  body: field(
    objectOf({
      type: fc.constant('update'),
      msg_id: field(fc.nat()),
      projection: field(fc.constantFrom('p', 'q', '')),
      expected_version: field(fc.oneof(fc.constant(MISSING), fc.integer({ min: -1, max: 5 }))),
      event: field(
        objectOf({
          event_type: field(fc.constant('E')),
          event_data: field(fc.jsonValue()),
          event_id: field(fc.oneof(fc.constant(MISSING), fc.string(), fc.integer(), fc.double())),
        }),
      ),
    }),
  ),
});

describe('HotSchema', () => {
  it(`compiles its schema on the ${CHECKS_BEFORE_COMPILING}th check, not before`, () => {
    const hot = new HotSchema(event);
    for (let check = 1; check < CHECKS_BEFORE_COMPILING; check++) hot.validate({ event_type: 'E', event_data: check });
    expect(hot.isCompiled).toBe(false);
    hot.safeParse({ event_type: 'E', event_data: 0 });
    expect(hot.isCompiled).toBe(true);
  });

  it('gives the same results and the same issues once compiled', () => {
    const hot = compiled(update);
    fc.assert(
      fc.property(nearUpdate, (value) => {
        const expected = update.safeParse(value);
        const actual = hot.safeParse(value);
        expect(actual.success).toBe(expected.success);
        if (expected.success) expect(actual.data).toStrictEqual(expected.data);
        else expect(actual.error?.issues).toStrictEqual(expected.error.issues);
        expect(hot.validate(value)).toBe(expected.success);
      }),
      { numRuns: 2000 },
    );
  });

  it('checks events the same way before and after compiling', () => {
    const hot = compiled(event);
    const cold = new HotSchema(event);
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.record({ event_type: fc.jsonValue(), event_data: fc.jsonValue() })),
        (value) => {
          expect(hot.validate(value)).toBe(event.safeParse(value).success);
          expect(cold.validate(value)).toBe(event.safeParse(value).success);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
