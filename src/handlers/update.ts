import * as z from 'zod';
import { defineHandler } from './registry.js';
import { event, writeTarget } from './schemas.js';

export const update = defineHandler({
  type: 'update',
  projectionOf: (request) => request.projection,
  schema: z.object({ ...writeTarget, event }),
  run(store, request) {
    const { projection, duplicate } = store.update(request.projection, request.event, request.expected_version);
    return {
      type: 'projection_updated',
      projection: projection.name,
      version: projection.version,
      state: projection.stateValue(),
      duplicate: duplicate ? true : undefined,
    };
  },
});
