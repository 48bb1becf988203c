import { isJsonObject, jsonTypeOf, type JsonObject } from '../json/value.js';
import { ArrayState } from './array-state.js';
import { invalidEvent } from './errors.js';
import { membersOf, mergeInto, removeMembers } from './merge.js';

/**
 * A projection's state. Each operation either refuses the event by throwing before it
 * changes anything, or returns the new state (often itself, changed in place).
 */
export interface ProjectionState {
  readonly kind: 'array' | 'object' | 'scalar';
  /** The elements of an array, or the members of an object; undefined for a scalar. */
  readonly size: number | undefined;
  /** Refuses a merge that would give an object more than `maxMembers` members (MAX_MEMBERS by default). */
  merge(data: unknown, maxMembers?: number): ProjectionState;
  append(data: unknown): ProjectionState;
  remove(data: unknown): ProjectionState;
  /** The state as a JSON value; not to be changed. */
  value(): unknown;
}

/** What an array state is indexed by: the key of its elements, and the declared fields. */
export interface StateShape {
  readonly key: string;
  readonly indexes?: readonly string[] | undefined;
}

/** The state that holds `value`, which it takes ownership of. */
export function stateFor(value: unknown, shape: StateShape): ProjectionState {
  if (Array.isArray(value)) return new ArrayState(value, shape.key, shape.indexes);
  if (isJsonObject(value)) return new ObjectState(value);
  return new ScalarState(value, shape);
}

/** An object state: merges are shallow, later keys overwrite earlier ones. */
class ObjectState implements ProjectionState {
  readonly kind = 'object';

  constructor(private readonly object: JsonObject) {}

  /** Counted when asked, unless merges keep a count of this object (see membersOf). */
  get size(): number {
    return membersOf(this.object);
  }

  merge(data: unknown, maxMembers?: number): ProjectionState {
    if (!isJsonObject(data)) {
      throw invalidEvent(`merge into an object state needs event_data to be an object, got ${jsonTypeOf(data)}`);
    }
    mergeInto(this.object, data, maxMembers);
    return this;
  }

  append(): ProjectionState {
    throw invalidEvent('append needs an array state, but the state is an object');
  }

  /** Deletes the top-level keys that event_data names: its keys, or a list of names, or one name. */
  remove(data: unknown): ProjectionState {
    removeMembers(this.object, keyNames(data));
    return this;
  }

  value(): unknown {
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
  readonly kind = 'scalar';

  get size(): undefined {
    return undefined;
  }

  constructor(
    private readonly scalar: unknown,
    private readonly shape: StateShape,
  ) {}

  merge(data: unknown): ProjectionState {
    return stateFor(data, this.shape);
  }

  append(): ProjectionState {
    throw invalidEvent(`append needs an array state, but the state is ${jsonTypeOf(this.scalar)}`);
  }

  remove(): ProjectionState {
    throw invalidEvent(`remove needs an array or object state, but the state is ${jsonTypeOf(this.scalar)}`);
  }

  value(): unknown {
    return this.scalar;
  }
}
