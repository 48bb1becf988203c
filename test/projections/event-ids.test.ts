import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identityOf } from '../../src/json/identity.js';
import { parseJson } from '../../src/json/parse.js';
import { EventIds } from '../../src/projections/event-ids.js';

/** Adds `id` unless held, as Projection.update does. */
function remember(ids: EventIds, id: unknown): boolean {
  if (ids.has(id)) return false;
  ids.add(id);
  return true;
}

/** The ids a window keeps, the slow way: the newest `window` distinct ids added, by JSON value. */
class ReferenceIds {
  private readonly held: string[] = [];
  constructor(private readonly window: number | undefined) {}
  remember(id: unknown): boolean {
    const text = identityOf(id);
    if (this.held.includes(text)) return false;
    this.held.push(text);
    if (this.window !== undefined && this.held.length > this.window) this.held.shift();
    return true;
  }
  has(id: unknown): boolean {
    return this.held.includes(identityOf(id));
  }
}

const eventId = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -50, max: 50 }),
  fc.constantFrom(
    ...['12345678901234567890', '1234567890123456789e1', '1e400', '10e399'].map((text) => parseJson(text)),
  ),
);

describe('EventIds', () => {
  it('tells ids apart as JSON values: type, numbers by value, exact digits', () => {
    const ids = new EventIds(undefined);
    for (const id of ['7', 7, parseJson('1e400'), parseJson('12345678901234567890'), '', 'é\ud800'])
      expect(remember(ids, id)).toBe(true);
    expect(ids.size).toBe(6);
    expect([parseJson('7.0'), parseJson('70e-1')].map((id) => ids.has(id))).toEqual([true, true]);
    for (const id of ['7', 7, parseJson('10e399'), parseJson('1234567890123456789e1'), '', 'é\ud800'])
      expect(ids.has(id), identityOf(id)).toBe(true);
    for (const id of ['07', 8, -7, parseJson('12345678901234567891'), ' ', 'é\ud801', '\ud800'])
      expect(ids.has(id), identityOf(id)).toBe(false);
  });

  it('holds long ids by their digest, whatever their length', () => {
    const ids = new EventIds(undefined);
    const long = 'x'.repeat(100_000);
    remember(ids, long);
    expect(ids.has(long)).toBe(true);
    expect(ids.has(`${long}y`)).toBe(false);
    expect(ids.has(long.slice(1))).toBe(false);
  });

  it('remembers what the slow reference remembers, with or without a window, and after restore', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
        fc.array(eventId, { maxLength: 200 }),
        fc.nat(200),
        (window, sequence, cut) => {
          let ids = new EventIds(window);
          const reference = new ReferenceIds(window);
          for (const [index, id] of sequence.entries()) {
            // Halfway, the set is saved and restored, as a restart does.
            if (index === cut) ids = EventIds.restore(window, ids.key, ids.bytes());
            expect(remember(ids, id), `remember ${identityOf(id)} at ${index}`).toBe(reference.remember(id));
          }
          for (const id of sequence) expect(ids.has(id), identityOf(id)).toBe(reference.has(id));
          expect(ids.size).toBe(new Set(sequence.filter((id) => reference.has(id)).map(identityOf)).size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgets the oldest ids once the window is full; a redelivery does not make an id newer', () => {
    const ids = new EventIds(3);
    for (const id of ['a', 'b', 'c']) remember(ids, id);
    expect(remember(ids, 'a')).toBe(false);
    remember(ids, 'd');
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    expect(ids.size).toBe(3);
    expect(remember(ids, 'a')).toBe(true);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
  });

  it('keeps the newest ids when restored into a narrower window', () => {
    const wide = new EventIds(undefined);
    for (let n = 0; n < 100; n++) remember(wide, `e${n}`);
    const narrow = EventIds.restore(10, wide.key, wide.bytes());
    expect(narrow.size).toBe(10);
    expect(narrow.has('e89')).toBe(false);
    for (let n = 90; n < 100; n++) expect(narrow.has(`e${n}`)).toBe(true);
    remember(narrow, 'new');
    expect([narrow.has('e90'), narrow.has('e91'), narrow.has('new')]).toEqual([false, true, true]);
  });

  it('makes digests with its own key: the same ids under another key match nothing', () => {
    const ids = new EventIds(undefined);
    remember(ids, 'e1');
    const other = EventIds.restore(undefined, 'another key', ids.bytes());
    expect(other.size).toBe(1);
    expect(other.has('e1')).toBe(false);
    expect(EventIds.restore(undefined, ids.key, ids.bytes()).has('e1')).toBe(true);
  });

  it('takes at most 28 bytes per id, plus a few dozen bytes', () => {
    const ids = new EventIds(undefined);
    let worst = 0;
    for (let n = 1; n <= 50_000; n++) {
      ids.add(`e${n}`);
      worst = Math.max(worst, ids.byteLength - 28 * n);
    }
    expect(worst).toBeLessThanOrEqual(64);
    expect(ids.size).toBe(50_000);
  });

  it('takes room for at most the window, however many ids pass through it', () => {
    const ids = new EventIds(1000);
    for (let n = 0; n < 1000; n++) ids.add(`e${n}`);
    const full = ids.byteLength;
    for (let n = 1000; n < 20_000; n++) ids.add(`e${n}`);
    expect(ids.byteLength).toBe(full);
    expect(full).toBeLessThanOrEqual(28 * 1000 + 64);
    expect(ids.size).toBe(1000);
    expect([ids.has('e18999'), ids.has('e19000'), ids.has('e19999')]).toEqual([false, true, true]);
  });
});
