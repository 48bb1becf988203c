/** init: the node id and ids, and where replies come from before and after it. */
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/maelstrom/node.js';
import { withEcho } from '../support/echo.js';
import { exchange } from '../support/in-process-node.js';
import { bodies } from '../support/messages.js';

describe('init', () => {
  it('sets the node id and ids, and answers init_ok from the new id', async () => {
    let seen: Node | undefined;
    const { out } = await exchange(
      ['{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}'],
      (node) => (seen = node),
    );
    expect(out).toEqual(['{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}']);
    expect(seen?.id).toBe('n1');
    expect(seen?.nodeIds).toEqual(['n1', 'n2']);
  });

  it('answers from the request dest before init, and from the node id after it', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n7","body":{"type":"echo","msg_id":1,"echo":"before"}}',
        '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":2,"node_id":"n1","node_ids":["n1"]}}',
        '{"src":"c1","dest":"n7","body":{"type":"echo","msg_id":3,"echo":"after"}}',
      ],
      withEcho,
    );
    expect(out).toEqual([
      '{"src":"n7","dest":"c1","body":{"type":"echo_ok","in_reply_to":1,"echo":"before"}}',
      '{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":2}}',
      '{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":3,"echo":"after"}}',
    ]);
  });

  it('refuses an empty node_id or a wrong node_ids with error 12, and keeps no id', async () => {
    let seen: Node | undefined;
    const { out } = await exchange(
      [
        '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"","node_ids":[]}}',
        '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":2,"node_id":"n1","node_ids":"n1"}}',
      ],
      (node) => (seen = node),
    );
    expect(bodies(out).map((body) => [body.in_reply_to, body.code, body.text])).toEqual([
      [1, 12, 'init: node_id must not be empty'],
      [2, 12, 'init: node_ids must be an array, got string'],
    ]);
    expect(seen?.id).toBeUndefined();
  });
});

describe('a request without dest', () => {
  it('gets error 12 from "" before init, and from the node id after it', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","body":{"type":"echo","msg_id":1}}',
        '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}',
        '{"src":"c1","body":{"type":"echo","msg_id":2}}',
      ],
      withEcho,
    );
    expect(out).toEqual([
      '{"src":"","dest":"c1","body":{"type":"error","in_reply_to":1,"code":12,"text":"echo: dest is required"}}',
      '{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":2,"code":12,"text":"echo: dest is required"}}',
    ]);
  });
});
