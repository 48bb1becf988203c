import * as z from 'zod';
import { defineMessage } from './message.js';
import { projectionName } from './schemas.js';

export const read = defineMessage({
  type: 'read',
  projectionOf: (body) => body.projection,
  schema: z.object({ projection: projectionName }),
  run({ store, json }, { body }) {
    const projection = store.read(body.projection);
    return {
      type: 'read_ok',
      projection: projection.name,
      version: projection.version,
      state: json.of(projection).json(),
    };
  },
});
