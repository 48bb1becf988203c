import * as z from 'zod';
import { defineHandler } from './registry.js';
import { eventList, writeTarget } from './schemas.js';

export const rebuild = defineHandler({
  type: 'rebuild',
  projectionOf: (request) => request.projection,
  schema: z.object({ ...writeTarget, events: eventList }),
  run(store, request) {
    const { projection, eventsProcessed } = store.rebuild(request.projection, request.events, request.expected_version);
    return {
      type: 'projection_rebuilt',
      projection: projection.name,
      events_processed: eventsProcessed,
      version: projection.version,
    };
  },
});
