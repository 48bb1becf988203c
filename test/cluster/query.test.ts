/** query names its projection, so a cluster answers it from the projection's owner, from every node. */
import { describe, expect, it } from 'vitest';
import { ownerOf } from '../../src/cluster/rendezvous.js';
import type { Body } from './envelope.js';
import { added, bodyText, clustersStoppedAfterEach, forwards } from './fixtures.js';

const cluster = clustersStoppedAfterEach();

describe('query in a 3-node cluster', () => {
  it('is forwarded to the owner, and every node gives the same answer', async () => {
    const net = await cluster(3);
    const name = ['q0', 'q1', 'q2', 'q3', 'q4'].find((n) => ownerOf(n, net.nodeIds) !== 'n1') as string;
    const owner = ownerOf(name, net.nodeIds) as string;
    const c1 = net.client('c1');
    await c1.request(owner, { type: 'create', name, indexes: ['id'] });
    await c1.request(owner, added(name, 'a'));
    await c1.request(owner, added(name, 'b'));

    const answers = await Promise.all(
      net.nodeIds.map((nodeId) => c1.send(nodeId, { type: 'query', projection: name, where: { id: 'b' } }).reply),
    );
    for (const answer of answers) {
      expect(answer.body).toMatchObject({
        type: 'query_ok',
        projection: name,
        version: 2,
        total: 1,
        items: [{ id: 'b' }],
      });
      expect(bodyText(answer)).toBe(bodyText(answers[0] as typeof answer));
    }
    const queries = forwards(net.log).filter(({ body }) => (body.request as Body).type === 'query');
    expect(queries.map(({ src, dest }) => [src, dest]).sort()).toEqual(
      net.nodeIds.filter((nodeId) => nodeId !== owner).map((nodeId) => [nodeId, owner]),
    );
  });
});
