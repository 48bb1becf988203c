/** describe: a projection's definition, version, state kind and size, JSON bytes, event ids and last change. */
import { describe, expect, it } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { exchange } from '../support/in-process-node.js';
import { bodies, type ReplyBody, requestLines } from '../support/messages.js';

/** 2024-06-01T12:00:00Z, in whole seconds since the epoch. */
const JUNE_FIRST = 1_717_243_200;

async function run(requests: readonly object[], clock = () => JUNE_FIRST): Promise<ReplyBody[]> {
  const { out } = await exchange(requestLines(requests), (node) =>
    serveProjections(node, { rpcTimeoutMs: 1000, clock }),
  );
  return bodies(out);
}

const describeBody = (projection: string) => ({ type: 'describe', projection });

describe('describe', () => {
  it('gives the definition, the version, the kind and size of the state, its JSON bytes, ids and last change', async () => {
    const replies = await run([
      { type: 'create', name: 'users', initial_state: [], handlers: { UserDeleted: 'remove' }, key: 'uid' },
      { type: 'update', projection: 'users', event: { event_type: 'A', event_id: 'e1', event_data: { uid: 1 } } },
      { type: 'update', projection: 'users', event: { event_type: 'A', event_id: 2, event_data: { uid: 'é€😀' } } },
      describeBody('users'),
    ]);
    expect(replies[3]).toEqual({
      type: 'describe_ok',
      in_reply_to: 4,
      projection: 'users',
      version: 2,
      initial_state: [],
      handlers: { UserDeleted: 'remove' },
      key: 'uid',
      indexes: [],
      kind: 'array',
      size: 2,
      // [{"uid":1},{"uid":"é€😀"}]: 22 ASCII characters, and 2 + 3 + 4 bytes for the three others.
      json_bytes: 31,
      event_ids: 2,
      changed_at: '2024-06-01T12:00:00Z',
    });
  });

  it('reports an object state by its members and a scalar state with no size', async () => {
    const replies = await run([
      { type: 'create', name: 'totals', initial_state: { a: 1 } },
      { type: 'update', projection: 'totals', event: { event_type: 'E', event_data: { b: 'x' } } },
      { type: 'create', name: 'flag', initial_state: null },
      describeBody('totals'),
      describeBody('flag'),
    ]);
    expect(replies[3]).toMatchObject({ kind: 'object', size: 2, json_bytes: '{"a":1,"b":"x"}'.length });
    expect(replies[4]).toMatchObject({ kind: 'scalar', size: null, json_bytes: 4, initial_state: null });
  });

  it('counts UTF-8 bytes of a state whose JSON is cached as bytes (32 elements or more) too', async () => {
    const events = Array.from({ length: 40 }, (_, id) => ({ event_type: 'E', event_data: { id, name: 'Zoë' } }));
    const replies = await run([
      { type: 'rebuild', projection: 'big', events },
      { type: 'read', projection: 'big' },
      { type: 'update', projection: 'big', event: { event_type: 'E', event_data: { id: 40, name: 'Zoë' } } },
      describeBody('big'),
      { type: 'read', projection: 'big' },
    ]);
    const state = replies[4]?.state;
    expect(replies[3]).toMatchObject({ size: 41, json_bytes: Buffer.byteLength(JSON.stringify(state)) });
  });

  it('gives the time of the last change to the second, from the clock of each change', async () => {
    const times = [JUNE_FIRST, JUNE_FIRST + 61, JUNE_FIRST + 3600, JUNE_FIRST + 7200];
    let call = 0;
    const replies = await run(
      [
        { type: 'create', name: 'p' },
        describeBody('p'),
        { type: 'update', projection: 'p', event: { event_type: 'E', event_id: 'e', event_data: { id: 1 } } },
        { type: 'update', projection: 'p', event: { event_type: 'E', event_id: 'e', event_data: { id: 1 } } },
        describeBody('p'),
        { type: 'rebuild', projection: 'p', events: [] },
        describeBody('p'),
      ],
      () => times[call++] ?? 0,
    );
    expect([replies[1], replies[4], replies[6]].map((reply) => reply?.changed_at)).toEqual([
      '2024-06-01T12:00:00Z',
      '2024-06-01T12:01:01Z',
      '2024-06-01T13:00:00Z',
    ]);
  });

  it('is error 20 for an unknown projection and error 12 naming a bad field; neither changes anything', async () => {
    const replies = await run([
      describeBody('nobody'),
      { type: 'describe' },
      { type: 'describe', projection: 7 },
      { type: 'describe', projection: '' },
      { type: 'list' },
    ]);
    expect(replies.map(({ code, text }) => `${code}: ${text}`).slice(0, 4)).toEqual([
      '20: describe: projection "nobody" does not exist',
      '12: describe: projection is required',
      '12: describe: projection must be a string, got number',
      '12: describe: projection must not be empty',
    ]);
    expect(replies[4]).toEqual({ type: 'list_ok', in_reply_to: 5, projections: [] });
  });

  it('lists a handler table with "__proto__" as an event type like any other', async () => {
    const replies = await run([
      { type: 'create', name: 'p', handlers: JSON.parse('{"__proto__":"ignore","E":"append"}') as object },
      describeBody('p'),
    ]);
    expect(Object.entries(replies[1]?.handlers as object)).toEqual([
      ['__proto__', 'ignore'],
      ['E', 'append'],
    ]);
  });
});
