import * as z from 'zod';
import { ExactNumber } from '../json/exact-number.js';
import { jsonTypeOf } from '../json/value.js';
import { HotSchema } from '../schema/hot-schema.js';
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

/** `event`, as each event of a list is checked against it. */
const listedEvent = new HotSchema(event);

/**
 * A list of events, each checked against `event` but kept as it arrived: z.array(event)
 * would copy every event, and a large rebuild has a million of them.
 */
export const eventList = z
  .custom<ProjectionEvent[]>(Array.isArray, {
    error: ({ input }) => (input === undefined ? 'is required' : `must be an array, got ${jsonTypeOf(input)}`),
  })
  .check((payload) => {
    const list = payload.value;
    for (let index = 0; index < list.length; index++) {
      if (listedEvent.validate(list[index])) continue;
      // Asked again for the details only on failure: reportInput turns off zod's compiled parser.
      const { error } = event.safeParse(list[index], { reportInput: true });
      for (const issue of error?.issues ?? []) {
        // An issue zod has finished is a raw issue again with its input given back.
        payload.issues.push({ ...issue, input: issue.input, path: [index, ...issue.path] } as z.core.$ZodRawIssue);
      }
    }
  });

const expectedVersion = z.int().min(0, { error: 'must be a non-negative integer' });

/** The fields every write (update, rebuild) carries: its projection, and an optional version check. */
export const writeTarget = {
  projection: projectionName,
  expected_version: expectedVersion.optional(),
};
