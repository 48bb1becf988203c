/** RPCs the node sends: the reply settles them, a timeout rejects them, a late reply is dropped. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '../../src/maelstrom/errors.js';
import { RPC_BYTES } from '../../src/maelstrom/limits.js';
import { start } from '../support/in-process-node.js';

describe('rpc', () => {
  const init = '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}';

  it('resolves with the reply body, which is not answered itself', async () => {
    const harness = start();
    harness.send(init);
    await harness.output.waitFor(1);
    const answer = harness.node.rpc('n2', { type: 'ping', n: 1 }, 60_000);
    expect(harness.node.pendingRpcCount).toBe(1);
    expect((await harness.output.waitFor(2))[1]).toBe(
      '{"src":"n1","dest":"n2","body":{"type":"ping","msg_id":1,"n":1}}',
    );
    harness.send('{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":1,"n":2}}');
    expect(await answer).toEqual({ type: 'pong', in_reply_to: 1, n: 2 });
    expect(harness.node.pendingRpcCount).toBe(0);
    expect(await harness.finish()).toHaveLength(2);
    expect(harness.logs).toEqual([]);
  });

  it('is settled only by a reply from the node it went to', async () => {
    const harness = start();
    harness.send(init);
    await harness.output.waitFor(1);
    const answer = harness.node.rpc('n2', { type: 'ping' }, 60_000);
    await harness.output.waitFor(2);
    harness.send('{"src":"n3","dest":"n1","body":{"type":"pong","in_reply_to":1,"from":"n3"}}');
    harness.send('{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":1,"from":"n2"}}');
    expect(await answer).toEqual({ type: 'pong', in_reply_to: 1, from: 'n2' });
    await harness.finish();
    expect(harness.logs).toEqual(['line 2: dropped reply from n3 to 1: no request is waiting for it']);
  });

  it('rejects with error 0 on timeout, forgets the call, and drops a late reply with one log line', async () => {
    const harness = start();
    harness.send(init);
    await harness.output.waitFor(1);
    const answer = harness.node.rpc('n2', { type: 'ping' }, 5);
    expect(harness.node.pendingRpcCount).toBe(1);
    const error: unknown = await answer.then(
      () => 'resolved',
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe(ErrorCode.timeout);
    expect((error as RpcError).message).toBe('n2 did not answer within 5 ms');
    expect(harness.node.pendingRpcCount).toBe(0);
    harness.send('{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":1}}');
    const out = await harness.finish();
    expect(out).toEqual([
      '{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}',
      '{"src":"n1","dest":"n2","body":{"type":"ping","msg_id":1}}',
    ]);
    expect(harness.logs).toEqual(['line 2: dropped reply from n2 to 1: no request is waiting for it']);
  });

  it('refuses with error 11, sending nothing, while the waiting RPCs hold their bound, and takes more as they settle', async () => {
    // Room for three RPCs that hold nothing, or one that holds 2 KiB and one that holds nothing.
    const harness = start(undefined, undefined, { maxPendingRpcBytes: 3 * RPC_BYTES });
    harness.send(init);
    await harness.output.waitFor(1);
    const answers = [0, 1, 2].map((n) => harness.node.rpc('n2', { type: 'ping', n }, 60_000));
    expect(() => harness.node.rpc('n2', { type: 'ping', n: 3 }, 60_000)).toThrow(
      new RpcError(
        ErrorCode.temporarilyUnavailable,
        'n2 was not asked: 3 requests to other nodes are waiting for an answer already; try again later',
      ),
    );
    expect(harness.node.pendingRpcCount).toBe(3);
    harness.send('{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":1}}');
    await answers[0];
    // One settled: room for one more that holds nothing, not for one that holds a byte.
    expect(() => harness.node.rpc('n2', { type: 'ping', n: 4 }, 60_000, 1)).toThrow(RpcError);
    const fourth = harness.node.rpc('n2', { type: 'ping', n: 5 }, 60_000);
    expect(harness.node.pendingRpcCount).toBe(3);
    for (const msgId of [2, 3, 4])
      harness.send(`{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":${msgId}}}`);
    await Promise.all([answers[1], answers[2], fourth]);
    // Nothing waits: one RPC alone is taken whatever it holds.
    const big = harness.node.rpc('n2', { type: 'ping', n: 6 }, 5, 10 * RPC_BYTES);
    await expect(big).rejects.toThrow('n2 did not answer within 5 ms');
    const sent = (await harness.finish()).slice(1).map((line) => (JSON.parse(line) as { body: { n: number } }).body.n);
    expect(sent).toEqual([0, 1, 2, 5, 6]);
  });
});
