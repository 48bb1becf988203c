import * as z from 'zod';
import { isOp, OPS, type Op } from '../projections/ops.js';
import { isJsonObject, jsonTypeOf, type JsonObject } from '../json/value.js';
import { NO_EVENT_OPS, NO_INDEXES } from '../projections/projection.js';
import { defineMessage } from './message.js';
import { fieldList, MAX_NAME_LENGTH, projectionName } from './schemas.js';

/**
 * The event-type → op table, checked entry by entry up to the first bad one: a table of a
 * million entries is refused at its first mistake, not described in full. A Map, because
 * "__proto__" is a legal event type.
 */
const eventOps = z
  .custom<JsonObject>(isJsonObject, {
    error: ({ input }) => (input === undefined ? 'is required' : `must be an object, got ${jsonTypeOf(input)}`),
  })
  .check((payload) => {
    for (const eventType in payload.value) {
      const op = payload.value[eventType];
      const problem =
        eventType.length > MAX_NAME_LENGTH
          ? `is an event type longer than ${MAX_NAME_LENGTH} characters`
          : isOp(op)
            ? undefined
            : `must be one of ${OPS.join(', ')}`;
      if (problem === undefined) continue;
      const path = [eventType.length > MAX_NAME_LENGTH ? `${eventType.slice(0, 40)}…` : eventType];
      payload.issues.push({ code: 'custom', input: op, path, message: problem });
      return;
    }
  })
  .transform((table): ReadonlyMap<string, Op> => {
    const entries = Object.entries(table) as [string, Op][];
    return entries.length === 0 ? NO_EVENT_OPS : new Map(entries);
  });

export const create = defineMessage({
  type: 'create',
  projectionOf: (body) => body.name,
  // The initial state, and the state made from it.
  grows: 2,
  writes: true,
  schema: z.object({
    name: projectionName,
    initial_state: z.unknown().default(() => []),
    // The wire calls the event-type → op table "handlers".
    handlers: eventOps.default(() => NO_EVENT_OPS),
    key: z
      .string()
      .min(1, { error: 'must be a non-empty string' })
      .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` })
      .default('id'),
    indexes: fieldList.optional(),
  }),
  run({ store, room, journal }, { body: { name, initial_state, handlers, key, indexes }, size }) {
    const definition = { key, eventOps: handlers, indexes: indexes ?? NO_INDEXES };
    room.check('create', 0, initial_state, size, journal?.room.initialLimit(name, definition));
    const projection = store.create(name, initial_state, definition);
    journal?.record({ op: 'create', projection });
    return { type: 'projection_created', name, version: projection.version };
  },
});
