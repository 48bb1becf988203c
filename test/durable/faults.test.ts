/** Disk full, I/O errors and failed syncs: never a false acknowledgement, and memory as the disk has it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { FaultyFileSystem } from '../storage/faulty-fs.js';
import { bodies, type ReplyBody } from '../support/messages.js';
import { type Harness, start } from '../support/in-process-node.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A node on a fresh data directory behind `fs`; `ask` sends one batch and returns its replies. */
function durableNode(fs: FaultyFileSystem): {
  harness: Harness;
  ask: (...bodies: object[]) => Promise<ReplyBody[]>;
  syncs: () => number | undefined;
} {
  const dataDir = mkdtempSync(join(tmpdir(), 'projection-node-faults-'));
  dirs.push(dataDir);
  const fatal = (message: string): never => {
    throw new Error(message);
  };
  let journal: ReturnType<typeof serveProjections>;
  const harness = start((node) => {
    journal = serveProjections(node, { rpcTimeoutMs: 1000, durable: { dataDir, log: () => {}, fatal, fs } });
  });
  let msgId = 0;
  return {
    harness,
    syncs: () => journal?.syncs,
    async ask(...requests) {
      const seen = harness.output.lines.length;
      harness.send(
        ...requests.map((body) => JSON.stringify({ src: 'c1', dest: 'n1', body: { ...body, msg_id: ++msgId } })),
      );
      return bodies((await harness.output.waitFor(seen + requests.length)).slice(seen));
    },
  };
}

const create = { type: 'create', name: 'p', initial_state: [] };
const update = (id: number) => ({ type: 'update', projection: 'p', event: { event_type: 'E', event_data: { id } } });
const read = { type: 'read', projection: 'p' };

describe('a write to the data directory that fails (disk full, I/O error, short write)', () => {
  it.each([
    ['ENOSPC', (fs: FaultyFileSystem) => fs.fail('writev', 'ENOSPC')],
    ['EIO', (fs: FaultyFileSystem) => fs.fail('writev', 'EIO')],
    ['a short write that cannot go on', (fs: FaultyFileSystem) => fs.shortWrite(3).fail('writev', 'ENOSPC', 2)],
  ])(
    '%s: the batch is answered with error 11, memory goes back to the disk, and the next batch is durable',
    async (_, inject) => {
      const fs = new FaultyFileSystem();
      const { harness, ask, syncs } = durableNode(fs);
      expect((await ask(create, update(1))).map(({ type }) => type)).toEqual([
        'projection_created',
        'projection_updated',
      ]);
      inject(fs);
      // An error in the batch becomes error 11 too: it was worked out on the state the failure undoes.
      const failed = await ask(update(2), read, { type: 'list' }, { type: 'read', projection: 'nope' });
      expect(failed.map(({ code }) => code)).toEqual([11, 11, 11, 11]);
      expect(failed[0]?.text).toMatch(/^update: the data directory could not be written \(.+\); nothing was done$/);
      const syncsBefore = syncs() ?? 0;
      const after = await ask(read, update(3));
      // The syncs counted at exit go on from those before the failure: reloading the directory resets none.
      expect(syncs()).toBeGreaterThan(syncsBefore);
      expect(syncsBefore).toBeGreaterThanOrEqual(3);
      expect(after[0]).toMatchObject({ type: 'read_ok', version: 1, state: [{ id: 1 }] });
      expect(after[1]).toMatchObject({ type: 'projection_updated', version: 2, state: [{ id: 1 }, { id: 3 }] });
      await harness.finish();
    },
  );
});

describe('errors in a batch that could not be written', () => {
  it('become error 11 as its successes do: none may describe a change the failure undid', async () => {
    const fs = new FaultyFileSystem();
    const { harness, ask } = durableNode(fs);
    await ask(create, update(1));
    fs.fail('writev', 'ENOSPC');
    const stale = { ...update(3), expected_version: 1 };
    const q = { type: 'create', name: 'q' };
    // Each error below is true only of the state the batch made: version 2, p deleted, q created.
    const failed = await ask(
      { ...update(2), expected_version: 1 },
      stale,
      { type: 'delete', projection: 'p' },
      read,
      q,
      q,
    );
    expect(failed.map(({ code }) => code)).toEqual([11, 11, 11, 11, 11, 11]);
    expect(failed[1]?.text).toMatch(/^update: the data directory could not be written \(.+\); nothing was done$/);
    const after = await ask(read, { type: 'read', projection: 'q' });
    expect(after[0]).toMatchObject({ type: 'read_ok', version: 1, state: [{ id: 1 }] });
    expect(after[1]).toMatchObject({ type: 'error', code: 20 });
    await harness.finish();
  });
});

describe('init in a batch that could not be written', () => {
  it('is still init_ok, since init took effect; the write beside it gets error 11', async () => {
    const fs = new FaultyFileSystem();
    const { harness, ask } = durableNode(fs);
    // The first two writes make the files of the node's folder at init; the third is the batch's.
    fs.fail('writev', 'ENOSPC', 3);
    const init = { type: 'init', node_id: 'n1', node_ids: ['n1'] };
    const failed = await ask(init, create);
    expect(failed.map(({ type, code }) => [type, code])).toEqual([
      ['init_ok', undefined],
      ['error', 11],
    ]);
    // Initialized, as init_ok said: a second init is refused, and the write goes through now.
    const after = await ask(init, create);
    expect(after.map(({ type, code }) => [type, code])).toEqual([
      ['error', 22],
      ['projection_created', undefined],
    ]);
    await harness.finish();
  });
});

describe('a sync of the data directory that fails', () => {
  it('answers the batch with error 13, then refuses every write with error 11 while reads go on', async () => {
    const fs = new FaultyFileSystem();
    const { harness, ask } = durableNode(fs);
    await ask(create);
    fs.fail('fdatasync', 'EIO');
    const failed = await ask(update(1));
    expect(failed[0]).toMatchObject({ type: 'error', code: 13 });
    expect(failed[0]?.text).toMatch(
      /^update: the data directory could not be synced \(.+\); the change may or may not be durable$/,
    );
    const after = await ask(update(2), { type: 'delete', projection: 'p' }, read);
    expect(after.map(({ code }) => code)).toEqual([11, 11, undefined]);
    expect(after[0]?.text).toMatch(
      /^update: the data directory failed \(.+\); no write is taken until the node restarts$/,
    );
    // The write that may or may not be durable is in memory: a read shows it, as a retry would find it.
    expect(after[2]).toMatchObject({ type: 'read_ok', version: 1 });
    await harness.finish();
  });
});

describe('a redelivery after a failed sync', () => {
  it('is error 11 like any write, not a duplicate: the write it repeats may not be durable', async () => {
    const fs = new FaultyFileSystem();
    const { harness, ask } = durableNode(fs);
    await ask(create);
    fs.fail('fdatasync', 'EIO');
    const withId = {
      type: 'update',
      projection: 'p',
      event: { event_type: 'E', event_id: 'e1', event_data: { id: 1 } },
    };
    expect((await ask(withId))[0]).toMatchObject({ type: 'error', code: 13 });
    const [again] = await ask(withId);
    expect(again).toMatchObject({ type: 'error', code: 11 });
    expect(again?.text).toMatch(
      /^update: the data directory failed \(.+\); no write is taken until the node restarts$/,
    );
    await harness.finish();
  });
});

describe('stats after a batch that could not be written', () => {
  it('counts its replies as the errors they became, and none of its events as applied', async () => {
    const fs = new FaultyFileSystem();
    const { harness, ask } = durableNode(fs);
    await ask(create, update(1));
    fs.fail('writev', 'ENOSPC');
    const rebuild = { type: 'rebuild', projection: 'p', events: [update(4).event, update(5).event] };
    const missing = { type: 'read', projection: 'nope' };
    expect((await ask(update(2), rebuild, read, missing)).map(({ code }) => code)).toEqual([11, 11, 11, 11]);
    const [stats] = await ask({ type: 'stats' });
    // The error 20 the missing read was counted as is counted as the error 11 it became.
    expect(stats).toMatchObject({
      events_applied: 1,
      requests: { create: 1, update: 2, rebuild: 1, read: 2 },
      errors: { 11: 4 },
    });
    expect(Object.keys(stats?.errors as object)).toEqual(['11']);
    await harness.finish();
  });
});
