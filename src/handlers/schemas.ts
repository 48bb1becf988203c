import * as z from 'zod';
import { ExactNumber } from '../json/exact-number.js';
import type { EventId, ProjectionEvent } from '../projections/projection.js';

export const projectionName = z.string().min(1, { error: 'must not be empty' });

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

const expectedVersion = z.int().min(0, { error: 'must be a non-negative integer' });

/** The fields every write (update, rebuild) carries: its projection, and an optional version check. */
export const writeTarget = {
  projection: projectionName,
  expected_version: expectedVersion.optional(),
};
