import * as z from 'zod';
import { OPS } from '../projections/ops.js';
import { isJsonObject } from '../json/value.js';
import { defineHandler } from './registry.js';
import { projectionName } from './schemas.js';

const op = z.enum(OPS, { error: `must be one of ${OPS.join(', ')}` });

/** A Map, because zod drops a "__proto__" key from objects, and it is a legal event type. */
const handlers = z.preprocess(
  (value) => (isJsonObject(value) ? new Map(Object.entries(value)) : value),
  z.map(z.string(), op),
);

export const create = defineHandler({
  type: 'create',
  projectionOf: (request) => request.name,
  schema: z.object({
    name: projectionName,
    initial_state: z.unknown().default(() => []),
    handlers: handlers.default(() => new Map()),
    key: z.string().min(1, { error: 'must be a non-empty string' }).default('id'),
  }),
  run(store, { name, initial_state, handlers, key }) {
    const projection = store.create(name, initial_state, { key, handlers });
    return { type: 'projection_created', name, version: projection.version };
  },
});
