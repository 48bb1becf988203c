/** Read models end to end: declarative handlers, and queries and management. */
import { describe, expect, it } from 'vitest';
import { readBody, updateBody } from '../support/messages.js';
import { replyBodies } from '../support/spawned-node.js';

describe('declarative handlers, end to end', () => {
  it('append, remove, replace and ignore on an array keyed by sku', async () => {
    const replies = await replyBodies([
      {
        type: 'create',
        name: 'cart',
        initial_state: [],
        key: 'sku',
        handlers: { Added: 'append', Removed: 'remove', Cleared: 'replace', Viewed: 'ignore' },
      },
      updateBody('cart', 'Added', { sku: 'a', qty: 1 }),
      updateBody('cart', 'Added', { sku: 'a', qty: 2 }),
      updateBody('cart', 'Changed', { sku: 'a', qty: 5 }),
      updateBody('cart', 'Viewed', { sku: 'zzz' }),
      updateBody('cart', 'Removed', { sku: 'a' }),
      updateBody('cart', 'Removed', { qty: 1 }),
      updateBody('cart', 'Cleared', { note: 'now an object' }),
      updateBody('cart', 'Added', { sku: 'b' }),
      readBody('cart'),
    ]);
    expect(replies).toEqual([
      { type: 'projection_created', in_reply_to: 1, name: 'cart', version: 0 },
      { type: 'projection_updated', in_reply_to: 2, projection: 'cart', version: 1, state: [{ sku: 'a', qty: 1 }] },
      {
        type: 'projection_updated',
        in_reply_to: 3,
        projection: 'cart',
        version: 2,
        state: [
          { sku: 'a', qty: 1 },
          { sku: 'a', qty: 2 },
        ],
      },
      {
        type: 'projection_updated',
        in_reply_to: 4,
        projection: 'cart',
        version: 3,
        state: [
          { sku: 'a', qty: 5 },
          { sku: 'a', qty: 2 },
        ],
      },
      {
        type: 'projection_updated',
        in_reply_to: 5,
        projection: 'cart',
        version: 4,
        state: [
          { sku: 'a', qty: 5 },
          { sku: 'a', qty: 2 },
        ],
      },
      { type: 'projection_updated', in_reply_to: 6, projection: 'cart', version: 5, state: [{ sku: 'a', qty: 2 }] },
      {
        type: 'error',
        in_reply_to: 7,
        code: 12,
        text: 'update: remove needs event_data to be an object with the key "sku"',
      },
      { type: 'projection_updated', in_reply_to: 8, projection: 'cart', version: 6, state: { note: 'now an object' } },
      {
        type: 'error',
        in_reply_to: 9,
        code: 12,
        text: 'update: append needs an array state, but the state is an object',
      },
      { type: 'read_ok', in_reply_to: 10, projection: 'cart', version: 6, state: { note: 'now an object' } },
    ]);
  });

  it('remove on an object state, and merge into a scalar', async () => {
    const replies = await replyBodies([
      { type: 'create', name: 'flags', initial_state: { a: 1, b: 2, c: 3 }, handlers: { Unset: 'remove' } },
      updateBody('flags', 'Unset', ['a', 'b']),
      { type: 'create', name: 'counter', initial_state: 0 },
      updateBody('counter', 'Set', 7),
      updateBody('counter', 'Unset', 1),
    ]);
    expect(replies).toEqual([
      { type: 'projection_created', in_reply_to: 1, name: 'flags', version: 0 },
      { type: 'projection_updated', in_reply_to: 2, projection: 'flags', version: 1, state: { c: 3 } },
      { type: 'projection_created', in_reply_to: 3, name: 'counter', version: 0 },
      { type: 'projection_updated', in_reply_to: 4, projection: 'counter', version: 1, state: 7 },
      { type: 'projection_updated', in_reply_to: 5, projection: 'counter', version: 2, state: 1 },
    ]);
  });

  it('refuses an unknown op or a bad key at create', async () => {
    const replies = await replyBodies([
      { type: 'create', name: 'x', handlers: { E: 'upsert' } },
      { type: 'create', name: 'x', key: 7 },
      { type: 'list' },
    ]);
    expect(replies).toEqual([
      {
        type: 'error',
        in_reply_to: 1,
        code: 12,
        text: 'create: handlers.E must be one of merge, append, remove, replace, ignore',
      },
      { type: 'error', in_reply_to: 2, code: 12, text: 'create: key must be a string, got number' },
      { type: 'list_ok', in_reply_to: 3, projections: [] },
    ]);
  });
});

describe('queries and management, end to end', () => {
  it('read, list in creation order, delete, and errors 20 and 21', async () => {
    const replies = await replyBodies([
      { type: 'create', name: 'b' },
      { type: 'create', name: 'a', initial_state: { n: 0 } },
      { type: 'create', name: 'b' },
      updateBody('a', 'E', { n: 1 }),
      { type: 'list' },
      { type: 'delete', projection: 'b' },
      { type: 'delete', projection: 'b' },
      readBody('b'),
      readBody('a'),
    ]);
    expect(replies).toEqual([
      { type: 'projection_created', in_reply_to: 1, name: 'b', version: 0 },
      { type: 'projection_created', in_reply_to: 2, name: 'a', version: 0 },
      { type: 'error', in_reply_to: 3, code: 21, text: 'create: projection "b" already exists at version 0' },
      { type: 'projection_updated', in_reply_to: 4, projection: 'a', version: 1, state: { n: 1 } },
      {
        type: 'list_ok',
        in_reply_to: 5,
        projections: [
          { name: 'b', version: 0 },
          { name: 'a', version: 1 },
        ],
      },
      { type: 'delete_ok', in_reply_to: 6, projection: 'b' },
      { type: 'error', in_reply_to: 7, code: 20, text: 'delete: projection "b" does not exist' },
      { type: 'error', in_reply_to: 8, code: 20, text: 'read: projection "b" does not exist' },
      { type: 'read_ok', in_reply_to: 9, projection: 'a', version: 1, state: { n: 1 } },
    ]);
  });
});
