import * as z from 'zod';
import { defineMessage } from './message.js';
import { projectionName } from './schemas.js';

export const remove = defineMessage({
  type: 'delete',
  projectionOf: (body) => body.projection,
  writes: true,
  schema: z.object({ projection: projectionName }),
  run({ store, journal }, { body }) {
    store.delete(body.projection);
    journal?.record({ op: 'delete', name: body.projection });
    return { type: 'delete_ok', projection: body.projection };
  },
});
