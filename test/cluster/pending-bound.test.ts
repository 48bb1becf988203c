/** A peer that never answers, under a long timeout: the forwards waiting for it are bounded in bytes. */
import { describe, expect, it } from 'vitest';
import { MAX_PENDING_RPC_BYTES, RPC_BYTES } from '../../src/maelstrom/limits.js';
import { serveProjections } from '../../src/serve.js';
import { start } from '../support/in-process-node.js';
import { nameOwnedBy } from '../support/ownership.js';
import { SpawnedNode } from '../support/spawned-node.js';

describe('forwards to a peer that never answers', () => {
  it('count at most 64 MiB, each as 2 KiB and its request, as the README says', () => {
    expect([MAX_PENDING_RPC_BYTES, RPC_BYTES]).toEqual([64 * 1024 * 1024, 2048]);
  });

  it('are refused with error 11 once the waiting ones hold the bound, each request sent or answered', async () => {
    const name = nameOwnedBy('n2', ['n1', 'n2'], 'silent');
    const read = (id: number): string =>
      `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":${id},"projection":"${name}"}}`;
    // Room for ten forwards of these reads (each counts RPC_BYTES and its line), not eleven.
    const harness = start((node) => serveProjections(node, { rpcTimeoutMs: 600_000 }), undefined, {
      maxPendingRpcBytes: 10 * (RPC_BYTES + read(10).length),
    });
    harness.send('{"src":"c0","dest":"n1","body":{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1","n2"]}}');
    for (let id = 1; id <= 15; id++) harness.send(read(id));
    const out = (await harness.output.waitFor(16)).map(
      (line) => JSON.parse(line) as { dest: string; body: Record<string, unknown> },
    );
    const forwarded = out.filter(({ dest }) => dest === 'n2');
    expect(forwarded.map(({ body }) => (body.request as { msg_id: number }).msg_id)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(out.filter(({ dest }) => dest === 'c1').map(({ body }) => body)).toEqual(
      [11, 12, 13, 14, 15].map((id) => ({
        type: 'error',
        in_reply_to: id,
        code: 11,
        text: 'read: n2 was not asked: 10 requests to other nodes are waiting for an answer already; try again later',
      })),
    );
    // An answer frees room for one more.
    harness.send(
      `{"src":"n2","dest":"n1","body":{"type":"error","in_reply_to":${String(forwarded[0]?.body.msg_id)},"code":20,"text":"read: no"}}`,
    );
    harness.send(read(16));
    const more = await harness.output.waitFor(18);
    expect(
      more
        .slice(16)
        .map((line) => (JSON.parse(line) as { dest: string }).dest)
        .sort(),
    ).toEqual(['c1', 'n2']);
    // Ten forwards still wait for a peer that will not answer: stop without waiting for them.
    harness.node.stop();
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
