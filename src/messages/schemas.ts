import * as z from 'zod';
import { ExactNumber } from '../json/exact-number.js';
import { HotSchema } from '../schema/hot-schema.js';
import { listOf } from '../schema/list.js';
import type { EventId, ExpectedVersion, ProjectionEvent } from '../projections/projection.js';

/**
 * Names are keys of the node's largest map and are echoed in every reply: a bound keeps
 * both cheap (V8 hashes a string of 16,384 characters or more by its length alone).
 */
export const MAX_NAME_LENGTH = 1024;

export const projectionName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` });

/** A top-level field of an element (order_by, where, fields, indexes), bounded as names are. */
export const fieldName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` });

/** The most fields one list (fields, indexes) or one where may name. */
export const MAX_FIELDS = 64;

/** A list of fields, refused whole past MAX_FIELDS. */
export const fieldList = listOf(fieldName, MAX_FIELDS);

/** Whether a value is an integer ≥ 0, of any size. */
function isNonNegativeInteger(value: unknown): value is number | ExactNumber {
  return (
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
    (value instanceof ExactNumber && value.isInteger && !value.text.startsWith('-'))
  );
}

/** An offset or limit of query and list: an integer ≥ 0 of any size, as one past every item is as good as 2^53. */
export const pageCount = z
  .custom<number | ExactNumber>(isNonNegativeInteger, { error: 'must be a non-negative integer' })
  .transform((value) => (typeof value === 'number' ? value : Number(value.text)));

/** Integers beyond 2^53 arrive as ExactNumber and are ids like any other. */
function isEventId(value: unknown): value is EventId {
  if (typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isInteger(value);
  return value instanceof ExactNumber && value.isInteger;
}

const eventId = z.custom<EventId>(isEventId, { error: 'must be a string or an integer' });

export const event = z.object({
  event_type: z.string(),
  event_data: z.unknown(),
  event_id: eventId.optional(),
}) satisfies z.ZodType<ProjectionEvent>;

/** The event check on a hot path of its own: a rebuild with on_error "skip", or one whose events stream. */
export const hotEvent = new HotSchema(event);

/** An integer ≥ 0 of any size: one no projection's version reaches is as stale as any other (error 22). */
const expectedVersion = z.custom<ExpectedVersion>(isNonNegativeInteger, { error: 'must be a non-negative integer' });

/** The fields every write (update, rebuild) carries: its projection, and an optional version check. */
export const writeFields = {
  projection: projectionName,
  expected_version: expectedVersion.optional(),
};
