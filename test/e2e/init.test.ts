/**
 * The README's init bullet: node_ids must hold node_id, and a refused init leaves the
 * node as it was, uninitialized.
 */
import { describe, expect, it } from 'vitest';
import { message, replyLine } from '../support/messages.js';
import { runNode } from '../support/spawned-node.js';

const init = (msgId: number, nodeId: string, nodeIds: readonly string[]): string =>
  message(JSON.stringify({ type: 'init', msg_id: msgId, node_id: nodeId, node_ids: nodeIds }));

describe('init', () => {
  it('is error 12 when node_ids does not hold node_id, an empty list included, and changes nothing', async () => {
    const { stdout, stderr, code } = await runNode(
      [
        init(1, 'n9', ['n1', 'n2']),
        init(2, 'n1', []),
        message('{"type":"list","msg_id":3}'),
        init(4, 'n9', ['n9']),
        message('{"type":"list","msg_id":5}'),
        '',
      ].join('\n'),
    );
    expect(stdout).toEqual([
      replyLine('{"type":"error","in_reply_to":1,"code":12,"text":"init: node_id \\"n9\\" is not in node_ids"}'),
      replyLine('{"type":"error","in_reply_to":2,"code":12,"text":"init: node_id \\"n1\\" is not in node_ids"}'),
      // Still uninitialized: the reply comes from the request's dest, and the next init is taken.
      replyLine('{"type":"list_ok","in_reply_to":3,"projections":[]}'),
      '{"src":"n9","dest":"c1","body":{"type":"init_ok","in_reply_to":4}}',
      '{"src":"n9","dest":"c1","body":{"type":"list_ok","in_reply_to":5,"projections":[]}}',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('after a good init, a bad one is still error 12, and the first one stands', async () => {
    const { stdout } = await runNode(
      [init(1, 'n1', ['n1']), init(2, 'n2', ['n3']), init(3, 'n2', ['n2']), ''].join('\n'),
    );
    expect(stdout).toEqual([
      replyLine('{"type":"init_ok","in_reply_to":1}'),
      replyLine('{"type":"error","in_reply_to":2,"code":12,"text":"init: node_id \\"n2\\" is not in node_ids"}'),
      replyLine(
        '{"type":"error","in_reply_to":3,"code":22,"text":"init: this node is already initialized as \\"n1\\""}',
      ),
    ]);
  });
});
