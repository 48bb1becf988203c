/** The time of each projection's last change survives a restart with --data-dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeChange, replay } from '../../src/durable/records.js';
import { JsonFragment } from '../../src/json/value.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { serveProjections } from '../../src/serve.js';
import { exchange } from '../support/in-process-node.js';
import { runOnDataDir } from '../support/data-dirs.js';
import { bodies, type ReplyBody, requestLines } from '../support/messages.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** 2024-06-01T12:00:00Z, in whole seconds since the epoch. */
const JUNE_FIRST = 1_717_243_200;

/** One run of a node on `dataDir` whose clock reads `seconds`: its reply bodies. */
async function runOn(dataDir: string, seconds: () => number, requests: readonly object[]): Promise<ReplyBody[]> {
  return bodies(await runOnDataDir(dataDir, seconds, requests));
}

describe('changed_at after a restart', () => {
  it('is the time of the last change before it, for a create, an update and a rebuild', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'projection-node-times-'));
    dirs.push(dataDir);
    let now = JUNE_FIRST;
    const tick = () => {
      now += 60;
      return now;
    };
    await runOn(dataDir, tick, [
      { type: 'create', name: 'created' },
      { type: 'create', name: 'updated', initial_state: {} },
      { type: 'update', projection: 'updated', event: { event_type: 'E', event_data: { a: 1 } } },
      { type: 'rebuild', projection: 'rebuilt', events: [{ event_type: 'E', event_data: { id: 1 } }] },
    ]);
    const later = () => JUNE_FIRST + 86_400;
    const replies = await runOn(dataDir, later, [
      { type: 'describe', projection: 'created' },
      { type: 'describe', projection: 'updated' },
      { type: 'describe', projection: 'rebuilt' },
      { type: 'stats' },
    ]);
    // What a restart loads is not counted as applied.
    expect(replies.pop()).toMatchObject({ projections: 3, events_applied: 0 });
    expect(replies.map(({ changed_at }) => changed_at)).toEqual([
      '2024-06-01T12:01:00Z',
      '2024-06-01T12:03:00Z',
      '2024-06-01T12:04:00Z',
    ]);
    expect(replies.map(({ version }) => version)).toEqual([0, 1, 1]);
  });
});

describe('records', () => {
  it('carry the time through an image record, as snapshots write them', () => {
    const store = new ProjectionStore({ clock: () => JUNE_FIRST });
    const projection = store.create('p', []);
    const record = encodeChange({ op: 'image', projection, state: new JsonFragment(['[]']) });
    const loaded = new ProjectionStore({ clock: () => 0 });
    replay(loaded, record);
    expect(loaded.read('p').changedAt).toBe(JUNE_FIRST);
  });

  it('without a time, as an earlier version wrote them, load with the time unknown: changed_at null', async () => {
    const loaded = new ProjectionStore({ clock: () => JUNE_FIRST });
    replay(loaded, '{"op":"create","name":"p","initial_state":[],"handlers":{},"key":"id"}');
    expect(loaded.read('p').changedAt).toBe(0);
    replay(loaded, '{"op":"update","name":"p","at":7,"event":{"event_type":"E","event_data":1}}');
    replay(loaded, '{"op":"update","name":"p","event":{"event_type":"E","event_data":2}}');
    expect(loaded.read('p').changedAt).toBe(0);
    // Time 0 is "not known", which describe gives as null.
    const { out } = await exchange(
      requestLines([
        { type: 'create', name: 'p' },
        { type: 'describe', projection: 'p' },
      ]),
      (node) => serveProjections(node, { rpcTimeoutMs: 1000, clock: () => 0 }),
    );
    expect(bodies(out)[1]).toMatchObject({ type: 'describe_ok', changed_at: null });
  });
});
