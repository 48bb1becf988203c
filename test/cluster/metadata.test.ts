/** describe goes to the owner, list pages are cut from the merged list, stats answers per node or for all. */
import { describe, expect, it } from 'vitest';
import { nameOwnedBy } from '../support/ownership.js';
import { bodyText, clustersStoppedAfterEach, forwards, SHORT_TIMEOUT_MS } from './fixtures.js';

const cluster = clustersStoppedAfterEach();

const FIGURES = ['projections', 'events_applied', 'requests', 'errors', 'uptime_ms', 'heap_used_bytes', 'rss_bytes'];

describe('a 3-node cluster', () => {
  it('routes describe to the owner, pages list after the merge, and gathers stats on request', async () => {
    const net = await cluster(3);
    const c1 = net.client('c1');
    const names = net.nodeIds.flatMap((node) => [
      nameOwnedBy(node, net.nodeIds, `u-${node}-a`),
      nameOwnedBy(node, net.nodeIds, `u-${node}-b`),
      nameOwnedBy(node, net.nodeIds, `o-${node}`),
    ]);
    for (const name of names) await c1.request('n1', { type: 'create', name, initial_state: { name } });

    const owned = nameOwnedBy('n3', net.nodeIds, 'u-n3-a');
    const here = await c1.send('n3', { type: 'describe', projection: owned }).reply;
    const relayed = await c1.send('n1', { type: 'describe', projection: owned }).reply;
    expect(bodyText(relayed)).toBe(bodyText(here));
    expect(relayed.body).toMatchObject({ type: 'describe_ok', kind: 'object', size: 1 });
    expect(forwards(net.log).at(-1)).toMatchObject({ src: 'n1', dest: 'n3', body: { request: { type: 'describe' } } });

    const all = (await c1.request('n2', { type: 'list' })).projections as { name: string }[];
    expect(all.map(({ name }) => name).sort()).toEqual([...names].sort());
    const users = all.filter(({ name }) => name.startsWith('u-'));
    const page = await c1.request('n2', { type: 'list', prefix: 'u-', offset: 1, limit: 3 });
    expect(page).toMatchObject({ type: 'list_ok', total: 6 });
    expect(page.projections).toEqual(users.slice(1, 4));
    // A page past the first asks each node for its count of matches, then only the nodes the page
    // reaches for their part of it: n1 for its second match (n2 serves its two here), n3 not at all.
    const asked = forwards(net.log).slice(-3);
    expect(asked.map(({ dest, body }) => [dest, body.request])).toEqual([
      ['n1', { type: 'list', msg_id: expect.any(Number), prefix: 'u-', limit: 0 }],
      ['n3', { type: 'list', msg_id: expect.any(Number), prefix: 'u-', limit: 0 }],
      ['n1', { type: 'list', prefix: 'u-', offset: 1, limit: 1 }],
    ]);
    const first = await c1.request('n2', { type: 'list', prefix: 'u-', limit: 3 });
    expect(first).toEqual({
      type: 'list_ok',
      in_reply_to: expect.any(Number),
      projections: users.slice(0, 3),
      total: 6,
    });
    expect(
      forwards(net.log)
        .slice(-2)
        .map(({ body }) => body.request),
    ).toMatchObject([
      { type: 'list', prefix: 'u-', limit: 3 },
      { type: 'list', prefix: 'u-', limit: 3 },
    ]);

    const sent = forwards(net.log).length;
    const own = await c1.request('n2', { type: 'stats' });
    expect(Object.keys(own)).toEqual(['type', 'in_reply_to', ...FIGURES]);
    expect(own.projections).toBe(3);
    expect(forwards(net.log)).toHaveLength(sent);

    const gathered = await c1.request('n1', { type: 'stats', cluster: true });
    expect(forwards(net.log).slice(sent)).toMatchObject([
      { src: 'n1', dest: 'n2', body: { request: { type: 'stats' } } },
      { src: 'n1', dest: 'n3', body: { request: { type: 'stats' } } },
    ]);
    expect(
      forwards(net.log)
        .slice(sent)
        .map(({ body }) => Object.keys(body.request as object)),
    ).toEqual([
      ['type', 'msg_id'],
      ['type', 'msg_id'],
    ]);
    const nodes = gathered.nodes as Record<string, Record<string, unknown>>;
    expect(Object.keys(nodes)).toEqual(['n1', 'n2', 'n3']);
    for (const node of net.nodeIds) {
      expect(Object.keys(nodes[node] ?? {})).toEqual(FIGURES);
      expect(nodes[node]?.projections).toBe(3);
    }
    // n1 forwarded the creates it does not own, and n2 served its forwards of them.
    expect(nodes.n1?.requests).toMatchObject({ create: 9 });
    expect(nodes.n2?.requests).toMatchObject({ forward: expect.any(Number), stats: 1 });
    expect(net.unexpected).toEqual([]);
  });

  it("gives null for a node that does not answer stats in time, and the others' figures", async () => {
    const net = await cluster(3, { rpcTimeoutMs: SHORT_TIMEOUT_MS });
    const c1 = net.client('c1');
    net.partition('n3');
    const gathered = await c1.request('n1', { type: 'stats', cluster: true });
    const nodes = gathered.nodes as Record<string, unknown>;
    expect(Object.keys(nodes)).toEqual(['n1', 'n2', 'n3']);
    expect(nodes.n3).toBeNull();
    expect(Object.keys(nodes.n2 as object)).toEqual(FIGURES);
    // A list cannot leave out a node's projections: it is error 0, as before.
    const listed = await c1.request('n1', { type: 'list', limit: 1 });
    expect(listed).toMatchObject({ type: 'error', code: 0 });
    net.heal();
  });
});
