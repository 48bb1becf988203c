/**
 * The records of a data directory, read again under another --dedup-window, remember what the
 * node that wrote them remembered at its last write: the same ids in the same order, the newest N
 * under a smaller N, however many windows the writer ran under, one restart after another.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeChange, replay } from '../../src/durable/records.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { StateJsonCache } from '../../src/state-json/state-json.js';

const DIGEST_BYTES = 16;
const window = fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined });

/** The digests a projection remembers, oldest first, as its newest `keep` (all if undefined). */
function remembered(projection: Projection | undefined, keep?: number): string[] {
  const bytes = projection?.eventIds()?.bytes() ?? Buffer.alloc(0);
  const digests: string[] = [];
  for (let at = 0; at < bytes.length; at += DIGEST_BYTES) digests.push(bytes.toString('hex', at, at + DIGEST_BYTES));
  return keep === undefined ? digests : digests.slice(Math.max(0, digests.length - keep));
}

/** A store loaded from `records` under `dedupWindow`, as the journal loads one at a restart. */
function load(records: readonly string[], dedupWindow: number | undefined): ProjectionStore {
  const store = new ProjectionStore({ dedupWindow });
  for (const record of records) replay(store, record);
  for (const projection of store.all()) projection.useOwnWindow();
  return store;
}

/** One run of the writer: its window, the ids it is sent, and where (if anywhere) it snapshots. */
const run = fc.record({
  window,
  ids: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 25 }),
  snapshotAt: fc.option(fc.nat({ max: 25 }), { nil: undefined }),
});

describe('records read again under another dedup window', () => {
  it('remember the ids the writer remembered at its last write, in its order, over restarts under changing windows', () => {
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 4 }), window, (runs, read) => {
        let records: string[] = [];
        let writer: ProjectionStore | undefined;
        /** What the writer remembered when it last wrote the projection: a restart's own cut is not written. */
        let written: string[] = [];
        for (const { window: dedupWindow, ids, snapshotAt } of runs) {
          // Each run starts from what the last one left on disk, under its own window.
          writer = writer === undefined ? new ProjectionStore({ dedupWindow }) : load(records, dedupWindow);
          if (records.length === 0) records.push(encodeChange({ op: 'create', projection: writer.create('p', {}) }));
          const json = new StateJsonCache();
          ids.forEach((id, index) => {
            if (index === snapshotAt) {
              const projection = (writer as ProjectionStore).read('p');
              records = [encodeChange({ op: 'image', projection, state: json.of(projection).json() })];
              written = remembered(projection);
            }
            const event = { event_type: 'E', event_data: { id }, event_id: `e${id}` };
            const { projection, duplicate } = (writer as ProjectionStore).update('p', event);
            if (duplicate) return;
            const { name, changedAt: at } = projection;
            records.push(encodeChange({ op: 'update', name, at, event, window: projection.dedupWindow }));
            written = remembered(projection);
          });
        }
        const [before, after] = [(writer as ProjectionStore).read('p'), load(records, read).read('p')];
        expect(after.version).toBe(before.version);
        expect(remembered(after)).toEqual(
          read === undefined ? written : written.slice(Math.max(0, written.length - read)),
        );
        expect(after.dedupWindow).toBe(read);
      }),
      { numRuns: 500 },
    );
  });

  it('are written with the window an id was remembered under, null for none, and none for an event without an id', () => {
    const at = 1;
    const event = { event_type: 'E', event_data: {}, event_id: 'e1' };
    expect(encodeChange({ op: 'update', name: 'p', at, event, window: 3 })).toBe(
      '{"op":"update","name":"p","at":1,"window":3,"event":{"event_type":"E","event_data":{},"event_id":"e1"}}',
    );
    expect(encodeChange({ op: 'update', name: 'p', at, event, window: undefined })).toContain(',"window":null,');
    const unnamed = { event_type: 'E', event_data: {} };
    expect(encodeChange({ op: 'update', name: 'p', at, event: unnamed, window: 3 })).not.toContain('window');
  });

  it('read a record written before windows were recorded under the window in force', () => {
    // A node with a window of 2 applied e1, e2, e3, then e1 again: it held e3 and e1.
    const records = ['{"op":"create","name":"p","initial_state":{},"handlers":{},"key":"id","at":1}'];
    for (const id of ['e1', 'e2', 'e3', 'e1']) {
      records.push(`{"op":"update","name":"p","at":1,"event":{"event_type":"E","event_data":{},"event_id":"${id}"}}`);
    }
    const loaded = load(records, 2);
    expect(loaded.read('p').version).toBe(4);
    expect(loaded.update('p', { event_type: 'E', event_data: {}, event_id: 'e1' }).duplicate).toBe(true);
    expect(loaded.update('p', { event_type: 'E', event_data: {}, event_id: 'e2' }).duplicate).toBe(false);
  });
});
