import { afterEach, describe, expect, it } from 'vitest';
import { ownerOf } from '../../src/cluster/rendezvous.js';
import { parseJson } from '../../src/json/parse.js';
import { nameOwnedBy } from '../support/ownership.js';
import { type Body, parseEnvelope, type Received } from './envelope.js';
import { startCluster, type Cluster, type ClusterOptions, type LoggedMessage } from './network.js';

const running: Cluster[] = [];
/** Short, so that a timeout costs the test little; long enough for a loaded machine's round trip. */
const SHORT_TIMEOUT_MS = 500;

/** Starts a cluster that afterEach stops, failing the test unless every node exited with 0. */
async function cluster(nodeCount: number, options?: ClusterOptions): Promise<Cluster> {
  const started = await startCluster(nodeCount, options);
  running.push(started);
  return started;
}

afterEach(async () => {
  const stopping = running.splice(0);
  const results = await Promise.allSettled(stopping.map((started) => started.stop()));
  for (const result of results) if (result.status === 'rejected') throw result.reason;
});

/** A projection whose "added" events append their event_data: its state counts the events applied. */
function createLog(name: string): Body {
  return { type: 'create', name, initial_state: [], handlers: { added: 'append' } };
}

function added(projection: string, id: string): Body {
  return { type: 'update', projection, event: { event_type: 'added', event_data: { id } } };
}

/** The reply body exactly as written, without its in_reply_to (which differs between requests). */
function bodyText(reply: Received): string {
  const head = `{"src":${JSON.stringify(reply.src)},"dest":${JSON.stringify(reply.dest)},"body":`;
  expect(reply.line.startsWith(head), reply.line).toBe(true);
  expect(reply.line.endsWith('}')).toBe(true);
  const body = reply.line.slice(head.length, -1);
  const withoutInReplyTo = body.replace(/^(\{"type":"[a-z_]+"),"in_reply_to":\d+/, '$1');
  expect(withoutInReplyTo).not.toBe(body);
  return withoutInReplyTo;
}

function forwards(log: readonly LoggedMessage[]): LoggedMessage[] {
  return log.filter((message) => message.body.type === 'forward');
}

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

  it('answers error 0 while the owner is cut off, and works again after heal', async () => {
    const net = await cluster(3, { rpcTimeoutMs: SHORT_TIMEOUT_MS });
    const name = nameOwnedBy('n3', net.nodeIds, 'cut');
    const c1 = net.client('c1');
    await c1.request('n3', createLog(name));
    expect(await c1.request('n3', added(name, 'before'))).toMatchObject({ version: 1 });

    net.partition('n3');
    const lost = await c1.request('n1', added(name, 'lost'));
    expect(lost).toMatchObject({ type: 'error', code: 0 });
    expect(lost.text).toContain(`n3 did not answer within ${SHORT_TIMEOUT_MS} ms`);
    const [dropped] = forwards(net.log);
    expect(forwards(net.log)).toHaveLength(1);
    expect(dropped).toMatchObject({
      src: 'n1',
      dest: 'n3',
      fate: 'dropped',
      body: { request: { event: { event_data: { id: 'lost' } } } },
    });
    // Clients are cut off from n3 too: this request never arrives.
    const c2 = net.client('c2');
    void c2.send('n3', added(name, 'never')).reply;

    net.heal();
    const after = await c1.request('n2', added(name, 'after'));
    expect(after).toMatchObject({ type: 'projection_updated', version: 2 });
    for (const nodeId of net.nodeIds) {
      const read = await c2.request(nodeId, { type: 'read', projection: name });
      expect(read).toMatchObject({ version: 2, state: [{ id: 'before' }, { id: 'after' }] });
      expect((read.state as unknown[]).length).toBe(read.version);
    }
    expect(c2.pendingCount).toBe(1); // the request sent to n3 during the partition, dropped
    expect(net.unexpected).toEqual([]);
  });

  it('drops a reply that comes after the timeout, and leaks nothing', async () => {
    const net = await cluster(3, { rpcTimeoutMs: SHORT_TIMEOUT_MS });
    const name = nameOwnedBy('n3', net.nodeIds, 'late');
    const c1 = net.client('c1');
    await c1.request('n3', createLog(name));

    net.hold('n3');
    const timedOut = await c1.request('n1', added(name, 'slow'));
    expect(timedOut).toMatchObject({ type: 'error', code: 0 });
    const forward = forwards(net.log).at(-1) as LoggedMessage;
    expect(forward).toMatchObject({ src: 'n1', dest: 'n3', fate: 'delivered' });
    const late = await net.waitForMessage((m) => m.src === 'n3' && m.body.in_reply_to === forward.body.msg_id);
    expect(late).toMatchObject({ fate: 'held', body: { type: 'projection_updated', version: 1 } });
    expect(net.stderr('n1')).not.toMatch(/dropped reply/);

    net.release('n3');
    const [line] = await net.waitForStderr('n1', /^.*dropped reply from n3 to \d+.*\n/m);
    expect(line).toContain(`dropped reply from n3 to ${String(forward.body.msg_id)}: no request is waiting for it`);

    // The timed-out update did happen; later forwards are answered by their own replies.
    const read = await c1.request('n1', { type: 'read', projection: name });
    expect(read).toMatchObject({ version: 1, state: [{ id: 'slow' }] });
    const next = await c1.request('n1', added(name, 'next'));
    expect(next).toMatchObject({ type: 'projection_updated', version: 2, state: [{ id: 'slow' }, { id: 'next' }] });
    const again = await c1.request('n2', { type: 'read', projection: name });
    expect(again).toMatchObject({ version: 2 });

    expect(net.stderr('n1').match(/dropped reply/g)).toHaveLength(1);
    expect(net.stderr('n2') + net.stderr('n3')).toBe('');
    expect(c1.pendingCount).toBe(0);
    expect(net.unexpected).toEqual([]);
  });

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

describe('a single node', () => {
  it('answers the same with an init of one node as without init, from its node id', async () => {
    const session: Body[] = [
      createLog('solo'),
      added('solo', 'a'),
      added('solo', 'b'),
      { type: 'read', projection: 'solo' },
      { type: 'list' },
      { type: 'read', projection: 'ghost' },
    ];
    const run = async (net: Cluster): Promise<string[]> => {
      const lines: string[] = [];
      for (const body of session) lines.push((await net.client('c1').send('n1', body).reply).line);
      return lines;
    };
    const initialized = await cluster(1);
    const bare = await cluster(1, { init: false });
    const [withInit, withoutInit] = await Promise.all([run(initialized), run(bare)]);

    expect(withInit).toEqual(withoutInit);
    expect(withInit.map((line) => parseEnvelope(line).src)).toEqual(session.map(() => 'n1'));
    expect(parseEnvelope(withInit[2] as string).body).toMatchObject({ version: 2, state: [{ id: 'a' }, { id: 'b' }] });
    expect(initialized.log).toEqual([]);
    expect(bare.log).toEqual([]);
  });
});

describe('parseEnvelope (the network check of every stdout line)', () => {
  it('accepts an envelope and keeps the exact line', () => {
    const line = '{"src":"n1","dest":"c1","body":{"type":"read_ok","in_reply_to":3,"n":123456789012345678901}}';
    expect(parseEnvelope(line)).toMatchObject({
      src: 'n1',
      dest: 'c1',
      body: { type: 'read_ok', in_reply_to: 3 },
      line,
    });
  });

  it.each([
    ['not JSON', 'hello'],
    ['an empty line', ''],
    ['an array', '[]'],
    ['no src', '{"dest":"c1","body":{"type":"x"}}'],
    ['a numeric dest', '{"src":"n1","dest":1,"body":{"type":"x"}}'],
    ['a body that is not an object', '{"src":"n1","dest":"c1","body":[]}'],
    ['a body without type', '{"src":"n1","dest":"c1","body":{"msg_id":1}}'],
    ['a fractional in_reply_to', '{"src":"n1","dest":"c1","body":{"type":"x","in_reply_to":1.5}}'],
  ])('rejects %s', (_, line) => {
    expect(() => parseEnvelope(line)).toThrow();
  });
});
