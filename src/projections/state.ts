import { isJsonObject, jsonTypeOf, setOwn, type JsonObject } from '../json/value.js';
import { stringifyJson } from '../json/stringify.js';
import { ArrayBytes } from './array-bytes.js';
import { invalidEvent } from './errors.js';
import { JsonKeyMap } from './keys.js';

/**
 * A projection's state. Each operation either refuses the event by throwing before it
 * changes anything, or returns the new state (often itself, changed in place).
 */
export interface ProjectionState {
  merge(data: unknown): ProjectionState;
  append(data: unknown): ProjectionState;
  remove(data: unknown): ProjectionState;
  /**
   * The state, to be serialized at once and not changed: the value itself, or for a
   * large array a JsonFragment of its cached JSON, so a reply need not serialize it again.
   */
  serializable(): unknown;
}

/** The state that holds `value`, which it takes ownership of. */
export function stateFor(value: unknown, key: string): ProjectionState {
  if (Array.isArray(value)) return new ArrayState(value, key);
  if (isJsonObject(value)) return new ObjectState(value);
  return new ScalarState(value, key);
}

function mergeInto(target: JsonObject, data: JsonObject): void {
  // for-in sees only own keys here: parsed JSON objects inherit nothing enumerable.
  for (const name in data) setOwn(target, name, data[name]);
}

/** Arrays with at least this many elements keep their JSON as growing bytes. */
const BYTES_MIN_ELEMENTS = 32;
/** Holes are compacted away once there are at least this many and they outnumber the live elements. */
const COMPACT_MIN_HOLES = 64;

/**
 * An array state. Elements that are objects carrying the key are indexed by
 * their key's value, so upsert and remove are O(1). Removal leaves a hole in its
 * slot, so the positions in the index stay valid until a compaction renumbers them.
 */
class ArrayState implements ProjectionState {
  private slots: unknown[] = [];
  /** Each slot's JSON, computed when first needed; undefined for holes too. */
  private slotJson: (string | undefined)[] = [];
  /** Whether the bytes have been built before: later builds reuse each element's JSON. */
  private bytesBuilt = false;
  private holes = 0;
  /** The first slot with each key. */
  private firstSlot = new JsonKeyMap<number>();
  /** Further slots with a key, ascending: only `append` and initial states make them. */
  private laterSlots = new JsonKeyMap<number[]>();
  private bytes: ArrayBytes | undefined;

  constructor(
    elements: unknown[],
    private readonly key: string,
  ) {
    for (const element of elements) this.push(element);
  }

  merge(data: unknown): ProjectionState {
    const slot = this.slotOf(data);
    if (slot === undefined) return this.push(data);
    mergeInto(this.slots[slot] as JsonObject, data as JsonObject);
    this.changed(slot);
    return this;
  }

  append(data: unknown): ProjectionState {
    return this.push(data);
  }

  remove(data: unknown): ProjectionState {
    if (!isJsonObject(data) || !Object.hasOwn(data, this.key)) {
      throw invalidEvent(`remove needs event_data to be an object with the key "${this.key}"`);
    }
    const name = data[this.key];
    const slot = this.firstSlot.get(name);
    if (slot === undefined) return this;
    const later = this.laterSlots.get(name);
    const next = later?.shift();
    if (next === undefined) this.firstSlot.delete(name);
    else this.firstSlot.set(name, next);
    if (later?.length === 0) this.laterSlots.delete(name);
    this.slots[slot] = undefined;
    this.holes++;
    this.changed(slot);
    if (this.holes >= COMPACT_MIN_HOLES && this.holes * 2 > this.slots.length) this.compact();
    return this;
  }

  serializable(): unknown {
    if (this.bytes) return this.bytes.fragment();
    if (this.slots.length - this.holes < BYTES_MIN_ELEMENTS) {
      if (this.holes > 0) this.compact();
      return this.slots;
    }
    this.bytes = new ArrayBytes(this.openJson(), this.slots.length === this.holes);
    return this.bytes.fragment();
  }

  private push(element: unknown): this {
    const slot = this.slots.length;
    this.slots.push(element);
    this.slotJson.push(undefined);
    this.index(element, slot);
    if (this.bytes) this.bytes.append(this.jsonAt(slot));
    return this;
  }

  private index(element: unknown, slot: number): void {
    if (!isJsonObject(element) || !Object.hasOwn(element, this.key)) return;
    const name = element[this.key];
    if (!this.firstSlot.has(name)) {
      this.firstSlot.set(name, slot);
      return;
    }
    const later = this.laterSlots.get(name);
    if (later) later.push(slot);
    else this.laterSlots.set(name, [slot]);
  }

  /** The slot an upsert of `data` lands in, if `data` carries a known key. */
  private slotOf(data: unknown): number | undefined {
    if (!isJsonObject(data) || !Object.hasOwn(data, this.key)) return undefined;
    return this.firstSlot.get(data[this.key]);
  }

  /** A slot changed in place: its JSON and the array's bytes are stale. */
  private changed(slot: number): void {
    this.slotJson[slot] = undefined;
    this.bytes = undefined;
  }

  private jsonAt(slot: number): string {
    return (this.slotJson[slot] ??= stringifyJson(this.slots[slot]));
  }

  /** "[" and the elements' JSON, comma-separated, without the closing bracket. */
  private openJson(): string {
    // The first build has no element JSON to reuse (after a rebuild, say), and one
    // native call for the whole array is about 3x faster than one per element.
    const firstBuild = !this.bytesBuilt;
    this.bytesBuilt = true;
    if (firstBuild && this.holes === 0) return stringifyJson(this.slots).slice(0, -1);
    let json = '[';
    let first = true;
    for (let slot = 0; slot < this.slots.length; slot++) {
      if (this.slots[slot] === undefined) continue;
      json += first ? this.jsonAt(slot) : `,${this.jsonAt(slot)}`;
      first = false;
    }
    return json;
  }

  private compact(): void {
    const slots = this.slots;
    const slotJson = this.slotJson;
    this.slots = [];
    this.slotJson = [];
    this.holes = 0;
    this.firstSlot.clear();
    this.laterSlots.clear();
    for (let slot = 0; slot < slots.length; slot++) {
      const element = slots[slot];
      if (element === undefined) continue;
      this.index(element, this.slots.length);
      this.slots.push(element);
      this.slotJson.push(slotJson[slot]);
    }
  }
}

/** An object state: merges are shallow, later keys overwrite earlier ones. */
class ObjectState implements ProjectionState {
  constructor(private readonly object: JsonObject) {}

  merge(data: unknown): ProjectionState {
    if (!isJsonObject(data)) {
      throw invalidEvent(`merge into an object state needs event_data to be an object, got ${jsonTypeOf(data)}`);
    }
    mergeInto(this.object, data);
    return this;
  }

  append(): ProjectionState {
    throw invalidEvent('append needs an array state, but the state is an object');
  }

  /** Deletes the top-level keys that event_data names: its keys, or a list of names, or one name. */
  remove(data: unknown): ProjectionState {
    const names = keyNames(data);
    for (const name of names) delete this.object[name];
    return this;
  }

  serializable(): unknown {
    return this.object;
  }

}

function keyNames(data: unknown): readonly string[] {
  if (typeof data === 'string') return [data];
  if (isJsonObject(data)) return Object.keys(data);
  if (Array.isArray(data) && data.every((name) => typeof name === 'string')) return data;
  throw invalidEvent(
    `remove from an object state needs event_data to be an object, a key name or an array of key names, got ${jsonTypeOf(data)}`,
  );
}

/** A string, number, boolean or null state: a merge replaces it. */
class ScalarState implements ProjectionState {
  constructor(
    private readonly scalar: unknown,
    private readonly key: string,
  ) {}

  merge(data: unknown): ProjectionState {
    return stateFor(data, this.key);
  }

  append(): ProjectionState {
    throw invalidEvent(`append needs an array state, but the state is ${jsonTypeOf(this.scalar)}`);
  }

  remove(): ProjectionState {
    throw invalidEvent(`remove needs an array or object state, but the state is ${jsonTypeOf(this.scalar)}`);
  }

  serializable(): unknown {
    return this.scalar;
  }
}
