import { nodeCrypto } from '../builtins.js';

/** A node's weight for a name: the first 8 bytes of SHA-256(node id, NUL, name), big-endian. */
function weight(nodeId: string, name: string): bigint {
  return nodeCrypto().createHash('sha256').update(nodeId).update('\0').update(name).digest().readBigUInt64BE(0);
}

/**
 * The owner of a projection name by rendezvous (highest-random-weight) hashing: the
 * node with the highest weight, ties to the smaller id. Every node computes the same
 * owner with no coordination, and removing a node moves only the names it owned.
 */
export function ownerOf(name: string, nodeIds: readonly string[]): string | undefined {
  let owner: string | undefined;
  let best = -1n;
  for (const nodeId of nodeIds) {
    const w = weight(nodeId, name);
    if (w > best || (w === best && owner !== undefined && nodeId < owner)) {
      owner = nodeId;
      best = w;
    }
  }
  return owner;
}

/** Characters of names whose owners are remembered, at most: past it, the memory starts again. */
const REMEMBERED_CHARS = 1024 * 1024;

/**
 * The owners of names among one list of node ids, each worked out once while it is
 * remembered: ownerOf hashes the name once per node, about 2 µs each.
 */
export class Owners {
  private readonly known = new Map<string, string | undefined>();
  private chars = 0;

  constructor(readonly nodeIds: readonly string[]) {}

  of(name: string): string | undefined {
    if (this.known.has(name)) return this.known.get(name);
    const owner = ownerOf(name, this.nodeIds);
    if (this.chars + name.length > REMEMBERED_CHARS) {
      this.known.clear();
      this.chars = 0;
    }
    this.known.set(name, owner);
    this.chars += name.length;
    return owner;
  }
}
