/** query and create's indexes through the protocol, in process: replies as written, and every bad option. */
import { describe, expect, it } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { exchange } from '../support/in-process-node.js';
import { bodies, message, type ReplyBody } from '../support/messages.js';

const run = async (lines: readonly string[], maxStateJson?: number): Promise<string[]> => {
  const { out } = await exchange(lines.map(message), (node) =>
    serveProjections(node, { rpcTimeoutMs: 1000, ...(maxStateJson ? { maxStateJson } : {}) }),
  );
  return out;
};
const errorOf = (reply: ReplyBody): string => `${reply.code}: ${reply.text}`;

const USERS =
  '{"type":"create","msg_id":1,"name":"users","indexes":["email"],"initial_state":[' +
  '{"id":"u1","email":"a@x","n":9007199254740993},{"id":2,"email":"b@x"},{"id":"u3","email":"a@x"}]}';

describe('query', () => {
  it('answers with the total and the items, exact numbers kept, fields in reply order', async () => {
    const out = await run([
      USERS,
      '{"type":"query","msg_id":2,"projection":"users","where":{"email":"a@x"},"limit":1}',
      '{"type":"query","msg_id":3,"projection":"users","key":2,"fields":["email"]}',
      '{"type":"query","msg_id":4,"projection":"users","order_by":"id","descending":true,"offset":1,"fields":["id"]}',
    ]);
    expect(out.slice(1)).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"query_ok","in_reply_to":2,"projection":"users","version":0,"total":2,"items":[{"id":"u1","email":"a@x","n":9007199254740993}]}}',
      '{"src":"n1","dest":"c1","body":{"type":"query_ok","in_reply_to":3,"projection":"users","version":0,"total":1,"items":[{"email":"b@x"}]}}',
      // Numbers before strings: descending puts the strings first.
      '{"src":"n1","dest":"c1","body":{"type":"query_ok","in_reply_to":4,"projection":"users","version":0,"total":3,"items":[{"id":"u1"},{"id":2}]}}',
    ]);
  });

  it('takes a key of any JSON value, null included, and offset and limit of any size', async () => {
    const out = bodies(
      await run([
        '{"type":"create","msg_id":1,"name":"p","initial_state":[{"id":null},{"id":{"a":[1]}},{"x":1}]}',
        '{"type":"query","msg_id":2,"projection":"p","key":null}',
        '{"type":"query","msg_id":3,"projection":"p","key":{"a":[1.0]}}',
        '{"type":"query","msg_id":4,"projection":"p","offset":123456789012345678901234567890}',
        '{"type":"query","msg_id":5,"projection":"p","limit":1e400}',
      ]),
    );
    expect(out.slice(1).map(({ total, items }) => ({ total, items }))).toEqual([
      { total: 1, items: [{ id: null }] },
      { total: 1, items: [{ id: { a: [1] } }] },
      { total: 3, items: [] },
      { total: 3, items: [{ id: null }, { id: { a: [1] } }, { x: 1 }] },
    ]);
  });

  it('finds a scalar state by no key and by no where that names a field; {} names none', async () => {
    const out = bodies(
      await run([
        '{"type":"create","msg_id":1,"name":"s","initial_state":7}',
        '{"type":"query","msg_id":2,"projection":"s"}',
        '{"type":"query","msg_id":3,"projection":"s","where":{}}',
        '{"type":"query","msg_id":4,"projection":"s","key":7}',
        '{"type":"query","msg_id":5,"projection":"s","where":{"key":7}}',
      ]),
    );
    expect(out.slice(1).map(({ total, items }) => [total, items])).toEqual([
      [1, [7]],
      [1, [7]],
      [0, []],
      [0, []],
    ]);
  });

  it('refuses an unknown projection with error 20 and never creates it', async () => {
    const out = bodies(await run(['{"type":"query","msg_id":1,"projection":"nope"}', '{"type":"list","msg_id":2}']));
    expect(errorOf(out[0] as ReplyBody)).toBe('20: query: projection "nope" does not exist');
    expect(out[1]).toMatchObject({ projections: [] });
  });

  it.each([
    ['{"projection":"users","where":[1]}', 'where must be an object, got array'],
    ['{"projection":"users","where":{"":1}}', 'where has an empty field name'],
    [
      `{"projection":"users","where":{"${'f'.repeat(1025)}":1}}`,
      `where.${'f'.repeat(40)}… is a field name longer than 1024 characters`,
    ],
    [
      `{"projection":"users","where":{${Array.from({ length: 65 }, (_, i) => `"f${i}":1`).join(',')}}}`,
      'where must have at most 64 fields',
    ],
    ['{"projection":"users","order_by":1}', 'order_by must be a string, got number'],
    ['{"projection":"users","order_by":""}', 'order_by must not be empty'],
    ['{"projection":"users","descending":"yes"}', 'descending must be a boolean, got string'],
    ['{"projection":"users","offset":-1}', 'offset must be a non-negative integer'],
    ['{"projection":"users","offset":1.5}', 'offset must be a non-negative integer'],
    ['{"projection":"users","limit":"10"}', 'limit must be a non-negative integer'],
    ['{"projection":"users","limit":-123456789012345678901234567890}', 'limit must be a non-negative integer'],
    ['{"projection":"users","fields":"id"}', 'fields must be an array, got string'],
    ['{"projection":"users","fields":["id",7]}', 'fields[1] must be a string, got number'],
    [
      `{"projection":"users","fields":${JSON.stringify(Array.from({ length: 65 }, (_, i) => `f${i}`))}}`,
      'fields must have at most 64 entries',
    ],
    ['{"where":{}}', 'projection is required'],
  ])('a bad option is error 12 naming it: %s', async (fields, text) => {
    const request = `{"type":"query","msg_id":2,${fields.slice(1)}`;
    const out = bodies(await run([USERS, request]));
    expect(errorOf(out[1] as ReplyBody)).toBe(`12: query: ${text}`);
  });

  it('refuses, with error 12, items whose JSON would pass the longest a reply can carry', async () => {
    const big = 'x'.repeat(100);
    const out = bodies(
      await run(
        [
          `{"type":"create","msg_id":1,"name":"o","initial_state":{"a":"${big}","b":"${big}"}}`,
          '{"type":"query","msg_id":2,"projection":"o"}',
          '{"type":"query","msg_id":3,"projection":"o","limit":1}',
        ],
        240,
      ),
    );
    expect(errorOf(out[1] as ReplyBody)).toBe(
      "12: query: the items' JSON would be longer than 240 characters, the most a reply can carry; ask for fewer with limit",
    );
    expect(out[2]).toMatchObject({ type: 'query_ok', total: 2, items: [{ key: 'a', value: big }] });
  });
});

describe("create's indexes", () => {
  it.each([
    ['"email"', 'indexes must be an array, got string'],
    ['["email",null]', 'indexes[1] must be a string, got null'],
    ['[""]', 'indexes[0] must not be empty'],
    [JSON.stringify(['e'.repeat(1025)]), 'indexes[0] must be at most 1024 characters'],
    [JSON.stringify(Array.from({ length: 65 }, (_, i) => `f${i}`)), 'indexes must have at most 64 entries'],
  ])('refuses %s with error 12 naming it, and creates nothing', async (indexes, text) => {
    const out = bodies(
      await run([`{"type":"create","msg_id":1,"name":"p","indexes":${indexes}}`, '{"type":"list","msg_id":2}']),
    );
    expect(errorOf(out[0] as ReplyBody)).toBe(`12: create: ${text}`);
    expect(out[1]).toMatchObject({ projections: [] });
  });

  it('leave the create reply as it was', async () => {
    const out = await run(['{"type":"create","msg_id":1,"name":"p","indexes":["a","b"]}']);
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"projection_created","in_reply_to":1,"name":"p","version":0}}',
    ]);
  });
});

describe("create's key", () => {
  it('is bounded as every other field name: over 1024 characters is error 12, and nothing is created', async () => {
    const out = bodies(
      await run([
        `{"type":"create","msg_id":1,"name":"p","key":"${'k'.repeat(1025)}"}`,
        `{"type":"create","msg_id":2,"name":"q","key":"${'k'.repeat(1024)}"}`,
        '{"type":"list","msg_id":3}',
      ]),
    );
    expect(errorOf(out[0] as ReplyBody)).toBe('12: create: key must be at most 1024 characters');
    expect(out[1]).toMatchObject({ type: 'projection_created', name: 'q' });
    expect(out[2]).toMatchObject({ projections: [{ name: 'q', version: 0 }] });
  });
});
