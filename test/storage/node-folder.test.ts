/** The folder of a named node inside the data directory: the id itself only when it is a plain name. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeFolder } from '../../src/storage/layout.js';

const digestFolder = (id: string): string =>
  `_${createHash('sha256').update(Buffer.from(id, 'utf16le')).digest('hex')}`;

describe('nodeFolder', () => {
  it('is the id itself for a plain name, as Maelstrom gives (n1, c2, node_3, a-b)', () => {
    for (const id of ['n1', 'c2', 'node_3', 'a-b', 'N', 'x'.repeat(64)]) expect(nodeFolder(id)).toBe(id);
  });

  it('is _ and the digest for every other id: paths, dots, the lock, file names, long or odd ids', () => {
    for (const id of [
      '..',
      '.',
      '../../tmp/evil',
      'a/b',
      '/abs',
      'lock',
      'log-000000000000.pnr',
      'lock.1.tmp',
      '_x',
      '-x',
      'x'.repeat(65),
      'x'.repeat(1024),
      'a\u0000b',
      'zoë',
      '\ud800',
    ])
      expect(nodeFolder(id)).toBe(digestFolder(id));
  });

  it('never names a path, a dot entry or the lock, and is never longer than 65 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1024 }), (id) => {
        const folder = nodeFolder(id);
        expect(folder).toMatch(/^[A-Za-z0-9_-]{1,65}$/);
        expect(folder).not.toBe('lock');
      }),
    );
  });

  it('gives different ids different folders, lone surrogates included', () => {
    expect(nodeFolder('\ud800')).not.toBe(nodeFolder('\udc00'));
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        fc.pre(a !== b);
        expect(nodeFolder(a)).not.toBe(nodeFolder(b));
      }),
    );
  });
});
