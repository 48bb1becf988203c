import { ownerOf } from '../../src/cluster/rendezvous.js';

/** The first name `${prefix}-<i>` that `owner` owns among `nodeIds`. */
export function nameOwnedBy(owner: string, nodeIds: readonly string[], prefix = 'p'): string {
  for (let index = 0; ; index++) {
    const name = `${prefix}-${index}`;
    if (ownerOf(name, nodeIds) === owner) return name;
  }
}
