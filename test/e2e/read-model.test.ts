import { describe, expect, it } from 'vitest';
import { CHECKS_BEFORE_COMPILING } from '../../src/schema/hot-schema.js';
import { requestLines } from '../support/messages.js';
import { runNode } from '../support/spawned-node.js';

/** Sends each body from client c1 to n1, numbering msg_ids from 1, and returns the reply bodies. */
async function exchange(bodies: readonly object[]): Promise<unknown[]> {
  const { stdout, stderr, code } = await runNode(`${requestLines(bodies).join('\n')}\n`);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout.map((line) => JSON.parse(line).body);
}

const update = (projection: string, event_type: unknown, event_data: unknown, extra: object = {}) => ({
  type: 'update',
  projection,
  event: { event_type, event_data, ...extra },
});
const read = (projection: string) => ({ type: 'read', projection });

describe('declarative handlers, end to end', () => {
  it('append, remove, replace and ignore on an array keyed by sku', async () => {
    const replies = await exchange([
      {
        type: 'create',
        name: 'cart',
        initial_state: [],
        key: 'sku',
        handlers: { Added: 'append', Removed: 'remove', Cleared: 'replace', Viewed: 'ignore' },
      },
      update('cart', 'Added', { sku: 'a', qty: 1 }),
      update('cart', 'Added', { sku: 'a', qty: 2 }),
      update('cart', 'Changed', { sku: 'a', qty: 5 }),
      update('cart', 'Viewed', { sku: 'zzz' }),
      update('cart', 'Removed', { sku: 'a' }),
      update('cart', 'Removed', { qty: 1 }),
      update('cart', 'Cleared', { note: 'now an object' }),
      update('cart', 'Added', { sku: 'b' }),
      read('cart'),
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
    const replies = await exchange([
      { type: 'create', name: 'flags', initial_state: { a: 1, b: 2, c: 3 }, handlers: { Unset: 'remove' } },
      update('flags', 'Unset', ['a', 'b']),
      { type: 'create', name: 'counter', initial_state: 0 },
      update('counter', 'Set', 7),
      update('counter', 'Unset', 1),
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
    const replies = await exchange([
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
    const replies = await exchange([
      { type: 'create', name: 'b' },
      { type: 'create', name: 'a', initial_state: { n: 0 } },
      { type: 'create', name: 'b' },
      update('a', 'E', { n: 1 }),
      { type: 'list' },
      { type: 'delete', projection: 'b' },
      { type: 'delete', projection: 'b' },
      read('b'),
      read('a'),
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

describe('redelivery, concurrency and atomic rebuild, end to end', () => {
  const event = (id: string, eventId?: string | number) => ({
    event_type: 'E',
    event_data: { id },
    ...(eventId === undefined ? {} : { event_id: eventId }),
  });

  it('duplicates across updates and rebuilds, and within one rebuild', async () => {
    const replies = await exchange([
      update('p', 'E', { id: 'a' }, { event_id: 'e1' }),
      update('p', 'E', { id: 'b' }, { event_id: 'e1' }),
      {
        type: 'rebuild',
        projection: 'p',
        events: [event('x', 'e2'), event('y', 'e2'), event('z', 7), event('w', '7')],
      },
      update('p', 'E', { id: 'again' }, { event_id: 'e1' }),
      update('p', 'E', { id: 'again' }, { event_id: 7 }),
    ]);
    expect(replies).toEqual([
      { type: 'projection_updated', in_reply_to: 1, projection: 'p', version: 1, state: [{ id: 'a' }] },
      {
        type: 'projection_updated',
        in_reply_to: 2,
        projection: 'p',
        version: 1,
        state: [{ id: 'a' }],
        duplicate: true,
      },
      { type: 'projection_rebuilt', in_reply_to: 3, projection: 'p', events_processed: 3, version: 3 },
      {
        type: 'projection_updated',
        in_reply_to: 4,
        projection: 'p',
        version: 4,
        state: [{ id: 'x' }, { id: 'z' }, { id: 'w' }, { id: 'again' }],
      },
      {
        type: 'projection_updated',
        in_reply_to: 5,
        projection: 'p',
        version: 4,
        state: [{ id: 'x' }, { id: 'z' }, { id: 'w' }, { id: 'again' }],
        duplicate: true,
      },
    ]);
  });

  it('expected_version on update and rebuild', async () => {
    const replies = await exchange([
      update('p', 'E', { id: 'a' }, {}),
      { ...update('p', 'E', { id: 'b' }), expected_version: 1 },
      { ...update('p', 'E', { id: 'c' }), expected_version: 1 },
      { type: 'rebuild', projection: 'p', events: [event('r')], expected_version: 0 },
      { type: 'rebuild', projection: 'p', events: [event('r')], expected_version: 2 },
      { type: 'rebuild', projection: 'fresh', events: [], expected_version: 0 },
    ]);
    expect(replies).toEqual([
      { type: 'projection_updated', in_reply_to: 1, projection: 'p', version: 1, state: [{ id: 'a' }] },
      { type: 'projection_updated', in_reply_to: 2, projection: 'p', version: 2, state: [{ id: 'a' }, { id: 'b' }] },
      {
        type: 'error',
        in_reply_to: 3,
        code: 22,
        text: 'update: expected version 1, but projection "p" is at version 2',
      },
      {
        type: 'error',
        in_reply_to: 4,
        code: 22,
        text: 'rebuild: expected version 0, but projection "p" is at version 2',
      },
      { type: 'projection_rebuilt', in_reply_to: 5, projection: 'p', events_processed: 1, version: 1 },
      { type: 'projection_rebuilt', in_reply_to: 6, projection: 'fresh', events_processed: 0, version: 0 },
    ]);
  });

  it(`names bad requests and bad events the same once their checks are compiled (after ${CHECKS_BEFORE_COMPILING})`, async () => {
    const warmUp = Array.from({ length: CHECKS_BEFORE_COMPILING }, (_, index) => update('o', 'E', { last: index }));
    const events: object[] = Array.from({ length: CHECKS_BEFORE_COMPILING + 10 }, (_, index) => ({
      event_type: 'E',
      event_data: { index },
    }));
    // The first bad event, checked by the compiled schema; the second is never looked at.
    events[CHECKS_BEFORE_COMPILING + 5] = { event_type: 5 };
    events[CHECKS_BEFORE_COMPILING + 7] = { event_type: 'E' };
    const replies = await exchange([
      { type: 'create', name: 'o', initial_state: {} },
      ...warmUp,
      update('o', 5, {}),
      { type: 'rebuild', projection: 'o', events },
      read('o'),
    ]);
    expect(replies.slice(-3)).toEqual([
      {
        type: 'error',
        in_reply_to: CHECKS_BEFORE_COMPILING + 2,
        code: 12,
        text: 'update: event.event_type must be a string, got number',
      },
      {
        type: 'error',
        in_reply_to: CHECKS_BEFORE_COMPILING + 3,
        code: 12,
        text: `rebuild: events[${CHECKS_BEFORE_COMPILING + 5}].event_type must be a string, got number; events[${CHECKS_BEFORE_COMPILING + 5}].event_data is required`,
      },
      {
        type: 'read_ok',
        in_reply_to: CHECKS_BEFORE_COMPILING + 4,
        projection: 'o',
        version: CHECKS_BEFORE_COMPILING,
        state: { last: CHECKS_BEFORE_COMPILING - 1 },
      },
    ]);
  });

  it('a rebuild with one bad event changes nothing, and names the event', async () => {
    const replies = await exchange([
      { type: 'create', name: 'o', initial_state: {} },
      update('o', 'E', { kept: true }, { event_id: 'e1' }),
      {
        type: 'rebuild',
        projection: 'o',
        events: [
          { event_type: 'E', event_data: { a: 1 } },
          { event_type: 'E', event_data: [1] },
        ],
      },
      {
        type: 'rebuild',
        projection: 'o',
        events: [{ event_type: 'E', event_data: { a: 1 } }, { event_type: 'E' }, { event_type: 5, event_data: {} }],
      },
      read('o'),
      update('o', 'E', { other: 1 }, { event_id: 'e1' }),
    ]);
    expect(replies).toEqual([
      { type: 'projection_created', in_reply_to: 1, name: 'o', version: 0 },
      { type: 'projection_updated', in_reply_to: 2, projection: 'o', version: 1, state: { kept: true } },
      {
        type: 'error',
        in_reply_to: 3,
        code: 12,
        text: 'rebuild: events[1]: merge into an object state needs event_data to be an object, got array',
      },
      {
        type: 'error',
        in_reply_to: 4,
        code: 12,
        text: 'rebuild: events[1].event_data is required',
      },
      { type: 'read_ok', in_reply_to: 5, projection: 'o', version: 1, state: { kept: true } },
      {
        type: 'projection_updated',
        in_reply_to: 6,
        projection: 'o',
        version: 1,
        state: { kept: true },
        duplicate: true,
      },
    ]);
  });
});
