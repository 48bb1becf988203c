/**
 * The README's Forwarding bullet: the forward a node sends its owner has the fields
 * the README shows, in its order.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerOf } from '../../src/cluster/rendezvous.js';
import { startCluster, type Cluster } from './network.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

let running: Cluster | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('a forward', () => {
  it("is {type, msg_id, client, request}, the README's fields in its order", async () => {
    const shown = /sends the body to the owner as\s+`(\{"type":"forward",[^`]*\})`/.exec(readme)?.[1] ?? '';
    const fields = [...shown.matchAll(/"([a-z_]+)":/g)].map(([, field]) => field);
    expect(fields).toEqual(['type', 'msg_id', 'client', 'request']);

    running = await startCluster(2);
    const name = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'].find((n) => ownerOf(n, running?.nodeIds ?? []) === 'n2');
    expect(name).toBeDefined();
    const reply = await running.client('c1').request('n1', { type: 'read', projection: name });
    expect(reply).toMatchObject({ type: 'error', code: 20 });

    const [forward] = running.log.filter((message) => message.body.type === 'forward');
    expect(forward?.line).toBe(
      `{"src":"n1","dest":"n2","body":{"type":"forward","msg_id":${String(forward?.body.msg_id)},"client":"c1","request":{"type":"read","projection":"${name}","msg_id":1}}}`,
    );
    expect(Object.keys(forward?.body ?? {})).toEqual(fields);
  });

  it('is not sent when wrapping a request under the cap takes it over: error 12, by the type of the request', async () => {
    running = await startCluster(2, { maxLineBytes: 1000, rpcTimeoutMs: 60_000 });
    const name = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'].find((n) => ownerOf(n, running?.nodeIds ?? []) === 'n2');
    // Under the cap as the client sends it; over it once wrapped in a forward, which the owner would drop unread.
    const event = { event_type: 'E', event_data: { pad: 'x'.repeat(850) } };
    const c1 = running.client('c1');
    const reply = await c1.request('n1', { type: 'update', projection: name, event });
    expect(reply).toMatchObject({ type: 'error', code: 12 });
    expect(reply.text).toMatch(
      /^update: n2 was not asked: the forward would be 10\d\d bytes, over the 1000 that --max-line-bytes lets a node read$/,
    );
    expect(running.log.filter((message) => message.body.type === 'forward')).toEqual([]);
    // Nothing was done: the owner has no such projection.
    expect(await c1.request('n2', { type: 'read', projection: name })).toMatchObject({ type: 'error', code: 20 });
  });
});
