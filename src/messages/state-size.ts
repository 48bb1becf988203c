import { type RecordLimit, recordTooLong } from '../durable/record-room.js';
import { MAX_JSON_GROWTH, stringifyJson } from '../json/stringify.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import type { Op } from '../projections/ops.js';

/**
 * The longest JSON a state may have, in characters: every reply that carries the
 * state must stay well under V8's longest string (about 2^29 characters).
 */
export const MAX_STATE_JSON = 256 * 1024 * 1024;

/** The JSON length of a new projection's state, []. */
export const EMPTY_ARRAY_LENGTH = 2;

/** Keeps every state's JSON within a limit, checked before a write changes anything. */
export class StateRoom {
  constructor(readonly maxJson = MAX_STATE_JSON) {}

  /**
   * Throws error 12 if `value`, added to a state whose JSON is `base` long, could make
   * the state's JSON pass the limit, or what the data directory's record of the
   * projection leaves it (`record`, see RecordRoom). `requestSize` (characters of input the
   * value came from) bounds the value's JSON, so only a large request or state measures it.
   */
  check(type: string, base: number, value: unknown, requestSize: number, record?: RecordLimit): void {
    const limit = record === undefined ? this.maxJson : Math.min(this.maxJson, record.state);
    if (base + MAX_JSON_GROWTH * requestSize + 1 <= limit) return;
    let length: number;
    try {
      length = stringifyJson(value).length;
    } catch {
      // Longer than any string V8 can make.
      throw this.tooLarge(type);
    }
    this.refuseOver(type, base + length + 1, record);
  }

  /**
   * As check, for an event of `op` on a state whose JSON is `base` long: `replace` makes
   * the value the state, and `remove` and `ignore` add nothing to it.
   */
  checkEvent(type: string, op: Op, base: number, value: unknown, requestSize: number, record?: RecordLimit): void {
    if (op === 'replace') this.check(type, 0, value, requestSize, record);
    else if (op === 'remove' || op === 'ignore') this.refuseOver(type, base, record);
    else this.check(type, base, value, requestSize, record);
  }

  /** Throws error 12 if a state's JSON of `length` passes the limit or what `record` leaves it. */
  private refuseOver(type: string, length: number, record: RecordLimit | undefined): void {
    if (length > this.maxJson) throw this.tooLarge(type);
    if (record !== undefined && length > record.state) throw recordTooLong(type, record.maxChars);
  }

  private tooLarge(type: string): RpcError {
    return new RpcError(
      ErrorCode.malformedRequest,
      `${type}: the state's JSON would be longer than ${this.maxJson} characters, the most a reply can carry`,
    );
  }
}
