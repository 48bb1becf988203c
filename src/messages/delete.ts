import * as z from 'zod';
import { defineMessage } from './message.js';
import { projectionName } from './schemas.js';

export const remove = defineMessage({
  type: 'delete',
  projectionOf: (body) => body.projection,
  schema: z.object({ projection: projectionName }),
  run({ store }, { body }) {
    store.delete(body.projection);
    return { type: 'delete_ok', projection: body.projection };
  },
});
