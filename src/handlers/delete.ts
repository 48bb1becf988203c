import * as z from 'zod';
import { defineHandler } from './registry.js';
import { projectionName } from './schemas.js';

export const remove = defineHandler({
  type: 'delete',
  projectionOf: (request) => request.projection,
  schema: z.object({ projection: projectionName }),
  run(store, request) {
    store.delete(request.projection);
    return { type: 'delete_ok', projection: request.projection };
  },
});
