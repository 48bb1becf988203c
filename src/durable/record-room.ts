import { MAX_JSON_GROWTH, stringifyJson } from '../json/stringify.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import {
  DEFAULT_DEFINITION,
  type Projection,
  type ProjectionDefinition,
  type ProjectionEvent,
} from '../projections/projection.js';
import type { StateJsonCache } from '../state-json/state-json.js';
import { definitionLength, imageLength, MAX_RECORD_CHARS, updateLength } from './records.js';

/** Error 12 for a write whose record, or whose projection's image, would pass `maxChars`. */
export function recordTooLong(type: string, maxChars: number): RpcError {
  return new RpcError(
    ErrorCode.malformedRequest,
    `${type}: the projection's record in the data directory (its initial state, state and event ids together) would be longer than ${maxChars} characters`,
  );
}

/** What the data directory's record of a projection leaves its state: the longest JSON it may have. */
export interface RecordLimit {
  readonly state: number;
  /** The longest record, for the error's text. */
  readonly maxChars: number;
}

/**
 * Keeps every record the journal writes within `maxChars`, checked before a write
 * changes anything. A projection's image holds its definition (its initial state
 * included), its state and its event ids in one record, and each snapshot writes one per
 * projection: a write after which the image would be too long is refused, so every
 * image can always be written.
 */
export class RecordRoom {
  /** The definition length of each projection asked about (see definitionLength): it never changes. */
  private readonly definitions = new WeakMap<Projection, number>();

  /** `maxChars`: the longest record, MAX_RECORD_CHARS unless a test sets less. */
  constructor(
    private readonly json: StateJsonCache,
    readonly maxChars = MAX_RECORD_CHARS,
  ) {}

  /**
   * The longest state JSON that `projection` may have with `ids` event ids; for a name
   * without a projection, that of the one a write makes from [].
   */
  stateLimit(name: string, projection: Projection | undefined, ids: number): RecordLimit {
    return { state: this.maxChars - imageLength(this.definitionOf(name, projection), 0, ids), maxChars: this.maxChars };
  }

  /** The longest initial state JSON a create may give: the image holds it twice, as the initial state and the state. */
  initialLimit(name: string, definition: ProjectionDefinition): RecordLimit {
    const state = Math.floor((this.maxChars - imageLength(definitionLength(name, definition, 0), 0, 0)) / 2);
    return { state, maxChars: this.maxChars };
  }

  /** Throws error 12 if the record of an update of `name` with `event` could be too long; `size` bounds its JSON as StateRoom's does. */
  checkEvent(type: string, name: string, event: ProjectionEvent, size: number): void {
    if (updateLength(name, MAX_JSON_GROWTH * size) <= this.maxChars) return;
    let length: number;
    try {
      length = stringifyJson(event).length;
    } catch {
      // Longer than any string V8 can make.
      throw recordTooLong(type, this.maxChars);
    }
    if (updateLength(name, length) > this.maxChars) throw recordTooLong(type, this.maxChars);
  }

  private definitionOf(name: string, projection: Projection | undefined): number {
    // A write to an unknown name makes a projection from [].
    if (!projection) return definitionLength(name, DEFAULT_DEFINITION, '[]'.length);
    let length = this.definitions.get(projection);
    if (length === undefined) {
      length = definitionLength(projection.name, projection.definition, this.json.of(projection).initialLength());
      this.definitions.set(projection, length);
    }
    return length;
  }
}
