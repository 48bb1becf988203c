/** Writes end to end: redelivered events, expected versions, and rebuilds that apply all or nothing. */
import { describe, expect, it } from 'vitest';
import { CHECKS_BEFORE_COMPILING } from '../../src/schema/hot-schema.js';
import { bodies, message, readBody, updateBody } from '../support/messages.js';
import { replyBodies, runNode } from '../support/spawned-node.js';

describe('redelivery, concurrency and atomic rebuild, end to end', () => {
  const event = (id: string, eventId?: string | number) => ({
    event_type: 'E',
    event_data: { id },
    ...(eventId === undefined ? {} : { event_id: eventId }),
  });

  it('duplicates across updates and rebuilds, and within one rebuild', async () => {
    const replies = await replyBodies([
      updateBody('p', 'E', { id: 'a' }, { event_id: 'e1' }),
      updateBody('p', 'E', { id: 'b' }, { event_id: 'e1' }),
      {
        type: 'rebuild',
        projection: 'p',
        events: [event('x', 'e2'), event('y', 'e2'), event('z', 7), event('w', '7')],
      },
      updateBody('p', 'E', { id: 'again' }, { event_id: 'e1' }),
      updateBody('p', 'E', { id: 'again' }, { event_id: 7 }),
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
    const replies = await replyBodies([
      updateBody('p', 'E', { id: 'a' }, {}),
      { ...updateBody('p', 'E', { id: 'b' }), expected_version: 1 },
      { ...updateBody('p', 'E', { id: 'c' }), expected_version: 1 },
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

  it('an expected_version no version reaches is stale like any other, and named as written', async () => {
    const write = (fields: string): string =>
      `"projection":"p",${fields},"event":{"event_type":"E","event_data":{"id":"a"}}`;
    const lines = [
      `{"type":"update","msg_id":1,${write('"expected_version":9007199254740993')}}`,
      `{"type":"update","msg_id":2,${write('"expected_version":1e20')}}`,
      '{"type":"rebuild","msg_id":3,"projection":"p","events":[],"expected_version":9007199254740992}',
      '{"type":"rebuild","msg_id":4,"projection":"p","events":[],"expected_version":1e400}',
      '{"type":"read","msg_id":5,"projection":"p"}',
    ];
    const { stdout } = await runNode(`${lines.map(message).join('\n')}\n`);
    const stale = (type: string, version: string) =>
      `${type}: expected version ${version}, but projection "p" is at version 0`;
    expect(bodies(stdout)).toEqual([
      { type: 'error', in_reply_to: 1, code: 22, text: stale('update', '9007199254740993') },
      { type: 'error', in_reply_to: 2, code: 22, text: stale('update', '100000000000000000000') },
      { type: 'error', in_reply_to: 3, code: 22, text: stale('rebuild', '9007199254740992') },
      { type: 'error', in_reply_to: 4, code: 22, text: stale('rebuild', '1e400') },
      { type: 'error', in_reply_to: 5, code: 20, text: 'read: projection "p" does not exist' },
    ]);
  });

  it(`names bad requests and bad events the same once their checks are compiled (after ${CHECKS_BEFORE_COMPILING})`, async () => {
    const warmUp = Array.from({ length: CHECKS_BEFORE_COMPILING }, (_, index) => updateBody('o', 'E', { last: index }));
    const events: object[] = Array.from({ length: CHECKS_BEFORE_COMPILING + 10 }, (_, index) => ({
      event_type: 'E',
      event_data: { index },
    }));
    // The first bad event, checked by the compiled schema; the second is never looked at.
    events[CHECKS_BEFORE_COMPILING + 5] = { event_type: 5 };
    events[CHECKS_BEFORE_COMPILING + 7] = { event_type: 'E' };
    const replies = await replyBodies([
      { type: 'create', name: 'o', initial_state: {} },
      ...warmUp,
      updateBody('o', 5, {}),
      { type: 'rebuild', projection: 'o', events },
      readBody('o'),
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
    const replies = await replyBodies([
      { type: 'create', name: 'o', initial_state: {} },
      updateBody('o', 'E', { kept: true }, { event_id: 'e1' }),
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
      readBody('o'),
      updateBody('o', 'E', { other: 1 }, { event_id: 'e1' }),
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
