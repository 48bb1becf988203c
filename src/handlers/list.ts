import * as z from 'zod';
import { defineHandler } from './registry.js';

export const list = defineHandler({
  type: 'list',
  schema: z.object({}),
  run(store) {
    return { type: 'list_ok', projections: store.list() };
  },
});
