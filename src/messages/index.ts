import { create } from './create.js';
import { remove } from './delete.js';
import { describe } from './describe.js';
import { list } from './list.js';
import type { MessageType } from './message.js';
import { query } from './query.js';
import { read } from './read.js';
import { rebuild } from './rebuild.js';
import { stats } from './stats.js';
import { update } from './update.js';

/** Every projection message type, in the order the README documents them; error 10 lists them so. */
export const PROJECTION_MESSAGES: readonly MessageType[] = [
  create,
  update,
  rebuild,
  read,
  query,
  list,
  remove,
  describe,
  stats,
];
