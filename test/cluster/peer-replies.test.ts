/** What a node relays when a peer answers a forward with a body no node writes: error 13, never the body. */
import { describe, expect, it } from 'vitest';
import { nameOwnedBy } from '../support/ownership.js';
import { SpawnedNode } from '../support/spawned-node.js';

const init = '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1","n2"]}}';

/** Sends `request` from c1 to n1, answers n1's forward to n2 with `answer`, and returns n1's reply to c1. */
async function relayed(
  request: object,
  answer: (inReplyTo: number) => object,
  args: readonly string[] = [],
): Promise<unknown> {
  const node = new SpawnedNode(args);
  node.writeLines([init, JSON.stringify({ src: 'c1', dest: 'n1', body: request })]);
  const [, forward] = await node.waitForLines(2);
  const { msg_id: msgId } = (JSON.parse(forward ?? '') as { body: { msg_id: number } }).body;
  node.writeLines([JSON.stringify({ src: 'n2', dest: 'n1', body: answer(msgId) })]);
  const [, , reply] = await node.waitForLines(3);
  node.endInput();
  await node.finished();
  return (JSON.parse(reply ?? '') as { body: unknown }).body;
}

describe('a peer that answers a forward with a malformed body', () => {
  const name = nameOwnedBy('n2', ['n1', 'n2'], 'peer');

  it('makes the relayed reply error 13: an error without its code and text is not passed on', async () => {
    const body = await relayed({ type: 'read', msg_id: 7, projection: name }, (inReplyTo) => ({
      type: 'error',
      in_reply_to: inReplyTo,
    }));
    expect(body).toEqual({ type: 'error', in_reply_to: 7, code: 13, text: 'read: n2 answered with a malformed reply' });
  });

  it('makes the relayed reply error 13 when it has no type, rather than answering the peer', async () => {
    const body = await relayed({ type: 'read', msg_id: 6, projection: name }, (inReplyTo) => ({
      in_reply_to: inReplyTo,
    }));
    expect(body).toEqual({ type: 'error', in_reply_to: 6, code: 13, text: 'read: n2 answered with a malformed reply' });
  });

  it('makes a merged list error 13 when a list_ok has no array of projections', async () => {
    const body = await relayed({ type: 'list', msg_id: 8 }, (inReplyTo) => ({
      type: 'list_ok',
      in_reply_to: inReplyTo,
      projections: null,
    }));
    expect(body).toEqual({
      type: 'error',
      in_reply_to: 8,
      code: 13,
      text: 'list: n2 answered with a malformed list_ok',
    });
  });

  it('fails the forward at once with error 13 when the answer is longer than --max-line-bytes, not at its timeout', async () => {
    const update = { type: 'update', msg_id: 5, projection: name, event: { event_type: 'A', event_data: { id: 1 } } };
    const long = (inReplyTo: number) => ({
      type: 'projection_updated',
      in_reply_to: inReplyTo,
      projection: name,
      version: 1,
      state: ['a'.repeat(25_000)],
    });
    // A timeout of a minute: the test would time out first if the reply waited for it.
    const body = await relayed(update, long, ['--max-line-bytes', '20000', '--rpc-timeout-ms', '60000']);
    expect(body).toEqual({
      type: 'error',
      in_reply_to: 5,
      code: 13,
      text: 'update: n2 answered with a message longer than --max-line-bytes allows (20000 bytes), which was dropped unread; the update may or may not have happened',
    });
  });

  it('still relays a well-formed body exactly as the peer wrote it', async () => {
    const body = await relayed({ type: 'read', msg_id: 9, projection: name }, (inReplyTo) => ({
      type: 'read_ok',
      in_reply_to: inReplyTo,
      projection: name,
      version: 0,
      state: [],
    }));
    expect(body).toEqual({ type: 'read_ok', in_reply_to: 9, projection: name, version: 0, state: [] });
  });
});
