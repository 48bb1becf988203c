import * as z from 'zod';
import { defineMessage } from './message.js';
import { event, writeFields } from './schemas.js';
import { EMPTY_ARRAY_LENGTH } from './state-size.js';

export const update = defineMessage({
  type: 'update',
  projectionOf: (body) => body.projection,
  grows: 1,
  writes: true,
  schema: z.object({ ...writeFields, event }),
  repeats: ({ store }, body) => store.get(body.projection)?.isRedelivery(body.event) === true,
  run({ store, json, room, journal }, { body, size }) {
    const { event } = body;
    const existing = store.get(body.projection);
    // Looked up once: the projection the update changes is `existing`, when there is one.
    const existingJson = existing && json.of(existing);
    // A redelivery changes nothing: it is answered as one, whatever the event would cost were it new.
    if (!existing?.isRedelivery(event)) {
      // Checked before anything changes: a state too long to reply with, or to record, must never be made.
      const base = existingJson ? existingJson.length() : EMPTY_ARRAY_LENGTH;
      const op = existing ? existing.opOf(event.event_type) : 'merge';
      const ids = (existing?.eventIdCount() ?? 0) + (event.event_id === undefined ? 0 : 1);
      const record = journal?.room.stateLimit(body.projection, existing, ids);
      room.checkEvent('update', op, base, event.event_data, size, record);
      journal?.room.checkEvent('update', body.projection, event, size);
    }
    const { projection, duplicate } = store.update(body.projection, event, body.expected_version);
    if (!duplicate)
      journal?.record({
        op: 'update',
        name: projection.name,
        at: projection.changedAt,
        event,
        window: projection.dedupWindow,
      });
    return {
      type: 'projection_updated',
      projection: projection.name,
      version: projection.version,
      state: (existingJson ?? json.of(projection)).json(),
      duplicate: duplicate ? true : undefined,
    };
  },
});
