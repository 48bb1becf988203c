import { JsonKeyMap } from './keys.js';

/**
 * Where the elements with each key value are in an array state's slots: the first slot
 * by key, and any later ones (only `append` and initial states make them) in order.
 */
export class KeyIndex {
  private first = new JsonKeyMap<number>();
  private later = new JsonKeyMap<SlotQueue>();

  /** The first slot of an element with this key value. */
  firstSlotOf(key: unknown): number | undefined {
    return this.first.get(key);
  }

  /** Every slot of an element with this key value, in ascending order. */
  slotsOf(key: unknown): number[] {
    const first = this.first.get(key);
    if (first === undefined) return [];
    const later = this.later.get(key);
    return later ? [first, ...later.slots()] : [first];
  }

  /** Records an element with this key value at `slot`, after every slot recorded so far. */
  add(key: unknown, slot: number): void {
    if (!this.first.has(key)) {
      this.first.set(key, slot);
      return;
    }
    const later = this.later.get(key);
    if (later) later.push(slot);
    else this.later.set(key, new SlotQueue(slot));
  }

  /** Forgets the first slot with this key value; the next one, if any, becomes the first. */
  removeFirst(key: unknown): void {
    const later = this.later.get(key);
    const next = later?.shift();
    if (next === undefined) this.first.delete(key);
    else this.first.set(key, next);
    if (later?.size === 0) this.later.delete(key);
  }

  clear(): void {
    this.first.clear();
    this.later.clear();
  }
}

/** Slots in ascending order, taken from the front in constant time: Array#shift moves every slot left. */
class SlotQueue {
  private items: number[];
  private head = 0;

  constructor(first: number) {
    this.items = [first];
  }

  get size(): number {
    return this.items.length - this.head;
  }

  push(slot: number): void {
    this.items.push(slot);
  }

  shift(): number | undefined {
    if (this.head === this.items.length) return undefined;
    const slot = this.items[this.head++];
    // Taken slots are dropped once they are half the array, so each slot is moved at most once on average.
    if (this.head * 2 >= this.items.length && this.head >= 16) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return slot;
  }

  slots(): number[] {
    return this.items.slice(this.head);
  }
}
