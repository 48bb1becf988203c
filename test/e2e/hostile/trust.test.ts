/** Trust on the wire: init is set once, and only peers named in init speak the node-to-node protocol. */
import { describe, expect, it } from 'vitest';
import { bodies } from '../../support/messages.js';
import { nameOwnedBy } from '../../support/ownership.js';
import { runNode } from '../../support/spawned-node.js';

const line = (src: string, body: object): string => JSON.stringify({ src, dest: 'n1', body });

describe('a second init', () => {
  it('is refused with error 22, and the first one stands', async () => {
    const result = await runNode(
      `${[
        line('c0', { type: 'init', msg_id: 1, node_id: 'n1', node_ids: ['n1'] }),
        line('c0', { type: 'init', msg_id: 2, node_id: 'n1', node_ids: ['n1', 'mallory'] }),
        line('c0', { type: 'init', msg_id: 3, node_id: 'n7', node_ids: ['n7'] }),
        // Owned by mallory under the second init: it must still be served here.
        line('c1', {
          type: 'update',
          msg_id: 4,
          projection: nameOwnedBy('mallory', ['n1', 'mallory']),
          event: { event_type: 'E', event_data: 1 },
        }),
      ].join('\n')}\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.map((raw) => (JSON.parse(raw) as { src: string; dest: string }).dest)).toEqual([
      'c0',
      'c0',
      'c0',
      'c1',
    ]);
    expect(bodies(result.stdout).map(({ type, code, text }) => [type, code, text])).toEqual([
      ['init_ok', undefined, undefined],
      ['error', 22, 'init: this node is already initialized as "n1"'],
      ['error', 22, 'init: this node is already initialized as "n1"'],
      ['projection_updated', undefined, undefined],
    ]);
  });
});

describe('forward', () => {
  const nodeIds = ['n1', 'n2'];
  const init = line('c0', { type: 'init', msg_id: 1, node_id: 'n1', node_ids: nodeIds });
  const mine = nameOwnedBy('n1', nodeIds);
  const theirs = nameOwnedBy('n2', nodeIds);
  const forward = (src: string, msgId: number, request: object): string =>
    line(src, { type: 'forward', msg_id: msgId, client: 'c9', request });
  const create = (name: string): object => ({ type: 'create', msg_id: 50, name, initial_state: {} });

  it('from a client is an unknown type, and changes nothing', async () => {
    const result = await runNode(
      `${[
        init,
        forward('c1', 2, create(theirs)),
        forward('c1', 3, create(mine)),
        forward('n1', 4, create(mine)), // this node's own id is no peer either
        forward('n2', 5, { type: 'list', msg_id: 51 }),
        line('c1', { type: 'stats', msg_id: 6 }),
      ].join('\n')}\n`,
    );
    const [, ...replies] = bodies(result.stdout);
    // Refused as a type this node does not serve, and counted so: under "other", as before init.
    expect(replies.pop()).toMatchObject({ requests: { forward: 1, init: 1, other: 3 } });
    const unsupported =
      'unsupported message type "forward"; supported: init, create, update, rebuild, read, query, list, delete, describe, stats';
    expect(replies).toEqual([
      { type: 'error', in_reply_to: 2, code: 10, text: unsupported },
      { type: 'error', in_reply_to: 3, code: 10, text: unsupported },
      { type: 'error', in_reply_to: 4, code: 10, text: unsupported },
      { type: 'list_ok', in_reply_to: 5, projections: [] },
    ]);
  });

  it('a peer message without msg_id, or a reply however malformed, gets no reply, so two nodes cannot loop', async () => {
    const result = await runNode(
      `${[
        init,
        line('n2', { type: 'hello' }),
        line('n2', { type: 'error', code: 10, text: 'unsupported' }),
        line('n2', { in_reply_to: 5 }),
        line('n2', { type: 7, in_reply_to: 6 }),
      ].join('\n')}\n`,
    );
    expect(bodies(result.stdout)).toEqual([{ type: 'init_ok', in_reply_to: 1 }]);
    expect(result.stderr.split('\n')).toEqual([
      'dropped "hello" from n2: a peer\'s message without msg_id gets no reply',
      'dropped "error" from n2: a peer\'s message without msg_id gets no reply',
      'line 4: dropped reply from n2 to 5: no request is waiting for it',
      'line 5: dropped reply from n2 to 6: no request is waiting for it',
      '',
    ]);
  });

  it('from a peer is served only for names this node owns', async () => {
    const result = await runNode(
      `${[
        init,
        forward('n2', 2, create(theirs)),
        forward('n2', 3, create(mine)),
        forward('n2', 4, { type: 'list', msg_id: 51 }),
      ].join('\n')}\n`,
    );
    const [, ...replies] = bodies(result.stdout);
    expect(replies).toEqual([
      { type: 'error', in_reply_to: 2, code: 12, text: `create: projection "${theirs}" is not owned by n1` },
      { type: 'projection_created', in_reply_to: 3, name: mine, version: 0 },
      { type: 'list_ok', in_reply_to: 4, projections: [{ name: mine, version: 0 }] },
    ]);
  });

  it('before init, or on a single node, comes from no peer', async () => {
    const result = await runNode(
      `${[forward('n2', 1, create('p')), line('c0', { type: 'list', msg_id: 2 })].join('\n')}\n`,
    );
    expect(bodies(result.stdout).map(({ code, type }) => code ?? type)).toEqual([10, 'list_ok']);
    expect(bodies(result.stdout)[1]).toEqual({ type: 'list_ok', in_reply_to: 2, projections: [] });
  });
});

/** `count` node ids, n1 first. */
const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => `n${i + 1}`);

describe('node ids', () => {
  it('are at most 128, of at most 1024 characters each, so that finding an owner stays cheap', async () => {
    const long = 'n'.repeat(16_400);
    const result = await runNode(
      `${[
        line('c0', { type: 'init', msg_id: 1, node_id: long, node_ids: [long] }),
        line('c0', {
          type: 'init',
          msg_id: 2,
          node_id: 'n1',
          node_ids: ['n1', ...Array.from({ length: 3 }, (_, i) => `${long}${i}`)],
        }),
        line('c0', { type: 'init', msg_id: 3, node_id: 'n1', node_ids: ids(129) }),
        line('c0', { type: 'init', msg_id: 4, node_id: 'n1', node_ids: ids(128) }),
      ].join('\n')}\n`,
    );
    expect(bodies(result.stdout).map(({ code, type }) => code ?? type)).toEqual([12, 12, 12, 'init_ok']);
    expect(bodies(result.stdout).map(({ text }) => text)).toEqual([
      'init: node_id must be at most 1024 characters; node_ids[0] must be at most 1024 characters',
      'init: node_ids[1] must be at most 1024 characters',
      'init: node_ids must have at most 128 entries',
      undefined,
    ]);
  });
});
