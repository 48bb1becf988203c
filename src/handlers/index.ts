import { create } from './create.js';
import { remove } from './delete.js';
import { list } from './list.js';
import { read } from './read.js';
import { rebuild } from './rebuild.js';
import type { RequestHandler } from './registry.js';
import { update } from './update.js';

/** Every projection message type, in the order the README documents them. */
export const PROJECTION_HANDLERS: readonly RequestHandler[] = [create, update, rebuild, read, list, remove];
