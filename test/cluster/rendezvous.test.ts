import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Owners, ownerOf } from '../../src/cluster/rendezvous.js';

const THREE = ['n1', 'n2', 'n3'] as const;
const NAMES = Array.from({ length: 3000 }, (_, index) => `projection-${index}`);

function owners(names: readonly string[], nodeIds: readonly string[]): (string | undefined)[] {
  return names.map((name) => ownerOf(name, nodeIds));
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('ownerOf', () => {
  it('is the highest SHA-256 weight, so every node and every version of the code agrees', () => {
    // Pinned: a change of the hash would split a cluster of mixed versions.
    expect(ownerOf('orders', THREE)).toBe('n3');
    expect(ownerOf('customers', ['n1', 'n2', 'n3', 'n4', 'n5'])).toBe('n4');
    const weight = (nodeId: string, name: string): bigint =>
      createHash('sha256').update(`${nodeId}\0${name}`).digest().readBigUInt64BE(0);
    for (const name of NAMES.slice(0, 200)) {
      const expected = [...THREE].sort((a, b) => (weight(b, name) > weight(a, name) ? 1 : -1))[0];
      expect(ownerOf(name, THREE)).toBe(expected);
    }
  });

  it('is deterministic, and does not depend on the order of node_ids', () => {
    const reference = owners(NAMES, THREE);
    const orders = permutations(THREE);
    expect(orders).toHaveLength(6);
    for (const order of orders) expect(owners(NAMES, order)).toEqual(reference);
  });

  it('is one of the nodes, and undefined without nodes', () => {
    expect(ownerOf('orders', [])).toBeUndefined();
    expect(ownerOf('orders', ['solo'])).toBe('solo');
    expect(new Set(owners(NAMES, THREE))).toEqual(new Set(THREE));
  });

  it('spreads 3000 names roughly evenly over 3 nodes', () => {
    const counts = new Map<string | undefined, number>();
    for (const owner of owners(NAMES, THREE)) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...THREE]);
    for (const nodeId of THREE) {
      const share = (counts.get(nodeId) ?? 0) / NAMES.length;
      expect(share).toBeGreaterThanOrEqual(0.25);
      expect(share).toBeLessThanOrEqual(0.42);
    }
  });

  it('moves only the names of a removed node, and spreads them over the others', () => {
    const before = owners(NAMES, THREE);
    for (const removed of THREE) {
      const remaining = THREE.filter((nodeId) => nodeId !== removed);
      const after = owners(NAMES, remaining);
      const movedTo = new Set<string | undefined>();
      NAMES.forEach((name, index) => {
        if (before[index] === removed) {
          expect(remaining).toContain(after[index]);
          movedTo.add(after[index]);
        } else {
          expect(after[index], name).toBe(before[index]);
        }
      });
      expect(movedTo).toEqual(new Set(remaining));
    }
  });

  it('moves to an added node only names that it now owns', () => {
    const before = owners(NAMES, THREE);
    const after = owners(NAMES, [...THREE, 'n4']);
    let moved = 0;
    NAMES.forEach((name, index) => {
      if (after[index] === before[index]) return;
      expect(after[index], name).toBe('n4');
      moved++;
    });
    // About a quarter of the names; loose bounds, it only has to be a fair share.
    expect(moved).toBeGreaterThan(NAMES.length * 0.18);
    expect(moved).toBeLessThan(NAMES.length * 0.32);
  });
});

describe('Owners', () => {
  it('gives the owner ownerOf gives, for names seen before and after its memory starts again', () => {
    const owners = new Owners(['n1', 'n2', 'n3', 'n4']);
    // 1,100 names of 1000 characters pass the 1 Mi characters it remembers.
    const long = Array.from({ length: 1100 }, (_, i) => `${'x'.repeat(995)}${String(i).padStart(5, '0')}`);
    for (const name of [...NAMES.slice(0, 500), ...long, ...NAMES.slice(0, 500), ...long.slice(0, 10)]) {
      expect(owners.of(name), name.slice(-8)).toBe(ownerOf(name, owners.nodeIds));
    }
    expect(new Owners([]).of('orders')).toBeUndefined();
  });
});
