/** A 3-node cluster relays its owners' replies, results and errors, exactly as the owner wrote them. */
import { describe, expect, it } from 'vitest';
import { ownerOf } from '../../src/cluster/rendezvous.js';
import { parseJson } from '../../src/json/parse.js';
import { nameOwnedBy } from '../support/ownership.js';
import type { Body, Received } from './envelope.js';
import { bodyText, clustersStoppedAfterEach, createLog, forwards } from './fixtures.js';

const cluster = clustersStoppedAfterEach();

describe('a 3-node cluster', () => {
  it('relays the owner reply body exactly as the owner writes it', async () => {
    const net = await cluster(3);
    const name = nameOwnedBy('n2', net.nodeIds, 'relay');
    const c1 = net.client('c1');
    // Values that a careless re-serialization would change: big and tiny numbers, escapes,
    // integer-like and "__proto__" keys, an event_id, an initial state.
    const event = parseJson(
      '{"event_type":"added","event_id":12345678901234567890123,"event_data":{"id":7,"z":"é ☃ \\u2028 \\"q\\" \\\\","big":123456789012345678901234567890,' +
        '"tiny":1e-400,"f":0.1,"neg":-0,"10":"ten","__proto__":{"polluted":true},"nested":{"b":1,"a":[true,null,{}]}}}',
    );
    const create = { type: 'create', name, initial_state: [{ id: 0, first: true }], handlers: { added: 'append' } };
    const update = { type: 'update', projection: name, event };

    /** The update twice (the second is a duplicate) and a read, all through `via`. */
    const run = async (via: string): Promise<Received[]> => {
      const results: Received[] = [];
      for (const body of [update, update, { type: 'read', projection: name }])
        results.push(await c1.send(via, body).reply);
      return results;
    };
    expect(await c1.request('n2', create)).toMatchObject({ type: 'projection_created' });
    const relayed = await run('n1');
    expect(await c1.request('n2', { type: 'delete', projection: name })).toMatchObject({ type: 'delete_ok' });
    expect(await c1.request('n2', create)).toMatchObject({ type: 'projection_created' });
    const direct = await run('n2');

    expect(relayed.map((reply) => reply.src)).toEqual(['n1', 'n1', 'n1']);
    expect(direct.map((reply) => reply.src)).toEqual(['n2', 'n2', 'n2']);
    expect(relayed.map((reply) => reply.body.type)).toEqual(['projection_updated', 'projection_updated', 'read_ok']);
    expect(relayed[1]?.body.duplicate).toBe(true);
    for (const [index, reply] of relayed.entries()) {
      const owners = direct[index] as Received;
      expect(Object.keys(reply.body)).toEqual(Object.keys(owners.body));
      expect(bodyText(reply)).toBe(bodyText(owners));
    }
    expect(bodyText(relayed[0] as Received)).toContain('"big":123456789012345678901234567890,"tiny":1e-400');
    expect(forwards(net.log).map((m) => (m.body.request as Body).type)).toEqual(['update', 'update', 'read']);
  });

  it('relays the owner error replies unchanged', async () => {
    const net = await cluster(3);
    const name = nameOwnedBy('n3', net.nodeIds, 'errors');
    const c1 = net.client('c1');
    await c1.request('n3', createLog(name));
    const requests: Body[] = [
      { type: 'read', projection: 'ghost' },
      { type: 'delete', projection: nameOwnedBy('n3', net.nodeIds, 'ghost') },
      { type: 'create', name },
      { type: 'update', projection: name, event: { event_type: 'added', event_data: 1 }, expected_version: 5 },
      { type: 'update', projection: name, event: { event_type: 7 } },
    ];
    const owner = ownerOf('ghost', net.nodeIds) as string;
    const other = net.nodeIds.find((nodeId) => nodeId !== owner) as string;
    for (const request of requests) {
      const target = request.type === 'read' ? owner : 'n3';
      const via = request.type === 'read' ? other : 'n1';
      const direct = await c1.send(target, request).reply;
      const relayed = await c1.send(via, request).reply;
      expect(direct.body.type).toBe('error');
      expect(bodyText(relayed)).toBe(bodyText(direct));
    }
    const unknown = await c1.request(other, { type: 'read', projection: 'ghost' });
    expect(unknown).toEqual({
      type: 'error',
      in_reply_to: unknown.in_reply_to,
      code: 20,
      text: 'read: projection "ghost" does not exist',
    });
    const codes = [];
    for (const request of requests) codes.push((await c1.request('n1', request)).code);
    expect(codes).toEqual([20, 20, 21, 22, 12]);
  });
});
