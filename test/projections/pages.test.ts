/** Pages of the store's projections answer as a fresh walk would, however creates, deletes and pages interleave. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProjectionStore } from '../../src/projections/store.js';

const NAMES = ['a', 'ab', 'abc', 'b', 'ba', 'c'];
const step = fc.oneof(
  fc.record({ create: fc.constantFrom(...NAMES) }),
  fc.record({ remove: fc.constantFrom(...NAMES) }),
  fc.record({ update: fc.constantFrom(...NAMES) }),
  fc.record({
    page: fc.record({
      prefix: fc.constantFrom('', '', 'a', 'a', 'ab', 'b', 'z'),
      offset: fc.nat(7),
      limit: fc.option(fc.nat(4)),
    }),
  }),
);

describe('ProjectionStore.page', () => {
  it('gives what a walk from the first projection gives, page after page', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const store = new ProjectionStore();
        const model = new Map<string, number>();
        for (const s of steps) {
          if ('create' in s) {
            if (model.has(s.create)) continue;
            store.create(s.create, []);
            model.set(s.create, 0);
          } else if ('remove' in s) {
            if (!model.has(s.remove)) continue;
            store.delete(s.remove);
            model.delete(s.remove);
          } else if ('update' in s) {
            store.update(s.update, { event_type: 'E', event_data: {} });
            model.set(s.update, (model.get(s.update) ?? 0) + 1);
          } else {
            const { prefix, offset, limit } = s.page;
            const all = [...model].filter(([name]) => name.startsWith(prefix));
            const end = limit === null ? undefined : offset + limit;
            expect(store.page(prefix, offset, limit ?? undefined)).toEqual({
              items: all.slice(offset, end).map(([name, version]) => ({ name, version })),
              total: all.length,
            });
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('counts from the first projection again after a delete before where the last page ended', () => {
    const store = new ProjectionStore();
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.create(name, []);
    expect(store.page('', 0, 2).items.map(({ name }) => name)).toEqual(['a', 'b']);
    store.delete('a');
    expect(store.page('', 2, 2)).toEqual({
      items: [
        { name: 'd', version: 0 },
        { name: 'e', version: 0 },
      ],
      total: 4,
    });
  });

  it('pages through every projection in order, one page after another, with creates between them', () => {
    const store = new ProjectionStore();
    for (let i = 0; i < 250; i++) store.create(`p${i}`, []);
    const seen: string[] = [];
    for (let offset = 0; offset < 300; offset += 100) {
      const { items } = store.page('', offset, 100);
      seen.push(...items.map(({ name }) => name));
      if (offset === 100) for (let i = 250; i < 300; i++) store.create(`p${i}`, []);
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => `p${i}`));
  });

  it('pages through the names with a prefix in order, with creates and pages of another prefix between them', () => {
    const store = new ProjectionStore();
    for (let i = 0; i < 250; i++) store.create(i % 2 === 0 ? `even-${i}` : `odd-${i}`, []);
    const seen: string[] = [];
    for (let offset = 0; offset < 150; offset += 50) {
      const { items, total } = store.page('even-', offset, 50);
      seen.push(...items.map(({ name }) => name));
      expect(total).toBe(offset < 100 ? 125 : 150);
      expect(store.page('odd-', 0, 1).total).toBe(125);
      if (offset === 50) for (let i = 250; i < 300; i += 2) store.create(`even-${i}`, []);
    }
    expect(seen).toEqual(Array.from({ length: 150 }, (_, i) => `even-${2 * i}`));
  });
});
