import * as z from 'zod';
import { defineMessage } from './message.js';
import { eventList, writeFields } from './schemas.js';
import { EMPTY_ARRAY_LENGTH } from './state-size.js';

export const rebuild = defineMessage({
  type: 'rebuild',
  projectionOf: (body) => body.projection,
  grows: true,
  writes: true,
  schema: z.object({ ...writeFields, events: eventList }),
  run({ store, json, room, journal }, { body, size }) {
    const existing = store.get(body.projection);
    // The result is at most the initial state with every event of this request merged in.
    const initial = existing ? json.of(existing).initialLength() : EMPTY_ARRAY_LENGTH;
    const { projection, eventsProcessed } = store.rebuild(
      body.projection,
      body.events,
      body.expected_version,
      (state) => room.check('rebuild', 0, state.value(), initial + size),
    );
    // The result, not the events: a restart loads it without replaying them.
    journal?.record({ op: 'image', projection, state: json.of(projection).json() });
    return {
      type: 'projection_rebuilt',
      projection: projection.name,
      events_processed: eventsProcessed,
      version: projection.version,
    };
  },
});
