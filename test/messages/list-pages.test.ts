/** list with prefix, offset and limit: a page of the projections, and their total. */
import { describe, expect, it } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { exchange } from '../support/in-process-node.js';
import { bodies, type ReplyBody, requestLines } from '../support/messages.js';

const NAMES = ['user-1', 'order-1', 'user-2', 'user-3', 'order-2'];

async function listed(...lists: object[]): Promise<ReplyBody[]> {
  const creates = NAMES.map((name) => ({ type: 'create', name }));
  const { out } = await exchange(
    requestLines([...creates, ...lists.map((list) => ({ type: 'list', ...list }))]),
    (node) => serveProjections(node, { rpcTimeoutMs: 1000 }),
  );
  return bodies(out).slice(NAMES.length);
}

const names = (reply: ReplyBody | undefined) =>
  ((reply?.projections ?? []) as { name: string }[]).map(({ name }) => name);

describe('list pages', () => {
  it('without prefix, offset or limit, is every projection and no total, as always', async () => {
    const [reply] = await listed({});
    expect(Object.keys(reply ?? {})).toEqual(['type', 'in_reply_to', 'projections']);
    expect(names(reply)).toEqual(NAMES);
  });

  it('with any of them, adds the total of the names that match the prefix', async () => {
    const replies = await listed(
      { prefix: 'user-' },
      { offset: 1, limit: 2 },
      { prefix: 'order-', offset: 1 },
      { limit: 0 },
    );
    expect(replies.map(names)).toEqual([['user-1', 'user-2', 'user-3'], ['order-1', 'user-2'], ['order-2'], []]);
    expect(replies.map(({ total }) => total)).toEqual([3, 5, 2, 5]);
    expect(Object.keys(replies[0] ?? {})).toEqual(['type', 'in_reply_to', 'projections', 'total']);
    expect(replies[0]?.projections).toEqual([
      { name: 'user-1', version: 0 },
      { name: 'user-2', version: 0 },
      { name: 'user-3', version: 0 },
    ]);
  });

  it('is an empty page past the end, and matches a prefix exactly (case and all)', async () => {
    const replies = await listed({ offset: 5 }, { prefix: 'User' }, { prefix: '' }, { prefix: 'user-1', limit: 9 });
    expect(replies.map(names)).toEqual([[], [], NAMES, ['user-1']]);
    expect(replies.map(({ total }) => total)).toEqual([5, 0, 5, 1]);
  });

  it('takes an offset and a limit of any size, as query does', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"type":"create","msg_id":1,"name":"a"}}',
        '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":2,"offset":123456789012345678901234567890}}',
        '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":3,"limit":1e400}}',
      ],
      (node) => serveProjections(node, { rpcTimeoutMs: 1000 }),
    );
    expect(bodies(out).slice(1)).toEqual([
      { type: 'list_ok', in_reply_to: 2, projections: [], total: 1 },
      { type: 'list_ok', in_reply_to: 3, projections: [{ name: 'a', version: 0 }], total: 1 },
    ]);
  });

  it('takes 2^53 and 1e21 as an offset or a limit', async () => {
    const replies = await listed({ offset: 2 ** 53 }, { limit: 2 ** 53 }, { offset: 1e21, limit: 1 });
    expect(replies.map(names)).toEqual([[], NAMES, []]);
    expect(replies.map(({ total }) => total)).toEqual([5, 5, 5]);
  });

  it('is error 12 naming the option for a bad prefix, offset or limit', async () => {
    const replies = await listed(
      { offset: -1 },
      { limit: 1.5 },
      { limit: '10' },
      { offset: null },
      { prefix: 7 },
      { prefix: 'x'.repeat(1025) },
    );
    expect(replies.map(({ code, text }) => `${code}: ${text}`)).toEqual([
      '12: list: offset must be a non-negative integer',
      '12: list: limit must be a non-negative integer',
      '12: list: limit must be a non-negative integer',
      '12: list: offset must be a non-negative integer',
      '12: list: prefix must be a string, got number',
      '12: list: prefix must be at most 1024 characters',
    ]);
  });

  it('is error 12 when its JSON would pass the bound on a reply, which paging keeps it under', async () => {
    // The five summaries' JSON is 153 characters: a bound of 120 holds three, not all five.
    expect(JSON.stringify(NAMES.map((name) => ({ name, version: 0 })))).toHaveLength(153);
    const creates = NAMES.map((name) => ({ type: 'create', name }));
    const lists = [{}, { prefix: 'user-' }, { limit: 3 }].map((list) => ({ type: 'list', ...list }));
    const { out } = await exchange(requestLines([...creates, ...lists]), (node) =>
      serveProjections(node, { rpcTimeoutMs: 1000, maxStateJson: 120 }),
    );
    const [all, users, page] = bodies(out).slice(NAMES.length);
    expect(all).toEqual({
      type: 'error',
      in_reply_to: NAMES.length + 1,
      code: 12,
      text: 'list: the projections would be 153 characters of JSON, over the 120 a reply may hold; ask for pages with offset and limit',
    });
    expect(names(users)).toEqual(['user-1', 'user-2', 'user-3']);
    expect(names(page)).toEqual(['user-1', 'order-1', 'user-2']);
  });

  it('measures escaped names as written: a bound of exactly their JSON holds them, one less does not', async () => {
    const name = 'a\u0001"b\\';
    const exact = JSON.stringify([{ name, version: 0 }]).length;
    const list = async (maxStateJson: number): Promise<ReplyBody | undefined> => {
      const { out } = await exchange(requestLines([{ type: 'create', name }, { type: 'list' }]), (node) =>
        serveProjections(node, { rpcTimeoutMs: 1000, maxStateJson }),
      );
      return bodies(out)[1];
    };
    expect(names(await list(exact))).toEqual([name]);
    expect(await list(exact - 1)).toMatchObject({ type: 'error', code: 12 });
  });
});
