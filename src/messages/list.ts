import * as z from 'zod';
import { defineMessage } from './message.js';

export const list = defineMessage({
  type: 'list',
  schema: z.object({}),
  run({ store }) {
    return { type: 'list_ok', projections: store.list() };
  },
});
