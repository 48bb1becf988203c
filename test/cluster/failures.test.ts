/** A 3-node cluster with its owner cut off or late: error 0, then service again, and nothing leaked. */
import { describe, expect, it } from 'vitest';
import { nameOwnedBy } from '../support/ownership.js';
import { added, clustersStoppedAfterEach, createLog, forwards, SHORT_TIMEOUT_MS } from './fixtures.js';
import type { LoggedMessage } from './network.js';

const cluster = clustersStoppedAfterEach();

describe('a 3-node cluster', () => {
  it('answers error 0 while the owner is cut off, and works again after heal', async () => {
    const net = await cluster(3, { rpcTimeoutMs: SHORT_TIMEOUT_MS });
    const name = nameOwnedBy('n3', net.nodeIds, 'cut');
    const c1 = net.client('c1');
    await c1.request('n3', createLog(name));
    expect(await c1.request('n3', added(name, 'before'))).toMatchObject({ version: 1 });

    net.partition('n3');
    const lost = await c1.request('n1', added(name, 'lost'));
    expect(lost).toMatchObject({ type: 'error', code: 0 });
    expect(lost.text).toBe(
      `update: n3 did not answer within ${SHORT_TIMEOUT_MS} ms; the update may or may not have happened`,
    );
    const [dropped] = forwards(net.log);
    expect(forwards(net.log)).toHaveLength(1);
    expect(dropped).toMatchObject({
      src: 'n1',
      dest: 'n3',
      fate: 'dropped',
      body: { request: { event: { event_data: { id: 'lost' } } } },
    });
    // A read changes nothing, so its timeout says only that the owner did not answer.
    const unread = await c1.request('n1', { type: 'read', projection: name });
    expect(unread).toMatchObject({
      type: 'error',
      code: 0,
      text: `read: n3 did not answer within ${SHORT_TIMEOUT_MS} ms`,
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
});
