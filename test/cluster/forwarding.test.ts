/** A 3-node cluster serves every projection from every node, forwarding to its owner. */
import { describe, expect, it } from 'vitest';
import { ownerOf } from '../../src/cluster/rendezvous.js';
import { nameOwnedBy } from '../support/ownership.js';
import type { Body, Received } from './envelope.js';
import { added, bodyText, clustersStoppedAfterEach, createLog, forwards } from './fixtures.js';

const cluster = clustersStoppedAfterEach();

describe('a 3-node cluster', () => {
  it('serves a projection from every node, forwarding to its owner', async () => {
    const net = await cluster(3);
    const name = [0, 1, 2, 3, 4, 5].map((i) => `shared-${i}`).find((n) => ownerOf(n, net.nodeIds) !== 'n1') as string;
    const owner = ownerOf(name, net.nodeIds) as string;
    expect(owner).not.toBe('n1');
    const c1 = net.client('c1');

    expect(await c1.request('n1', createLog(name))).toEqual({
      type: 'projection_created',
      in_reply_to: 1,
      name,
      version: 0,
    });
    const viaN2 = await c1.request('n2', added(name, 'a'));
    const viaN3 = await c1.request('n3', added(name, 'b'));
    expect(viaN2).toMatchObject({ type: 'projection_updated', projection: name, version: 1, state: [{ id: 'a' }] });
    expect(viaN3).toMatchObject({
      type: 'projection_updated',
      projection: name,
      version: 2,
      state: [{ id: 'a' }, { id: 'b' }],
    });

    const reads = await Promise.all(
      net.nodeIds.map((nodeId) => c1.send(nodeId, { type: 'read', projection: name }).reply),
    );
    for (const [index, read] of reads.entries()) {
      expect(read.src).toBe(net.nodeIds[index]);
      expect(read.body).toMatchObject({
        type: 'read_ok',
        projection: name,
        version: 2,
        state: [{ id: 'a' }, { id: 'b' }],
      });
      expect(bodyText(read)).toBe(bodyText(reads[0] as Received));
    }

    // Forwarded: the create via n1, the update via the non-owner of n2/n3, and the two non-owners' reads.
    const nonOwners = net.nodeIds.filter((nodeId) => nodeId !== owner);
    const updater = owner === 'n2' ? 'n3' : 'n2';
    const sent = forwards(net.log);
    expect(sent.map(({ src, body }) => [src, (body.request as Body).type]).sort()).toEqual(
      [['n1', 'create'], [updater, 'update'], ...nonOwners.map((nodeId) => [nodeId, 'read'])].sort(),
    );
    for (const forward of sent) {
      expect(forward).toMatchObject({ dest: owner, fate: 'delivered', body: { client: 'c1' } });
      expect(forward.body.request).toMatchObject({ msg_id: expect.any(Number) });
      const answers = net.log.filter(
        (m) => m.src === owner && m.dest === forward.src && m.body.in_reply_to === forward.body.msg_id,
      );
      expect(answers).toHaveLength(1);
    }
    expect(net.log).toHaveLength(2 * sent.length); // nothing but forwards and their replies
  });

  it('gives 300 concurrent updates of one projection the versions 1..300, each once', async () => {
    const net = await cluster(3, { rpcTimeoutMs: 10_000 });
    const name = nameOwnedBy('n2', net.nodeIds, 'busy');
    const clients = ['c1', 'c2', 'c3'].map((id) => net.client(id));
    await clients[0]?.request('n1', createLog(name));

    const updates: { id: string; reply: Promise<Received> }[] = [];
    for (let i = 0; i < 100; i++) {
      for (const [k, client] of clients.entries()) {
        const id = `${client.id}-${i}`;
        const nodeId = net.nodeIds[(i + k) % 3] as string;
        updates.push({ id, reply: client.send(nodeId, added(name, id)).reply });
      }
    }
    expect(clients.map((client) => client.pendingCount)).toEqual([100, 100, 100]);
    const replies = await Promise.all(updates.map(async ({ id, reply }) => ({ id, body: (await reply).body })));

    const versions = replies.map(({ body }) => body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
    const final = await Promise.all(
      net.nodeIds.map((nodeId) => clients[0]?.request(nodeId, { type: 'read', projection: name })),
    );
    const finalState = final[0]?.state as { id: string }[];
    expect(finalState.map(({ id }) => id).sort()).toEqual(updates.map(({ id }) => id).sort());
    for (const read of final) expect(read).toEqual({ ...final[0], in_reply_to: read?.in_reply_to, version: 300 });
    // Each reply shows the state just after its own event: the first `version` events, its own last.
    for (const { id, body } of replies) {
      const version = body.version as number;
      expect(body.state).toEqual(finalState.slice(0, version));
      expect(finalState[version - 1]?.id).toBe(id);
    }
    // Every update not sent to the owner n2 went there as a forward.
    const forwarded = forwards(net.log).filter((m) => (m.body.request as Body).type === 'update');
    expect(forwarded).toHaveLength(200);
    expect(new Set(forwarded.map((m) => `${m.src}>${m.dest}`))).toEqual(new Set(['n1>n2', 'n3>n2']));
  });

  it('lists every projection exactly once from any node', async () => {
    const net = await cluster(3);
    const c1 = net.client('c1');
    const names = Array.from({ length: 10 }, (_, index) => `listed-${index}`);
    expect(new Set(names.map((name) => ownerOf(name, net.nodeIds)))).toEqual(new Set(net.nodeIds));
    for (const [index, name] of names.entries()) {
      const via = net.nodeIds[index % 3] as string;
      await c1.request(via, createLog(name));
      for (let event = 0; event < index % 4; event++) await c1.request(via, added(name, `e${event}`));
    }
    const expected = names.map((name, index) => ({ name, version: index % 4 }));

    for (const nodeId of net.nodeIds) {
      const list = await c1.request(nodeId, { type: 'list' });
      expect(list.type).toBe('list_ok');
      const projections = list.projections as { name: string; version: number }[];
      expect(projections).toHaveLength(names.length);
      expect([...projections].sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected);
    }
    // Each list asked the two other nodes.
    expect(forwards(net.log).filter((m) => (m.body.request as Body).type === 'list')).toHaveLength(6);
  });
});
