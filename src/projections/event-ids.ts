import { nodeCrypto } from '../builtins.js';
import { identityOf } from '../json/identity.js';

/** 32-bit words per digest: 128 bits. */
const WORDS = 4;
/** The index grows by half once more than three quarters of its slots are taken. */
const MAX_LOAD = 0.75;
const INDEX_GROWTH = 1.5;
/** Digests grow by a quarter at a time: at most a quarter of their room is ever unused. */
const ENTRY_GROWTH = 1.25;
const FIRST_CAPACITY = 4;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let processKey: string | undefined;
/** The key of every id set this process starts: 128 random bits, as 24 base64 characters. */
function keyOfThisProcess(): string {
  processKey ??= nodeCrypto().randomBytes(16).toString('base64');
  return processKey;
}

/** The digest last computed, and its id and key: asked about the same id again, a set reuses it. */
const scratch = new Uint32Array(WORDS);
let scratchId: unknown;
let scratchKey: string | undefined;

/**
 * Event ids remembered as 128-bit digests, at most about 28 bytes per id: the
 * digests in the order they were added (16 bytes each, a quarter of room to grow)
 * and an open-addressing index of their positions (4 bytes a slot, at least half
 * of its slots taken). A digest is the first 128 bits of SHA-256 of a secret key
 * and the id's canonical text (identityOf), so two ids are one id exactly when they
 * are the same JSON value, but for a chance of about n²/2^129 among n ids that
 * nobody can raise on purpose without the key. With a window, only the newest
 * `window` ids are kept: the digests are a ring, and the oldest leaves the index as
 * a new one comes.
 */
export class EventIds {
  /** Digests, WORDS words each, oldest first from `start`; a ring once `window` ids are held. */
  private entries: Uint32Array;
  private start = 0;
  private count = 0;
  /** Linear probing; a slot holds 1 + the position of a digest in `entries`, 0 when free. */
  private index: Uint32Array;

  /**
   * `window`: how many ids to keep, unbounded if undefined. `key`: the secret the
   * digests are made with; a digest is only ever compared with one of the same key.
   */
  constructor(
    readonly window: number | undefined,
    readonly key: string = keyOfThisProcess(),
  ) {
    // A ring is exactly `window` long, so it never starts longer.
    const capacity = Math.min(FIRST_CAPACITY, window ?? FIRST_CAPACITY);
    this.entries = new Uint32Array(capacity * WORDS);
    this.index = new Uint32Array(indexSize(capacity));
  }

  /** How many ids are remembered. */
  get size(): number {
    return this.count;
  }

  /** The bytes the digests and their index take. */
  get byteLength(): number {
    return this.entries.byteLength + this.index.byteLength;
  }

  has(id: unknown): boolean {
    this.digestOnce(id);
    return this.find() >= 0;
  }

  /** Remembers an id it does not hold; with a full window, the oldest is forgotten. */
  add(id: unknown): void {
    this.digestOnce(id);
    this.insert(scratch, 0);
  }

  /** The digests, oldest first, as little-endian bytes: what `restore` takes. */
  bytes(): Buffer {
    const capacity = this.entries.length / WORDS;
    const ordered = new Uint32Array(this.count * WORDS);
    const head = Math.min(this.count, capacity - this.start);
    ordered.set(this.entries.subarray(this.start * WORDS, (this.start + head) * WORDS));
    ordered.set(this.entries.subarray(0, (this.count - head) * WORDS), head * WORDS);
    const bytes = Buffer.from(ordered.buffer, ordered.byteOffset, ordered.byteLength);
    return LITTLE_ENDIAN ? bytes : bytes.swap32();
  }

  /** An id set of `key` holding the digests `bytes()` gave, the newest `window` of them. */
  static restore(window: number | undefined, key: string, bytes: Uint8Array): EventIds {
    const ids = new EventIds(window, key);
    const total = Math.floor(bytes.length / (WORDS * 4));
    const kept = window === undefined ? total : Math.min(total, window);
    // A copy: the bytes may sit at any offset of a shared pool, and a Uint32Array needs 4-byte alignment.
    ids.entries = new Uint32Array(kept * WORDS);
    new Uint8Array(ids.entries.buffer).set(bytes.subarray((total - kept) * WORDS * 4, total * WORDS * 4));
    if (!LITTLE_ENDIAN) Buffer.from(ids.entries.buffer).swap32();
    ids.count = kept;
    ids.index = new Uint32Array(indexSize(kept));
    for (let position = 0; position < kept; position++) ids.link(position);
    return ids;
  }

  /** Puts the digest of `id` in `scratch`, unless it is there: a write asks about its id more than once. */
  private digestOnce(id: unknown): void {
    if (scratchId !== id || scratchKey !== this.key) this.digest(id);
  }

  /** Puts the digest of `id` in `scratch`. */
  private digest(id: unknown): void {
    const bytes = nodeCrypto().hash('sha256', this.key + identityOf(id), 'buffer');
    for (let word = 0; word < WORDS; word++) scratch[word] = bytes.readUInt32LE(word * 4);
    scratchId = id;
    scratchKey = this.key;
  }

  /** The index slot of the digest in `scratch`, or -1. */
  private find(): number {
    const { index, entries } = this;
    const first = scratch[0] as number;
    let slot = home(first, index.length);
    for (let held = index[slot] as number; held !== 0; held = index[slot] as number) {
      const at = (held - 1) * WORDS;
      if (
        entries[at] === first &&
        entries[at + 1] === scratch[1] &&
        entries[at + 2] === scratch[2] &&
        entries[at + 3] === scratch[3]
      )
        return slot;
      slot = slot + 1 === index.length ? 0 : slot + 1;
    }
    return -1;
  }

  /** Adds the digest at `from[at…]`, which the set does not hold. */
  private insert(from: Uint32Array, at: number): void {
    let position: number;
    if (this.window !== undefined && this.count === this.window) {
      position = this.start;
      this.forget(position);
      this.start = this.start + 1 === this.window ? 0 : this.start + 1;
    } else {
      this.reserve(this.count + 1);
      position = this.count++;
    }
    for (let word = 0; word < WORDS; word++) this.entries[position * WORDS + word] = from[at + word] as number;
    this.link(position);
  }

  /** Room for `count` digests, in `entries` and in the index. */
  private reserve(count: number): void {
    const capacity = this.entries.length / WORDS;
    if (count > capacity) {
      let grown = Math.max(capacity + 1, Math.ceil(capacity * ENTRY_GROWTH), count);
      if (this.window !== undefined) grown = Math.min(grown, this.window);
      const entries = new Uint32Array(grown * WORDS);
      // Before the window is full, the digests start at 0: no ring to unwind.
      entries.set(this.entries);
      this.entries = entries;
    }
    if (count > this.index.length * MAX_LOAD) {
      this.index = new Uint32Array(indexSize(count, this.index.length));
      for (let position = 0; position < this.count; position++) this.link(position);
    }
  }

  /** Puts the digest at `position` in the index. */
  private link(position: number): void {
    const { index } = this;
    let slot = home(this.entries[position * WORDS] as number, index.length);
    while (index[slot] !== 0) slot = slot + 1 === index.length ? 0 : slot + 1;
    index[slot] = position + 1;
  }

  /** Takes the digest at `position` out of the index, shifting back the ones after it (no tombstones). */
  private forget(position: number): void {
    const { index, entries } = this;
    let slot = home(entries[position * WORDS] as number, index.length);
    while (index[slot] !== position + 1) slot = slot + 1 === index.length ? 0 : slot + 1;
    let next = slot;
    for (;;) {
      next = next + 1 === index.length ? 0 : next + 1;
      const held = index[next] as number;
      if (held === 0) break;
      const wanted = home(entries[(held - 1) * WORDS] as number, index.length);
      // It stays if its home lies cyclically in (slot, next]: moving it back would hide it.
      const stays = slot <= next ? slot < wanted && wanted <= next : slot < wanted || wanted <= next;
      if (stays) continue;
      index[slot] = held;
      slot = next;
    }
    index[slot] = 0;
  }
}

/** Slots for `count` digests: `size` grown by half until they fill at most three quarters of it. */
function indexSize(count: number, size = Math.ceil(FIRST_CAPACITY / MAX_LOAD)): number {
  while (count > size * MAX_LOAD) size = Math.ceil(size * INDEX_GROWTH);
  return size;
}

/** The first slot to probe for a digest whose first word is `word`: its share of the index, by multiplication. */
function home(word: number, size: number): number {
  return Math.floor((word * size) / 4294967296);
}
