import { isJsonObject, type JsonObject } from '../json/value.js';
import { invalidEvent } from './errors.js';
import { FieldIndex } from './field-index.js';
import { KeyIndex } from './key-index.js';
import { applyMerge, membersAfterMerge } from './merge.js';
import type { ProjectionState } from './state.js';

/** Told of every change to an array state's slots, so that a cache of them can follow. */
export interface ArrayListener {
  appended(slot: number): void;
  /** The element in `slot` changed in place. */
  changed(slot: number): void;
  /** The element in `slot` was removed; the slot is a hole until the next compaction. */
  removed(slot: number): void;
  /** Holes were dropped: `kept` lists, in order, the old slots of the elements that remain. */
  compacted(kept: readonly number[]): void;
}

/** Holes are compacted away once there are at least this many and they outnumber the live elements. */
const COMPACT_MIN_HOLES = 64;

const NO_FIELDS: readonly string[] = [];

/** Fields declared for indexing, and their indexes, one per field, made with the first element that has one. */
interface DeclaredFields {
  readonly names: readonly string[];
  indexes: FieldIndex[] | undefined;
}

/**
 * An array state. Elements that are objects carrying the key are indexed by their
 * key's value, so upsert and remove are O(1); so are the declared fields, for queries.
 * The indexes are made from the slots at the first upsert, remove or indexed query: a
 * state loaded from disk or created whole is often only read, and a restart answers
 * sooner without them. Removal leaves a hole in its slot, so the positions in the
 * indexes stay valid until a compaction renumbers them.
 */
export class ArrayState implements ProjectionState {
  readonly kind = 'array';
  listener: ArrayListener | undefined;
  private slots: unknown[];
  private holes = 0;
  /** Whether `index` and the declared fields' indexes hold every slot. */
  private indexed = false;
  /** Made with the first keyed element: many arrays hold none. */
  private index: KeyIndex | undefined;
  /** The declared fields other than the key (which has its own index); none for most states, so one field. */
  private readonly declared: DeclaredFields | undefined;

  constructor(
    elements: readonly unknown[],
    private readonly key: string,
    indexed: readonly string[] = NO_FIELDS,
  ) {
    const names = indexed.length === 0 ? NO_FIELDS : [...new Set(indexed)].filter((field) => field !== key);
    this.declared = names.length === 0 ? undefined : { names, indexes: undefined };
    this.slots = elements.slice();
  }

  merge(data: unknown, maxMembers?: number): ProjectionState {
    const slot = this.slotOf(data);
    if (slot === undefined) return this.push(data);
    const element = this.slots[slot] as JsonObject;
    const members = membersAfterMerge(element, data as JsonObject, maxMembers);
    this.unindexFields(element, slot, data as JsonObject);
    applyMerge(element, data as JsonObject, members);
    this.indexFields(element, slot, data as JsonObject);
    this.listener?.changed(slot);
    return this;
  }

  append(data: unknown): ProjectionState {
    return this.push(data);
  }

  remove(data: unknown): ProjectionState {
    if (!isJsonObject(data) || !Object.hasOwn(data, this.key)) {
      throw invalidEvent(`remove needs event_data to be an object with the key "${this.key}"`);
    }
    const index = this.keyIndex();
    const slot = index?.firstSlotOf(data[this.key]);
    if (slot === undefined) return this;
    index?.removeFirst(data[this.key]);
    this.unindexFields(this.slots[slot] as JsonObject, slot, undefined);
    this.slots[slot] = undefined;
    this.holes++;
    this.listener?.removed(slot);
    if (this.holes >= COMPACT_MIN_HOLES && this.holes * 2 > this.slots.length) this.compact();
    return this;
  }

  /** The elements, holes compacted away; not to be changed. */
  value(): readonly unknown[] {
    if (this.holes > 0) this.compact();
    return this.slots;
  }

  /** Slots, holes included: what a listener's slot numbers index. */
  get slotCount(): number {
    return this.slots.length;
  }

  get size(): number {
    return this.slots.length - this.holes;
  }

  /** The element in `slot`, or undefined for a hole. */
  elementAt(slot: number): unknown {
    return this.slots[slot];
  }

  get hasHoles(): boolean {
    return this.holes > 0;
  }

  /**
   * The slots, ascending, of the objects whose `field` equals `value` as JSON, if the
   * field is the key or a declared one; undefined if finding them takes a scan.
   */
  slotsWith(field: string, value: unknown): number[] | undefined {
    if (field === this.key) return this.keyIndex()?.slotsOf(value) ?? [];
    const at = this.declared?.names.indexOf(field) ?? -1;
    if (at < 0) return undefined;
    this.keyIndex(); // makes the declared fields' indexes too
    return this.declared?.indexes?.[at]?.slotsOf(value) ?? [];
  }

  private push(element: unknown): this {
    const slot = this.slots.length;
    this.slots.push(element);
    if (this.indexed) this.indexElement(element, slot);
    this.listener?.appended(slot);
    return this;
  }

  /** The key index (undefined if no element has the key), made from the slots if it is not yet. */
  private keyIndex(): KeyIndex | undefined {
    if (!this.indexed) {
      const slots = this.slots;
      try {
        for (let slot = 0; slot < slots.length; slot++) {
          const element = slots[slot];
          if (element !== undefined) this.indexElement(element, slot);
        }
      } catch (error) {
        // Out of memory, say: no index half made, and the request that needed it fails with nothing changed.
        this.index = undefined;
        if (this.declared) this.declared.indexes = undefined;
        throw error;
      }
      this.indexed = true;
    }
    return this.index;
  }

  private indexElement(element: unknown, slot: number): void {
    if (!isJsonObject(element)) return;
    if (Object.hasOwn(element, this.key)) (this.index ??= new KeyIndex()).add(element[this.key], slot);
    this.indexFields(element, slot, undefined);
  }

  /** Indexes `element`'s declared fields, or only those `only` has. */
  private indexFields(element: JsonObject, slot: number, only: JsonObject | undefined): void {
    const declared = this.declared;
    if (!declared) return;
    const fields = declared.names;
    for (let at = 0; at < fields.length; at++) {
      const field = fields[at] as string;
      if (!Object.hasOwn(element, field) || (only && !Object.hasOwn(only, field))) continue;
      declared.indexes ??= fields.map(() => new FieldIndex());
      declared.indexes[at]?.add(element[field], slot);
    }
  }

  /** Forgets `element`'s declared fields, or only those `only` has (a merge is about to change them). */
  private unindexFields(element: JsonObject, slot: number, only: JsonObject | undefined): void {
    const indexes = this.declared?.indexes;
    if (!indexes) return;
    const fields = (this.declared as DeclaredFields).names;
    for (let at = 0; at < fields.length; at++) {
      const field = fields[at] as string;
      if (!Object.hasOwn(element, field) || (only && !Object.hasOwn(only, field))) continue;
      indexes[at]?.delete(element[field], slot);
    }
  }

  /** The slot an upsert of `data` lands in, if `data` carries a known key. */
  private slotOf(data: unknown): number | undefined {
    if (!isJsonObject(data) || !Object.hasOwn(data, this.key)) return undefined;
    return this.keyIndex()?.firstSlotOf(data[this.key]);
  }

  private compact(): void {
    const slots = this.slots;
    const kept: number[] = [];
    this.slots = [];
    this.holes = 0;
    this.indexed = false;
    this.index = undefined;
    if (this.declared) this.declared.indexes = undefined;
    for (let slot = 0; slot < slots.length; slot++) {
      const element = slots[slot];
      if (element === undefined) continue;
      this.slots.push(element);
      kept.push(slot);
    }
    this.listener?.compacted(kept);
  }
}
