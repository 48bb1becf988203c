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
  it("is {type, client, request, msg_id}, the README's fields in its order", async () => {
    const shown = /sends the body to the owner as\s+`(\{"type":"forward",[^`]*\})`/.exec(readme)?.[1] ?? '';
    const fields = [...shown.matchAll(/"([a-z_]+)":/g)].map(([, field]) => field);
    expect(fields).toEqual(['type', 'client', 'request', 'msg_id']);

    running = await startCluster(2);
    const name = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'].find((n) => ownerOf(n, running?.nodeIds ?? []) === 'n2');
    expect(name).toBeDefined();
    const reply = await running.client('c1').request('n1', { type: 'read', projection: name });
    expect(reply).toMatchObject({ type: 'error', code: 20 });

    const [forward] = running.log.filter((message) => message.body.type === 'forward');
    expect(forward?.line).toBe(
      `{"src":"n1","dest":"n2","body":{"type":"forward","client":"c1","request":{"type":"read","projection":"${name}","msg_id":1},"msg_id":${String(forward?.body.msg_id)}}}`,
    );
    expect(Object.keys(forward?.body ?? {})).toEqual(fields);
  });
});
