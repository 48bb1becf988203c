/**
 * After a restart, a state an image restored is answered with its JSON as the image holds it,
 * not serialized again, and with the same bytes a node that never stopped would send.
 */
import { describe, expect, it, vi } from 'vitest';
import { replay } from '../../src/durable/records.js';
import * as stringify from '../../src/json/stringify.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { dataDirsRemovedAfterEach, runOnDataDir } from '../support/data-dirs.js';

const dataDir = dataDirsRemovedAfterEach('projection-node-seeded-');

/** One run of a node on `dir` (closed after it): its output lines. */
const runOn = (dir: string, requests: readonly object[]) => runOnDataDir(dir, () => 1_700_000_000, requests);

/** Elements whose text holds what the image's layout is found by: `,"ids":` and `,"state":`, and non-ASCII text. */
const elements = Array.from({ length: 40 }, (_, i) => ({
  id: i,
  ids: [i],
  state: `,"state":,"ids": é€😀 ${i}`,
  '"ids"': 'x',
}));
const rebuild = {
  type: 'rebuild',
  projection: 'p',
  events: elements.map((data) => ({ event_type: 'E', event_id: `e${data.id}`, event_data: data })),
};
const create = { type: 'create', name: 'p', initial_state: [{ id: 'seed', note: ',"version":0,"state":[],"ids":[]' }] };
const read = { type: 'read', projection: 'p' };
const update = { type: 'update', projection: 'p', event: { event_type: 'E', event_data: { id: 3, more: 'ü' } } };

/** The reply lines of the requests, from a node that never stops. */
async function uninterrupted(requests: readonly object[]): Promise<string[]> {
  return runOn(dataDir(), requests);
}

describe('a state restored from an image', () => {
  it('is answered with the image text, byte for byte the reply a node that never stopped sends', async () => {
    const dir = dataDir();
    await runOn(dir, [create, rebuild]);
    const serialize = vi.spyOn(stringify, 'stringifyJson');
    const [afterRestart] = await runOn(dir, [read]);
    const calls = serialize.mock.calls.filter(([value]) => Array.isArray(value) && value.length > 10);
    serialize.mockRestore();
    expect(calls).toEqual([]);
    const expected = (await uninterrupted([create, rebuild, read])).at(-1) as string;
    expect(afterRestart?.replace(/"in_reply_to":\d+/, '')).toBe(expected.replace(/"in_reply_to":\d+/, ''));
    expect(afterRestart).toContain('é€😀 39');
  });

  it('is serialized again once an update changes it, and not taken from the image when a later record did', async () => {
    const dir = dataDir();
    await runOn(dir, [create, rebuild]);
    // The update after the restart lands in the log: the next start restores the image, then replays it.
    const [updated, readBack] = await runOn(dir, [update, read]);
    const [restarted] = await runOn(dir, [read]);
    const expected = await uninterrupted([create, rebuild, update, read]);
    const withoutIds = (line: string | undefined) => line?.replace(/"in_reply_to":\d+/, '');
    expect(withoutIds(updated)).toBe(withoutIds(expected[2]));
    expect(withoutIds(readBack)).toBe(withoutIds(expected[3]));
    expect(withoutIds(restarted)).toBe(withoutIds(expected[3]));
    expect(restarted).toContain('"more":"ü"');
  });

  it('counts its size for the state size limit as a node that never stopped does: in UTF-8 bytes for a long array', async () => {
    const wide = {
      type: 'rebuild',
      projection: 'p',
      events: Array.from({ length: 40 }, (_, id) => ({ event_type: 'E', event_data: { id, s: 'é'.repeat(100) } })),
    };
    const grow = { type: 'update', projection: 'p', event: { event_type: 'E', event_data: { id: 99 } } };
    const empty = { type: 'create', name: 'p', initial_state: [] };
    const readBack = JSON.parse((await uninterrupted([empty, wide, read])).at(-1) as string);
    const units = JSON.stringify(readBack.body.state).length;
    // Room for the update in UTF-16 units, not in bytes (the 4000 "é" take 8000 bytes).
    const limit = units + 200;
    const never = await runOnDataDir(
      dataDir(),
      () => 1_700_000_000,
      [{ type: 'create', name: 'p', initial_state: [] }, wide, grow],
      limit,
    );
    const dir = dataDir();
    await runOnDataDir(dir, () => 1_700_000_000, [empty, wide], limit);
    const [afterRestart] = await runOnDataDir(dir, () => 1_700_000_000, [grow], limit);
    expect(JSON.parse(never.at(-1) as string).body).toMatchObject({ type: 'error', code: 12 });
    expect(JSON.parse(afterRestart as string).body).toEqual({
      ...JSON.parse(never.at(-1) as string).body,
      in_reply_to: 1,
    });
  });

  it('is not taken from an image laid out otherwise, as one without its time that older nodes wrote', () => {
    const current =
      '{"op":"image","name":"p","initial_state":[],"handlers":{},"key":"id","at":5,"version":2,' +
      '"state":[{"id":1,"s":",\\"ids\\":"},{"id":2}],"ids":[]}';
    const restored = replay(new ProjectionStore(), current);
    expect(restored?.stateJson).toBe('[{"id":1,"s":",\\"ids\\":"},{"id":2}]');
    expect(restored?.version).toBe(2);
    const store = new ProjectionStore();
    expect(replay(store, current.replace(',"at":5', ''))).toBeUndefined();
    expect(store.get('p')?.version).toBe(2);
  });
});
