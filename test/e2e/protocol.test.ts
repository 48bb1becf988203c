import { describe, expect, it } from 'vitest';
import { bodies } from '../support/messages.js';
import { runNode } from '../support/spawned-node.js';

const line = (src: string, dest: string, body: object): string => JSON.stringify({ src, dest, body });

describe('the seed samples, each in a fresh process', () => {
  it('sample 1: create', async () => {
    const { stdout, code } = await runNode(
      '{"src":"projector","dest":"projection","body":{"type":"create","msg_id":1,"name":"user-listing","initial_state":[]}}\n',
    );
    expect(code).toBe(0);
    expect(bodies(stdout)).toEqual([{ type: 'projection_created', in_reply_to: 1, name: 'user-listing', version: 0 }]);
  });

  it('sample 2: a lone update creates the projection', async () => {
    const { stdout, code } = await runNode(
      '{"src":"eventstore","dest":"projection","body":{"type":"update","msg_id":1,"projection":"user-listing","event":{"event_type":"UserCreated","event_data":{"id":"user-123","name":"John"}}}}\n',
    );
    expect(code).toBe(0);
    expect(bodies(stdout)).toEqual([
      {
        type: 'projection_updated',
        in_reply_to: 1,
        projection: 'user-listing',
        version: 1,
        state: [{ id: 'user-123', name: 'John' }],
      },
    ]);
  });
});

describe('one process, many messages', () => {
  it('create, updates, rebuild, then more updates', async () => {
    const update = (msgId: number, data: object) =>
      line('c', 'p', {
        type: 'update',
        msg_id: msgId,
        projection: 'users',
        event: { event_type: 'UserUpserted', event_data: data },
      });
    const input = [
      line('c', 'p', { type: 'create', msg_id: 1, name: 'users', initial_state: [{ id: 'seed' }] }),
      update(2, { id: 'a', n: 1 }),
      update(3, { id: 'a', n: 2 }),
      update(4, { id: 'b', n: 3 }),
      line('c', 'p', {
        type: 'rebuild',
        msg_id: 5,
        projection: 'users',
        events: [
          { event_type: 'UserUpserted', event_data: { id: 'b', n: 10 } },
          { event_type: 'UserUpserted', event_data: { id: 'b', n: 11 } },
        ],
      }),
      update(6, { id: 'c', n: 12 }),
    ].join('\n');
    const { stdout } = await runNode(`${input}\n`);
    expect(stdout).toEqual([
      '{"src":"p","dest":"c","body":{"type":"projection_created","in_reply_to":1,"name":"users","version":0}}',
      '{"src":"p","dest":"c","body":{"type":"projection_updated","in_reply_to":2,"projection":"users","version":1,"state":[{"id":"seed"},{"id":"a","n":1}]}}',
      '{"src":"p","dest":"c","body":{"type":"projection_updated","in_reply_to":3,"projection":"users","version":2,"state":[{"id":"seed"},{"id":"a","n":2}]}}',
      '{"src":"p","dest":"c","body":{"type":"projection_updated","in_reply_to":4,"projection":"users","version":3,"state":[{"id":"seed"},{"id":"a","n":2},{"id":"b","n":3}]}}',
      '{"src":"p","dest":"c","body":{"type":"projection_rebuilt","in_reply_to":5,"projection":"users","events_processed":2,"version":2}}',
      '{"src":"p","dest":"c","body":{"type":"projection_updated","in_reply_to":6,"projection":"users","version":3,"state":[{"id":"seed"},{"id":"b","n":11},{"id":"c","n":12}]}}',
    ]);
  });

  it('after init, replies come from the node id; a request without msg_id has no in_reply_to', async () => {
    const input = [
      line('c0', 'whatever', { type: 'create', msg_id: 1, name: 'x' }),
      line('c1', 'n7', { type: 'init', msg_id: 1, node_id: 'n7', node_ids: ['n7'] }),
      line('c2', 'n7', { type: 'read', projection: 'x' }),
    ].join('\n');
    const { stdout } = await runNode(input);
    expect(stdout).toEqual([
      '{"src":"whatever","dest":"c0","body":{"type":"projection_created","in_reply_to":1,"name":"x","version":0}}',
      '{"src":"n7","dest":"c1","body":{"type":"init_ok","in_reply_to":1}}',
      '{"src":"n7","dest":"c2","body":{"type":"read_ok","projection":"x","version":0,"state":[]}}',
    ]);
  });

  it('unknown types get error 10 listing the supported types; errors name the field', async () => {
    const input = [
      line('c', 'n', { type: 'echo', msg_id: 1 }),
      line('c', 'n', { type: 'update', msg_id: 2, projection: 'p', event: { event_type: 3, event_data: {} } }),
      line('c', 'n', {
        type: 'rebuild',
        msg_id: 3,
        projection: 'p',
        events: [{ event_type: 'E', event_data: 1 }, { event_data: 2 }],
      }),
      line('c', 'n', { type: 'create', msg_id: 4, name: '', handlers: { A: 'explode' }, key: '' }),
    ].join('\n');
    const { stdout } = await runNode(input);
    expect(bodies(stdout)).toEqual([
      {
        type: 'error',
        in_reply_to: 1,
        code: 10,
        text: 'unsupported message type "echo"; supported: init, create, update, rebuild, read, query, list, delete, describe, stats',
      },
      { type: 'error', in_reply_to: 2, code: 12, text: 'update: event.event_type must be a string, got number' },
      { type: 'error', in_reply_to: 3, code: 12, text: 'rebuild: events[1].event_type is required' },
      {
        type: 'error',
        in_reply_to: 4,
        code: 12,
        text: 'create: name must not be empty; handlers.A must be one of merge, append, remove, replace, ignore; key must be a non-empty string',
      },
    ]);
  });
});

describe('framing', () => {
  const create =
    '{"src":"c","dest":"n","body":{"type":"create","msg_id":1,"name":"h€llo 😀","initial_state":{"note":"ünïcödé"}}}';
  const read = '{"src":"c","dest":"n","body":{"type":"read","msg_id":2,"projection":"h€llo 😀"}}';
  const expected = [
    '{"src":"n","dest":"c","body":{"type":"projection_created","in_reply_to":1,"name":"h€llo 😀","version":0}}',
    '{"src":"n","dest":"c","body":{"type":"read_ok","in_reply_to":2,"projection":"h€llo 😀","version":0,"state":{"note":"ünïcödé"}}}',
  ];

  it('joins stdin chunks split inside a line and inside a UTF-8 character', async () => {
    const bytes = Buffer.from(`${create}\n${read}\n`);
    const euro = bytes.indexOf('€');
    const chunks = [
      bytes.subarray(0, 10),
      bytes.subarray(10, euro + 1),
      bytes.subarray(euro + 1, euro + 2),
      bytes.subarray(euro + 2),
    ];
    const { stdout } = await runNode(chunks);
    expect(stdout).toEqual(expected);
  });

  it('accepts CRLF line ends and ignores blank lines', async () => {
    const { stdout, stderr } = await runNode(`${create}\r\n\r\n   \n${read}\r\n`);
    expect(stdout).toEqual(expected);
    expect(stderr).toBe('');
  });

  it('logs a line it cannot answer to stderr, with its number, and answers the rest', async () => {
    const { stdout, stderr, code } = await runNode(`${create}\nnot json at all\n${read}`);
    expect(stdout).toEqual(expected);
    expect(stderr).toMatch(/^line 2: not JSON \(.*\): "not json at all"\n$/);
    expect(code).toBe(0);
  });
});
