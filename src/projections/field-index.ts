import { JsonKeyMap } from './keys.js';

/**
 * Where the elements with each value of one field are in an array state's slots. A
 * value held by one element maps to its slot; one held by several, to a set of them.
 */
export class FieldIndex {
  private readonly slots = new JsonKeyMap<number | Set<number>>();

  add(value: unknown, slot: number): void {
    const found = this.slots.get(value);
    if (found === undefined) this.slots.set(value, slot);
    else if (typeof found === 'number') this.slots.set(value, new Set([found, slot]));
    else found.add(slot);
  }

  delete(value: unknown, slot: number): void {
    const found = this.slots.get(value);
    if (found === undefined) return;
    if (typeof found === 'number') {
      if (found === slot) this.slots.delete(value);
      return;
    }
    found.delete(slot);
    if (found.size === 1) this.slots.set(value, found.values().next().value as number);
  }

  /** The slots of the elements whose field has this value, in ascending order. */
  slotsOf(value: unknown): number[] {
    const found = this.slots.get(value);
    if (found === undefined) return [];
    if (typeof found === 'number') return [found];
    return Array.from(found).sort((a, b) => a - b);
  }
}
