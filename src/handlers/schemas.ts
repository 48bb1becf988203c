import { z } from 'zod';
import { ExactNumber } from '../json/exact-number.js';
import type { ProjectionEvent } from '../projections/projection.js';

export const projectionName = z.string().min(1, { error: 'must not be empty' });

/** Integers beyond 2^53 arrive as ExactNumber and are ids like any other. */
const eventId = z.union([z.string(), z.number().refine(Number.isInteger), z.instanceof(ExactNumber).refine((id) => id.isInteger)], {
  error: 'must be a string or an integer',
});

export const event = z.object({
  event_type: z.string(),
  event_data: z.unknown(),
  event_id: eventId.optional(),
}) satisfies z.ZodType<ProjectionEvent>;

export const expectedVersion = z.int().min(0, { error: 'must be a non-negative integer' });
