/** A peer that never answers, under a long timeout: the forwards waiting for it are bounded in bytes. */
import { describe, expect, it } from 'vitest';
import { MAX_PENDING_RPC_BYTES, RPC_BYTES } from '../../src/maelstrom/limits.js';
import { nameOwnedBy } from '../support/ownership.js';
import { SpawnedNode } from '../support/spawned-node.js';

describe('forwards to a peer that never answers', () => {
  it('are refused with error 11 once the waiting ones hold the bound, each request sent or answered', async () => {
    const name = nameOwnedBy('n2', ['n1', 'n2'], 'silent');
    // Enough reads to pass the bound: each waiting forward counts RPC_BYTES and its line.
    const reads = Math.ceil(MAX_PENDING_RPC_BYTES / RPC_BYTES) + 500;
    const node = new SpawnedNode(['--rpc-timeout-ms', '600000']);
    node.writeLines([
      '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1","n2"]}}',
    ]);
    node.writeLines(
      Array.from(
        { length: reads },
        (_, i) => `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":${i + 1},"projection":"${name}"}}`,
      ),
    );
    // init_ok, then for each read a forward to n2 or a refusal; none times out before the end.
    const out = (await node.waitForLines(reads + 1)).map(
      (line) =>
        JSON.parse(line) as {
          dest: string;
          body: { type: string; in_reply_to?: number; code?: number; text?: string };
        },
    );
    node.child.kill('SIGTERM');
    expect((await node.finished()).code).toBe(0);
    const forwarded = out.filter(({ dest }) => dest === 'n2');
    const refused = out.filter(({ dest }) => dest === 'c1');
    expect(forwarded.length + refused.length).toBe(reads);
    expect(forwarded.every(({ body }) => body.type === 'forward')).toBe(true);
    expect(forwarded.length).toBeLessThanOrEqual(MAX_PENDING_RPC_BYTES / RPC_BYTES);
    expect(refused.length).toBeGreaterThan(500);
    for (const { body } of refused) {
      expect(body).toEqual({
        type: 'error',
        in_reply_to: body.in_reply_to,
        code: 11,
        text: `read: n2 was not asked: ${forwarded.length} requests to other nodes are waiting for an answer already; try again later`,
      });
    }
  });

  it('keep only what their replies need, not the requests: a MiB of {} each is not held while they wait', async () => {
    const name = nameOwnedBy('n2', ['n1', 'n2'], 'silent');
    // Parsed, each such request takes about 24 MB of heap; twelve held would be about 290 MB.
    const pad = `[${Array.from({ length: 350_000 }, () => '{}').join(',')}]`;
    const node = new SpawnedNode(['--rpc-timeout-ms', '600000']);
    node.writeLines([
      '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1","n2"]}}',
    ]);
    for (let id = 1; id <= 12; id++)
      node.writeLines([
        `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":${id},"projection":"${name}","pad":${pad}}}`,
      ]);
    node.writeLines(['{"src":"c1","dest":"n1","body":{"type":"stats","msg_id":13}}']);
    const out = await node.waitForLines(14);
    node.child.kill('SIGTERM');
    await node.finished();
    expect(out.filter((line) => line.includes('"type":"forward"'))).toHaveLength(12);
    const stats = JSON.parse(out[13] ?? '') as { body: { heap_used_bytes: number } };
    expect(stats.body.heap_used_bytes).toBeLessThan(150 * 1024 * 1024);
  });
});
