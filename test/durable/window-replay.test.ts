/**
 * The records of a data directory, read again under another --dedup-window, remember what the
 * node that wrote them remembered: the same ids in the same order, the newest N under a smaller N.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeChange, replay } from '../../src/durable/records.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { StateJsonCache } from '../../src/state-json/state-json.js';

const WORDS_BYTES = 16;
const window = fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined });

/** The digests a projection remembers, oldest first, as its newest `keep` (all if undefined). */
function remembered(projection: Projection | undefined, keep?: number): string[] {
  const bytes = projection?.eventIds()?.bytes() ?? Buffer.alloc(0);
  const digests: string[] = [];
  for (let at = 0; at < bytes.length; at += WORDS_BYTES) digests.push(bytes.toString('hex', at, at + WORDS_BYTES));
  return keep === undefined ? digests : digests.slice(Math.max(0, digests.length - keep));
}

describe('records read again under another dedup window', () => {
  it('remember the ids the writer remembered, in its order, the newest N under a smaller N', () => {
    fc.assert(
      fc.property(
        window,
        window,
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 60 }),
        fc.option(fc.nat({ max: 60 }), { nil: undefined }),
        (written, read, ids, imageAt) => {
          const store = new ProjectionStore({ dedupWindow: written });
          const json = new StateJsonCache();
          const records = [encodeChange({ op: 'create', projection: store.create('p', {}) })];
          ids.forEach((id, index) => {
            // A snapshot at some point: the projection whole, its ids as digests.
            if (index === imageAt) {
              const projection = store.read('p');
              records.length = 0;
              records.push(encodeChange({ op: 'image', projection, state: json.of(projection).json() }));
            }
            const event = { event_type: 'E', event_data: { id }, event_id: `e${id}` };
            const { projection, duplicate } = store.update('p', event);
            if (!duplicate) {
              const { name, changedAt: at, dedupWindow } = projection;
              records.push(encodeChange({ op: 'update', name, at, event, window: dedupWindow }));
            }
          });
          const loaded = new ProjectionStore({ dedupWindow: read });
          for (const record of records) replay(loaded, record);
          for (const projection of loaded.all()) projection.useOwnWindow();
          const [before, after] = [store.read('p'), loaded.read('p')];
          expect(after.version).toBe(before.version);
          expect(remembered(after)).toEqual(remembered(before, read));
          expect(after.dedupWindow).toBe(read);
        },
      ),
      { numRuns: 500 },
    );
  });
});
