/** A peer that never answers, under a long timeout: the forwards waiting for it are bounded in bytes. */
import { describe, expect, it } from 'vitest';
import { MAX_PENDING_RPC_BYTES, RPC_BYTES } from '../../src/maelstrom/limits.js';
import { nameOwnedBy } from '../support/ownership.js';
import { runNode } from '../support/spawned-node.js';

describe('forwards to a peer that never answers', () => {
  it('are refused with error 11 once the waiting ones hold the bound; every request gets one reply', async () => {
    const name = nameOwnedBy('n2', ['n1', 'n2'], 'silent');
    // Enough reads to pass the bound: each waiting forward counts RPC_BYTES and its line.
    const reads = Math.ceil(MAX_PENDING_RPC_BYTES / RPC_BYTES) + 500;
    const lines = ['{"src":"c0","dest":"n1","body":{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1","n2"]}}'];
    for (let id = 1; id <= reads; id++)
      lines.push(`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":${id},"projection":"${name}"}}`);
    const { stdout, code } = await runNode(`${lines.join('\n')}\n`, ['--rpc-timeout-ms', '1000']);
    expect(code).toBe(0);
    const replies = stdout
      .map((line) => JSON.parse(line) as { dest: string; body: { in_reply_to?: number; code?: number; text?: string } })
      .filter(({ dest }) => dest === 'c1');
    expect(replies.map(({ body }) => body.in_reply_to).sort((a = 0, b = 0) => a - b)).toEqual(
      Array.from({ length: reads }, (_, index) => index + 1),
    );
    const timedOut = replies.filter(({ body }) => body.code === 0);
    const refused = replies.filter(({ body }) => body.code === 11);
    expect(timedOut.length + refused.length).toBe(reads);
    // Every forward sent waited, and they held no more than the bound.
    expect(stdout.filter((line) => line.includes('"type":"forward"'))).toHaveLength(timedOut.length);
    expect(timedOut.length).toBeLessThanOrEqual(MAX_PENDING_RPC_BYTES / RPC_BYTES);
    expect(refused.length).toBeGreaterThan(500);
    expect(refused[0]?.body.text).toBe(
      `read: n2 was not asked: ${timedOut.length} requests to other nodes are waiting for answers already; try again later`,
    );
  });
});
