/** stats: the node's own figures, counted from the replies it sends. */
import { describe, expect, it } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { exchange } from '../support/in-process-node.js';
import { bodies, type ReplyBody, requestLines } from '../support/messages.js';

async function run(lines: readonly string[]): Promise<ReplyBody[]> {
  const { out } = await exchange(lines, (node) => serveProjections(node, { rpcTimeoutMs: 1000 }));
  return bodies(out);
}

const FIGURES = ['projections', 'events_applied', 'requests', 'errors', 'uptime_ms', 'heap_used_bytes', 'rss_bytes'];

describe('stats', () => {
  it('counts projections, events applied, replies by request type and errors by code', async () => {
    const replies = await run(
      requestLines([
        { type: 'create', name: 'a' },
        { type: 'create', name: 'a' },
        { type: 'update', projection: 'a', event: { event_type: 'E', event_id: 1, event_data: { id: 1 } } },
        { type: 'update', projection: 'a', event: { event_type: 'E', event_id: 1, event_data: { id: 1 } } },
        {
          type: 'rebuild',
          projection: 'b',
          events: [
            { event_type: 'E', event_data: 1 },
            { event_type: 'E', event_data: 2 },
          ],
        },
        { type: 'read', projection: 'nobody' },
        { type: 'cas' },
        { type: 'stats' },
      ]),
    );
    const stats = replies.at(-1);
    expect(Object.keys(stats ?? {})).toEqual(['type', 'in_reply_to', ...FIGURES]);
    expect(stats).toMatchObject({
      type: 'stats_ok',
      projections: 2,
      events_applied: 3,
      errors: { 10: 1, 20: 1, 21: 1 },
    });
    // In alphabetical order, and without stats: its own reply is not sent yet.
    expect(Object.entries(stats?.requests as object)).toEqual([
      ['create', 2],
      ['other', 1],
      ['read', 1],
      ['rebuild', 1],
      ['update', 2],
    ]);
    for (const figure of ['uptime_ms', 'heap_used_bytes', 'rss_bytes'])
      expect(Number.isSafeInteger(stats?.[figure]) && (stats?.[figure] as number) > 0, figure).toBe(true);
    expect(stats?.heap_used_bytes as number).toBeLessThan(stats?.rss_bytes as number);
  });

  it('counts every type it does not serve, and every refused envelope, under one key', async () => {
    const unknown = Array.from({ length: 500 }, (_, index) => ({ type: `made-up-${index}` }));
    const replies = await run([
      ...requestLines(unknown),
      '{"src":"c1","body":{"type":"list","msg_id":1}}',
      '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":"1"}}',
      ...requestLines([{ type: 'stats' }]),
    ]);
    expect(replies.at(-1)).toMatchObject({ requests: { other: 502 }, errors: { 10: 500, 12: 2 } });
    expect(Object.keys(replies.at(-1)?.requests as object)).toEqual(['other']);
  });

  it('is error 12 naming a bad cluster option', async () => {
    const replies = await run(requestLines([{ type: 'stats', cluster: 'yes' }]));
    expect(replies[0]).toMatchObject({ code: 12, text: 'stats: cluster must be a boolean, got string' });
  });

  it('with "cluster": true on one node, gives its figures under its id: init\'s, or the dest before init', async () => {
    const before = await run(requestLines([{ type: 'stats', cluster: true }]));
    expect(Object.keys(before[0] ?? {})).toEqual(['type', 'in_reply_to', 'nodes']);
    expect(Object.keys(((before[0]?.nodes ?? {}) as Record<string, object>).n1 ?? {})).toEqual(FIGURES);
    const after = await run(
      requestLines([
        { type: 'init', node_id: 'solo', node_ids: ['solo'] },
        { type: 'stats', cluster: true },
      ]),
    );
    expect(after[1]?.nodes).toMatchObject({ solo: { projections: 0, requests: { init: 1 } } });
  });
});
