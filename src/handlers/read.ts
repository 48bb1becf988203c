import * as z from 'zod';
import { defineHandler } from './registry.js';
import { projectionName } from './schemas.js';

export const read = defineHandler({
  type: 'read',
  projectionOf: (request) => request.projection,
  schema: z.object({ projection: projectionName }),
  run(store, request) {
    const projection = store.read(request.projection);
    return { type: 'read_ok', projection: projection.name, version: projection.version, state: projection.stateValue() };
  },
});
