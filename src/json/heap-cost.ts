import { ExactNumber } from './exact-number.js';

/*
 * What a copy of a JSON value (cloneJson's) takes in V8's heap, at most, part by part, as
 * measured on 64-bit Node 20. Strings are not counted: a copy shares them with the value.
 * Objects with the same keys in the same order share a shape in V8: the first of a shape
 * costs about 250 bytes with one key, each later one 64 (four properties fit in it).
 */
const NEW_SHAPE_OBJECT_BYTES = 200;
const NEW_SHAPE_PROPERTY_BYTES = 56;
const OBJECT_BYTES = 64;
/** Past the four an object holds inside itself. */
const PROPERTY_BYTES = 8;
const ARRAY_BYTES = 48;
const ELEMENT_BYTES = 8;
/** A number that is no small integer has a box of its own. */
const NUMBER_BYTES = 16;
/** Shapes remembered in one walk; past them every object counts as one of a new shape. */
const MAX_SHAPES = 65_536;
/** Keys an object's shape is told by, at most. */
const MAX_SHAPE_KEYS = 64;
/** Characters of the shapes remembered in one walk, at most: keys may be long. */
const MAX_SHAPE_CHARS = 4 * 1024 * 1024;

/** Whether V8 keeps the number inside its slot (a small integer). */
function isSmall(value: number): boolean {
  return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
}

/**
 * An upper bound on the bytes of heap a copy of `value` takes. It recurses once per level
 * of nesting, which requests bound (see MAX_NESTING).
 */
export function heapCost(value: unknown): number {
  return new HeapCost().of(value);
}

class HeapCost {
  /** The key lists seen, each key written after its length, so that no two lists read the same. */
  private readonly shapes = new Set<string>();
  private shapeChars = 0;

  of(value: unknown): number {
    if (typeof value === 'number') return isSmall(value) ? 0 : NUMBER_BYTES;
    // Strings and ExactNumbers are shared by a copy; true, false and null take nothing.
    if (typeof value !== 'object' || value === null || value instanceof ExactNumber) return 0;
    if (Array.isArray(value)) {
      let bytes = ARRAY_BYTES + ELEMENT_BYTES * value.length;
      for (let index = 0; index < value.length; index++) bytes += this.of(value[index]);
      return bytes;
    }
    let shape = '';
    let properties = 0;
    let bytes = 0;
    for (const key in value) {
      // The key list of a large object is not built: such an object counts as one of a new shape.
      if (properties < MAX_SHAPE_KEYS) shape += `${key.length}:${key}`;
      properties++;
      bytes += this.of((value as Record<string, unknown>)[key]);
    }
    if (properties > MAX_SHAPE_KEYS || this.isNew(shape))
      return bytes + NEW_SHAPE_OBJECT_BYTES + NEW_SHAPE_PROPERTY_BYTES * properties;
    return bytes + OBJECT_BYTES + PROPERTY_BYTES * Math.max(0, properties - 4);
  }

  private isNew(shape: string): boolean {
    if (this.shapes.has(shape)) return false;
    if (this.shapes.size < MAX_SHAPES && this.shapeChars + shape.length <= MAX_SHAPE_CHARS) {
      this.shapes.add(shape);
      this.shapeChars += shape.length;
    }
    return true;
  }
}
